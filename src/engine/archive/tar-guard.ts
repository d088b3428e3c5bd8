// Validates a client's tar archive while it streams, entry by entry, and re-packs it for `tar x` in the
// container: nothing of an entry reaches the container before its header was checked, and the server holds one
// tar block at a time (tar-stream parses and packs with backpressure). The checks are moby's pkg/archive Unpack
// rules, with the target directory as the root:
//   - a name that leaves the target once cleaned (`../x`, `a/../../x`) is refused: `"../x" is outside of "/tmp"`;
//     an absolute name is taken relative to the target, as Docker (and tar) do;
//   - a hard link whose target leaves the target is refused (`invalid hardlink`);
//   - a symlink whose relative target leaves the target is refused (`invalid symlink`); absolute link targets are
//     allowed (they resolve inside the container, as in Docker).
// The messages are moby's (dockerd wraps them as a 500 `Error processing tar file(exit status 1): …` after
// extracting the entries before the bad one; badidea answers 400 and extracts nothing).
// Owners are kept numerically (uname/gname are dropped so tar cannot map them by name: Docker extracts by uid/gid)
// unless an owner override is given (copyUIDGID). Why re-pack instead of passing the bytes through: the headers
// must be checked before the bytes are forwarded, names may need rewriting (rebasing for copies before start,
// absolute names), and a commit marker is appended only once the whole archive was read and found valid, so
// the script in the container can tell a complete archive from a cut one (see scripts.ts).

import { posix } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { InvalidParameter } from '../../errors.ts';

export interface GuardOptions {
  /** The extraction directory as the client named it, for messages (`/tmp`). */
  target: string;
  /** Prepended to every entry name and hard link target (`etc/` to extract at `/` what was meant for /etc). */
  rebase?: string;
  /** copyUIDGID: every entry gets this owner. */
  owner?: { uid: number; gid: number };
  /** Name of an empty file appended after the last entry, only when the archive was complete and valid. */
  commitMarker?: string;
}

/** A rejected archive (400): the message names the entry. */
export class ArchiveRejected extends InvalidParameter {}

type Header = Omit<tar.Header, 'pax' | 'type'> & { type: tar.Header['type'] | null; pax?: Record<string, string> };

const ALLOWED_TYPES = new Set(['file', 'link', 'symlink', 'directory', 'character-device', 'block-device', 'fifo']);

/** Cleans an entry name relative to the extraction root; undefined when it leaves the root. */
export function cleanEntryName(name: string): string | undefined {
  const relative = name.replace(/^\/+/, '');
  if (relative === '') return '.';
  const cleaned = posix.normalize(relative).replace(/\/+$/, '');
  if (cleaned === '..' || cleaned.startsWith('../')) return undefined;
  return cleaned === '' ? '.' : cleaned;
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** Checks one header and returns the header to pack; throws ArchiveRejected. */
export function checkEntry(header: Header, o: GuardOptions): Header {
  const type = header.type ?? 'file';
  if (!ALLOWED_TYPES.has(type)) {
    throw new ArchiveRejected(
      `archive entry ${quote(header.name)} has an unsupported type${header.type ? ` (${header.type})` : ''}`,
    );
  }
  const name = cleanEntryName(header.name);
  if (name === undefined) throw new ArchiveRejected(`${quote(header.name)} is outside of ${quote(o.target)}`);
  const prefix = o.rebase ?? '';
  const rebased = (n: string) => (prefix === '' ? n : n === '.' ? prefix.replace(/\/$/, '') : `${prefix}${n}`);
  const out: Header = {
    ...header,
    name: rebased(name) + (type === 'directory' && name !== '.' ? '/' : ''),
    uname: '',
    gname: '',
  };
  if (o.owner) {
    out.uid = o.owner.uid;
    out.gid = o.owner.gid;
  }
  if (type === 'link') {
    const target = cleanEntryName(header.linkname ?? '');
    if (target === undefined || target === '.') {
      throw new ArchiveRejected(`invalid hardlink ${quote(header.name)} -> ${quote(header.linkname ?? '')}`);
    }
    out.linkname = rebased(target);
  } else if (type === 'symlink') {
    const link = header.linkname ?? '';
    if (!link.startsWith('/')) {
      const resolved = posix.normalize(posix.join(posix.dirname(name), link));
      if (resolved === '..' || resolved.startsWith('../')) {
        throw new ArchiveRejected(`invalid symlink ${quote(posix.join(o.target, name))} -> ${quote(link)}`);
      }
    }
  }
  // The name and link target are written anew (pax when long); keep the other pax records (times, xattrs).
  if (header.pax) {
    const { path: _p, linkpath: _l, size: _s, ...rest } = header.pax;
    if (Object.keys(rest).length > 0) out.pax = rest;
    else delete out.pax;
  }
  return out;
}

/**
 * The validated, re-packed archive. Reading it drives reading `input`. It errors with ArchiveRejected for a
 * refused entry, InvalidParameter for something that is not a tar archive, or the input's own error.
 */
export function guardArchive(input: Readable, o: GuardOptions): Readable {
  const extract = tar.extract();
  const pack = tar.pack();
  let failed = false;
  const fail = (err: Error) => {
    if (failed) return;
    failed = true;
    input.unpipe(extract as never);
    input.resume();
    extract.destroy(err);
    pack.destroy(err);
  };

  extract.on('entry', (entryHeader, stream, next) => {
    const header = entryHeader as Header;
    stream.on('error', () => {}); // its failure is the extract's, reported once by fail()
    let out: Header;
    try {
      out = checkEntry(header, o);
    } catch (err) {
      stream.resume();
      fail(err as Error);
      return;
    }
    if (o.rebase !== undefined && cleanEntryName(header.name) === '.') {
      // The archive's root directory is the target itself, which exists: its mode and owner are not the archive's
      // to change (extracted at `/`, it would chmod the target, or `/`). The staged path drops it the same way.
      stream.resume();
      stream.on('end', () => next());
      return;
    }
    const sink = pack.entry(out as tar.Header, (err) => {
      if (err) fail(err);
      else next();
    });
    stream.pipe(sink as never);
  });
  extract.on('finish', () => {
    if (failed) return;
    if (o.commitMarker) pack.entry({ name: o.commitMarker, type: 'file', size: 0, mode: 0o600 }, Buffer.alloc(0));
    pack.finalize();
  });
  extract.on('error', (err: Error) =>
    fail(err instanceof InvalidParameter ? err : new InvalidParameter(`invalid tar archive: ${err.message}`)),
  );
  input.on('error', (err) => fail(err));
  input.pipe(extract as never);
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}
