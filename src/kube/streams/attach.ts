// pods/{name}/attach: connect to the main process of a running container. Kubernetes reports Success (no exit
// code) when that process ends; its exit code is in the pod status, which the caller reads from the cluster.
import type { Readable, Writable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import { runSession } from './exec.ts';
import {
  openRemoteCommand,
  type RemoteCommandResult,
  type RemoteCommandSession,
  type ResizeSource,
  type TerminalSize,
} from './remote-command.ts';

export interface AttachTarget {
  kc: KubeConfig;
  namespace: string;
  pod: string;
  container?: string;
  /** Must match the container's `tty`, or the output is garbled. */
  tty: boolean;
  signal?: AbortSignal;
  initialSize?: TerminalSize;
  handshakeTimeoutMs?: number;
}

export interface OpenAttachOptions extends AttachTarget {
  /** stdin reaches the process only if the container was created with `stdin: true`. */
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** The low-level handle. `done` resolves with `exitCode: undefined` when the process ends or on `close()`. */
export function openAttach(opts: OpenAttachOptions): Promise<RemoteCommandSession> {
  return openRemoteCommand(opts, 'attach', undefined, false);
}

export interface AttachOptions extends AttachTarget {
  stdin?: Readable | null;
  stdout?: Writable;
  stderr?: Writable;
  resize?: ResizeSource;
}

/**
 * Attaches until the process ends (or `signal` aborts: a detach) and its output has been written. Errors as
 * execInPod (RemoteCommandError for `error attaching to container: …`).
 */
export async function attachToPod(opts: AttachOptions): Promise<RemoteCommandResult> {
  const session = await openAttach({
    ...opts,
    stdin: Boolean(opts.stdin),
    stdout: Boolean(opts.stdout),
    stderr: Boolean(opts.stderr),
  });
  return runSession(session, opts);
}
