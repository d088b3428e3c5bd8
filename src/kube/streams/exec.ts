// pods/{name}/exec: run a command in a container and wait for its exit code.
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  forwardResizes,
  openRemoteCommand,
  type RemoteCommandResult,
  type RemoteCommandSession,
  type ResizeSource,
  type TerminalSize,
} from './remote-command.ts';

export type { RemoteCommandResult, RemoteCommandSession, ResizeSource, TerminalSize } from './remote-command.ts';

export interface ExecTarget {
  kc: KubeConfig;
  namespace: string;
  pod: string;
  container?: string;
  command: readonly string[];
  tty: boolean;
  signal?: AbortSignal;
  /** Sent on channel 4 as soon as the session opens (TTY only). */
  initialSize?: TerminalSize;
  handshakeTimeoutMs?: number;
}

export interface OpenExecOptions extends ExecTarget {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** The low-level handle: streams to wire up yourself (hijacked connections, interactive TTYs). */
export function openExec(opts: OpenExecOptions): Promise<RemoteCommandSession> {
  return openRemoteCommand(opts, 'exec', opts.command, true);
}

export interface ExecOptions extends ExecTarget {
  /** Piped to the process; its end is EOF for the process on v5 (see RemoteCommandSession.canHalfClose). */
  stdin?: Readable | null;
  /** Receives channel 1 (not ended by execInPod). Omitted → stdout is not requested. */
  stdout?: Writable;
  /** Receives channel 2 (not ended by execInPod). Omitted, or a TTY → stderr is not requested. */
  stderr?: Writable;
  resize?: ResizeSource;
}

/**
 * Runs the command and resolves with its exit code once it exited and all of its output has been written into
 * `stdout`/`stderr` (which stay open: they may be one hijacked connection). Output is piped with backpressure.
 * Rejects with UpgradeFailedError (refused upgrade: HTTP status + Status), RemoteCommandError (the command
 * could not run, e.g. not found / container not running), StreamProtocolError (closed without a Status), or
 * the error of a destination that failed (the session is then closed).
 */
export async function execInPod(opts: ExecOptions): Promise<{ exitCode: number }> {
  const session = await openExec({
    ...opts,
    stdin: Boolean(opts.stdin),
    stdout: Boolean(opts.stdout),
    stderr: Boolean(opts.stderr),
  });
  const result = await runSession(session, opts);
  if (result.exitCode === undefined) {
    // Only close() (via signal abort) ends an exec without a code.
    throw opts.signal?.reason instanceof Error ? opts.signal.reason : new Error('exec aborted');
  }
  return { exitCode: result.exitCode };
}

/** Wires caller streams to a session and waits for both the result and the output to be delivered. */
export async function runSession(
  session: RemoteCommandSession,
  io: { stdin?: Readable | null; stdout?: Writable; stderr?: Writable; resize?: ResizeSource },
): Promise<RemoteCommandResult> {
  const stopResize = io.resize ? forwardResizes(io.resize, session) : () => {};
  const stdin = io.stdin;
  if (stdin) stdin.pipe(session.stdin);
  const deliveries: Promise<void>[] = [];
  if (io.stdout) deliveries.push(pipeline(session.stdout, io.stdout, { end: false }));
  if (io.stderr) deliveries.push(pipeline(session.stderr, io.stderr, { end: false }));
  try {
    const [result] = await Promise.all([session.done, ...deliveries]);
    return result;
  } catch (err) {
    session.close();
    throw err;
  } finally {
    stopResize();
    if (stdin) stdin.unpipe(session.stdin);
  }
}
