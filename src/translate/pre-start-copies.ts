// Files copied into a container while it does not run (docker cp before start, or into an exited container):
// the archives wait in Secrets, and every run of the container begins with a short shell prologue that extracts
// them at `/` and then execs the real command. The image keeps its own files beside the copied ones (nothing is
// mounted over the target directories). See docs/copy-before-start.md for the choice. Pure functions.

import type { Container, Volume, VolumeMount } from './kube-types.ts';

export const COPIES_VOLUME = 'badidea-copies';
/** Where the archives are mounted in the container (a projected volume of the Secrets, read-only). */
export const COPIES_DIR = '/.badidea/copies';
/** The data key of chunk `chunk` of archive `archive`: the prologue extracts archives in key order. */
export function copyChunkKey(archive: number, chunk: number): string {
  return `${String(archive).padStart(4, '0')}-${String(chunk).padStart(5, '0')}`;
}

/**
 * The prologue, run by /bin/sh with the real command as "$@". One archive is the concatenation of its chunks
 * (keys `<archive>-<chunk>`, glob order). Written without `$(` and `$$`: Kubernetes expands `$(VAR)` in
 * command and args.
 */
export const COPY_PROLOGUE = `d=${COPIES_DIR}
prev=
for f in "$d"/*; do
  [ -e "$f" ] || continue
  a=\${f##*/}; a=\${a%%-*}
  [ "$a" = "$prev" ] && continue
  prev=$a
  command -v tar >/dev/null 2>&1 || { echo "badidea: files were copied into this container before it ran; placing them needs tar in the image" >&2; exit 127; }
  cat "$d/$a"-* | tar -xf - -C / || { echo "badidea: could not place the files copied into this container before it ran (archive $a)" >&2; exit 126; }
done
exec "$@"`;

/** The main container and pod volumes of a run with pending copies: the archives mounted, the command wrapped. */
export function withPreStartCopies(
  container: Container,
  secrets: readonly string[],
): { container: Container; volume: Volume; mount: VolumeMount } {
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  const { args: _args, ...rest } = container;
  const mount: VolumeMount = { name: COPIES_VOLUME, mountPath: COPIES_DIR, readOnly: true };
  return {
    container: {
      ...rest,
      command: ['/bin/sh', '-c', COPY_PROLOGUE, 'sh', ...argv],
      volumeMounts: [...(container.volumeMounts ?? []), mount],
    },
    volume: {
      name: COPIES_VOLUME,
      projected: { sources: secrets.map((name) => ({ secret: { name } })), defaultMode: 0o444 },
    },
    mount,
  };
}
