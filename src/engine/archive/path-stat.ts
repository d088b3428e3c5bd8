// Docker's ContainerPathStat (the `X-Docker-Container-Path-Stat` header of HEAD/GET archive): name, size,
// a Go os.FileMode, mtime (RFC 3339 with nanoseconds) and the resolved link target. badidea learns them from
// `stat -c` run in the container (or from `ls -ld` where the image has no stat); this file turns that text into
// the stat (the API layer encodes the header). Pure functions.

/** moby api/types ContainerPathStat. */
export interface ContainerPathStat {
  name: string;
  size: number;
  /** Go os.FileMode: permission bits plus Go's type bits (not Unix S_IFMT). */
  mode: number;
  mtime: string;
  linkTarget: string;
}

// Go's os.FileMode bits (io/fs): not the Unix ones.
export const MODE_DIR = 2 ** 31;
export const MODE_SYMLINK = 2 ** 27;
export const MODE_DEVICE = 2 ** 26;
export const MODE_NAMED_PIPE = 2 ** 25;
export const MODE_SOCKET = 2 ** 24;
export const MODE_SETUID = 2 ** 23;
export const MODE_SETGID = 2 ** 22;
export const MODE_CHAR_DEVICE = 2 ** 21;
export const MODE_STICKY = 2 ** 20;

const S_IFMT = 0o170000;

/** A Unix st_mode → Go os.FileMode (as moby's os.Lstat gives it). */
export function goFileMode(unixMode: number): number {
  let mode = unixMode & 0o777;
  switch (unixMode & S_IFMT) {
    case 0o040000:
      mode += MODE_DIR;
      break;
    case 0o120000:
      mode += MODE_SYMLINK;
      break;
    case 0o010000:
      mode += MODE_NAMED_PIPE;
      break;
    case 0o140000:
      mode += MODE_SOCKET;
      break;
    case 0o060000:
      mode += MODE_DEVICE;
      break;
    case 0o020000:
      mode += MODE_DEVICE + MODE_CHAR_DEVICE;
      break;
  }
  if (unixMode & 0o4000) mode += MODE_SETUID;
  if (unixMode & 0o2000) mode += MODE_SETGID;
  if (unixMode & 0o1000) mode += MODE_STICKY;
  return mode;
}

export function isDirMode(goMode: number): boolean {
  return Math.floor(goMode / MODE_DIR) % 2 === 1;
}

export function isSymlinkMode(goMode: number): boolean {
  return Math.floor(goMode / MODE_SYMLINK) % 2 === 1;
}

/** `ls -l` permission text (`drwxr-sr-t`) → a Unix st_mode. For images without `stat`. */
export function unixModeFromLs(perms: string): number {
  const type: Record<string, number> = {
    d: 0o040000,
    l: 0o120000,
    p: 0o010000,
    s: 0o140000,
    b: 0o060000,
    c: 0o020000,
  };
  let mode = type[perms[0]] ?? 0o100000;
  const bit = (i: number, v: number) => {
    if (perms[i] && perms[i] !== '-' && perms[i] !== 'S' && perms[i] !== 'T') mode |= v;
  };
  bit(1, 0o400);
  bit(2, 0o200);
  bit(3, 0o100);
  bit(4, 0o040);
  bit(5, 0o020);
  bit(6, 0o010);
  bit(7, 0o004);
  bit(8, 0o002);
  bit(9, 0o001);
  if (perms[3] === 's' || perms[3] === 'S') mode |= 0o4000;
  if (perms[6] === 's' || perms[6] === 'S') mode |= 0o2000;
  if (perms[9] === 't' || perms[9] === 'T') mode |= 0o1000;
  return mode;
}

/** Go's RFC3339Nano in UTC: trailing zeros of the fraction dropped, no fraction when it is zero. */
export function rfc3339Nano(epochSeconds: number, nanos: number): string {
  const base = new Date(epochSeconds * 1000).toISOString().slice(0, 19);
  if (!nanos) return `${base}Z`;
  return `${base}.${String(nanos).padStart(9, '0').replace(/0+$/, '')}Z`;
}

/**
 * The stat line the scripts print (see scripts.ts):
 *   `S <hex st_mode> <size> <mtime epoch s> <%y: date time.fraction zone>` (stat -c '%f %s %Y %y'), or
 *   `P <ls -ld permissions> <size>` (no stat in the image: no mtime),
 * and, for a symlink, `L <resolved target>`. `name` is the base name of the requested path (moby's rule).
 */
export function parseStatLines(lines: readonly string[], name: string): ContainerPathStat {
  let mode = 0;
  let size = 0;
  let mtime = rfc3339Nano(0, 0);
  let linkTarget = '';
  for (const line of lines) {
    const tag = line.slice(0, 2);
    const rest = line.slice(2);
    if (tag === 'S ') {
      const [hex, sz, epoch, , time] = rest.split(' ');
      mode = goFileMode(Number.parseInt(hex, 16));
      size = Number(sz) || 0;
      const fraction = /\.(\d+)/.exec(time ?? '');
      const nanos = fraction ? Number(fraction[1].padEnd(9, '0').slice(0, 9)) : 0;
      mtime = rfc3339Nano(Number(epoch) || 0, nanos);
    } else if (tag === 'P ') {
      const [perms, sz] = rest.split(' ');
      mode = goFileMode(unixModeFromLs(perms));
      size = Number(sz) || 0;
    } else if (tag === 'L ') {
      linkTarget = rest;
    }
  }
  if (!isSymlinkMode(mode)) linkTarget = '';
  return { name, size, mode, mtime, linkTarget };
}

/**
 * moby's name for a requested path: the base name of the cleaned absolute path, keeping a trailing `/.`
 * (`/tmp/dir/.` → `.`, `/tmp/dir/` → `dir`, `/` → `/`).
 */
export function statName(path: string): string {
  if (/(^|\/)\.$/.test(path)) return '.';
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
