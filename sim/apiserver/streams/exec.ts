// pods/{name}/exec: a Docker exec in the container (kubelet remotecommand exec.go semantics).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { startExec } from '../../runtime/container-io.ts';
import type { DockerRuntime } from '../../runtime/docker-runtime.ts';
import type { PodTarget } from '../pod-subresources.ts';
import { SUCCESS_STATUS, serveRemoteCommand } from './remote-command.ts';

/** The v4+ Status for an exit code, as kubelet exec.go (and the v5 translator) write it. */
export function exitStatus(command: string[], code: number): Record<string, unknown> {
  if (code === 0) return SUCCESS_STATUS;
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export function serveExec(
  runtime: DockerRuntime,
  target: PodTarget,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  log?: (message: string) => void,
): void {
  const command = target.query.getAll('command');
  serveRemoteCommand(
    {
      kind: 'exec',
      failurePrefix: 'error executing command in container',
      log,
      start: async (id, _container, opts) => {
        const h = await startExec(runtime, id, { cmd: command, ...opts });
        return {
          socket: h.socket,
          tty: opts.tty,
          resize: h.resize,
          finish: async () => exitStatus(command, await h.exitCode()),
        };
      },
    },
    target,
    req,
    socket,
    head,
  );
}
