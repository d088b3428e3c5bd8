// pods/{name}/attach: the container's own stdio through Docker attach. Reports Success when the
// process exits or the client leaves (kubelet remotecommand attach.go).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pod } from '../../kubelet/types.ts';
import { startAttach } from '../../runtime/container-io.ts';
import type { DockerRuntime } from '../../runtime/docker-runtime.ts';
import type { PodTarget } from '../pod-subresources.ts';
import { SUCCESS_STATUS, serveRemoteCommand } from './remote-command.ts';

export function serveAttach(
  runtime: DockerRuntime,
  target: PodTarget,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  log?: (message: string) => void,
): void {
  const pod = target.pod as Pod;
  serveRemoteCommand(
    {
      kind: 'attach',
      failurePrefix: 'error attaching to container',
      log,
      start: async (id, container, opts) => {
        const spec = [
          ...(pod.spec.initContainers ?? []),
          ...pod.spec.containers,
          ...(pod.spec.ephemeralContainers ?? []),
        ].find((c) => c.name === container);
        const h = await startAttach(runtime, id, {
          stdin: opts.stdin && !!spec?.stdin,
          stdout: opts.stdout,
          stderr: opts.stderr,
        });
        return { socket: h.socket, tty: !!spec?.tty, resize: h.resize, finish: async () => SUCCESS_STATUS };
      },
    },
    target,
    req,
    socket,
    head,
  );
}
