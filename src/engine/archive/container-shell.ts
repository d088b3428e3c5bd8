// Runs one of the archive scripts in a container's main container over the exec subresource, with stdin/stdout
// streamed (backpressure end to end) and stderr kept (bounded) for error messages. Tells a missing shell apart
// from the script's own exit codes.

import type { Readable, Writable } from 'node:stream';
import { Writable as WritableStream } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import { Conflict, NotFound } from '../../errors.ts';
import { RemoteCommandError, UpgradeFailedError } from '../../kube/streams/errors.ts';
import { openExec, runSession } from '../../kube/streams/exec.ts';
import { MAIN_CONTAINER } from '../../translate/record.ts';

export interface ShellRequest {
  pod: string;
  script: string;
  args: readonly string[];
  /** Piped into the script; its end is the script's EOF. An error of this stream ends stdin too (a cut archive). */
  stdin?: Readable;
  /** Receives the script's stdout (not ended here). */
  stdout?: Writable;
  signal?: AbortSignal;
}

export interface ShellResult {
  exitCode: number;
  /** The first STDERR_LIMIT bytes of stderr. */
  stderr: string;
}

/** What the engine needs from the cluster: run a script, get its exit code. */
export type ContainerShell = (req: ShellRequest) => Promise<ShellResult>;

const STDERR_LIMIT = 16 * 1024;

/** The script could not run: no `sh` in the image (distroless and scratch images). */
export class NoShell extends Conflict {}

export function kubeContainerShell(o: { kc: KubeConfig; namespace: () => string }): ContainerShell {
  return async (req) => {
    let stderr = '';
    const collect = new WritableStream({
      write(chunk: Buffer, _enc, cb) {
        if (stderr.length < STDERR_LIMIT) stderr += chunk.toString('utf8').slice(0, STDERR_LIMIT - stderr.length);
        cb();
      },
    });
    let session: Awaited<ReturnType<typeof openExec>>;
    try {
      session = await openExec({
        kc: o.kc,
        namespace: o.namespace(),
        pod: req.pod,
        container: MAIN_CONTAINER,
        command: ['sh', '-c', req.script, 'sh', ...req.args],
        tty: false,
        stdin: Boolean(req.stdin),
        stdout: Boolean(req.stdout),
        stderr: true,
        signal: req.signal,
      });
    } catch (err) {
      throw classify(err);
    }
    const stdin = req.stdin;
    if (stdin) {
      // pipe() leaves the destination open when the source fails: end stdin ourselves so the script sees EOF.
      stdin.once('error', () => {
        stdin.unpipe(session.stdin);
        session.stdin.end();
      });
      stdin.pipe(session.stdin);
      // Once the script exited, nothing reads stdin any more: stop pulling the source.
      void session.done.finally(() => stdin.unpipe(session.stdin)).catch(() => {});
    }
    try {
      const result = await runSession(session, { stdout: req.stdout, stderr: collect });
      if (result.exitCode === undefined) throw req.signal?.reason ?? new Error('exec ended without an exit code');
      if ((result.exitCode === 126 || result.exitCode === 127) && !stderr.includes('badidea')) {
        if (/not found|no such file/i.test(stderr) || stderr === '') throw noShell(stderr);
      }
      return { exitCode: result.exitCode, stderr };
    } catch (err) {
      throw classify(err);
    }
  };
}

function noShell(detail: string): NoShell {
  return new NoShell(
    `docker cp needs a shell (sh) and tar in the container: badidea copies files by running tar in the container, and this image has no sh${detail ? ` (${detail.trim()})` : ''}. Add busybox or tar to the image, or share the files through a volume`,
  );
}

function classify(err: unknown): unknown {
  if (err instanceof RemoteCommandError) {
    const msg = err.message;
    if (/executable file not found|no such file or directory|not found in \$PATH/i.test(msg)) return noShell('');
    if (/not running|container not found|is terminated|not created/i.test(msg)) return new Conflict(msg);
    return err;
  }
  if (err instanceof UpgradeFailedError) {
    if (err.httpStatus === 404) return new NotFound(err.message);
    if (err.httpStatus === 400 || err.httpStatus === 409) return new Conflict(err.message);
  }
  return err;
}
