// exec and attach over WebSocket (kubelet remotecommand websocket.go + the API server's v5 stream
// translator): checks before the upgrade answered as HTTP, the empty frame on the lowest writable
// channel, stdin/stdout/stderr on channels 0–2, resize on 4, the v5 stdin close [255, 0], and the
// final Status on channel 3 (v4+: JSON always; v1: text, only on failure).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pod } from '../../kubelet/types.ts';
import { demultiplexer } from '../../runtime/container-io.ts';
import type { PodTarget } from '../pod-subresources.ts';
import { badRequest, isStatusError } from '../status.ts';
import { type ChannelConn, EXEC_PROTOCOLS, negotiate, rejectProtocol, upgrade } from './channels.ts';
import { rejectWithStatus, rejectWithText } from './http-errors.ts';
import { noHost, queryBool, runningContainerId, validateContainer } from './target.ts';

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** A started exec or attach: the hijacked Docker connection and how to finish. */
export interface RemoteProcess {
  socket: Duplex;
  /** Whether the Docker stream is raw (TTY) rather than multiplexed. */
  tty: boolean;
  /** Settles once the size is applied (waiting for the process to start if need be); rejects when it cannot be. */
  resize(width: number, height: number): Promise<void>;
  /** The Status to send once the output has ended. */
  finish(): Promise<Record<string, unknown>>;
}

export interface RemoteCommandSpec {
  kind: 'exec' | 'attach';
  /** Starts the process in the container (throws on runtime failure). */
  start(containerId: string, container: string, opts: StreamOptions): Promise<RemoteProcess>;
  /** The InternalError message prefix: "error executing command in container" / "error attaching to container". */
  failurePrefix: string;
  /** The node's log: a resize that could not be applied is logged (as the kubelet's runtime does), not fatal. */
  log?: (message: string) => void;
}

export function internalErrorStatus(message: string): Record<string, unknown> {
  const full = `Internal error occurred: ${message}`;
  return {
    metadata: {},
    status: 'Failure',
    message: full,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}

export const SUCCESS_STATUS = { metadata: {}, status: 'Success' };

function sendStatus(conn: ChannelConn, status: Record<string, unknown>): void {
  if (conn.protocol.version >= 4) conn.send(3, JSON.stringify(status));
  else if (status.status !== 'Success') conn.send(3, String(status.message ?? ''));
}

function parseResize(data: Buffer): { width: number; height: number } | undefined {
  try {
    const o = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    let width = 0;
    let height = 0;
    for (const [k, v] of Object.entries(o)) {
      if (k.toLowerCase() === 'width') width = Number(v);
      else if (k.toLowerCase() === 'height') height = Number(v);
    }
    return { width, height };
  } catch {
    return undefined;
  }
}

export function serveRemoteCommand(
  spec: RemoteCommandSpec,
  target: PodTarget,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const pod = target.pod as Pod;
  const q = target.query;
  let container: string;
  try {
    container = validateContainer(pod, q.get('container'));
    const hostErr = noHost(pod);
    if (hostErr) throw hostErr;
  } catch (err) {
    if (isStatusError(err)) {
      rejectWithStatus(socket, err);
      return;
    }
    throw err;
  }
  const opts: StreamOptions = {
    stdin: queryBool(q, 'stdin'),
    stdout: queryBool(q, 'stdout'),
    stderr: queryBool(q, 'stderr'),
    tty: queryBool(q, 'tty'),
  };
  if (opts.tty) opts.stderr = false;
  if (!opts.stdin && !opts.stdout && !opts.stderr) {
    rejectWithStatus(socket, badRequest('you must specify at least 1 of stdin, stdout, stderr'));
    return;
  }
  const protocol = negotiate(req, EXEC_PROTOCOLS);
  if (!protocol) {
    rejectProtocol(socket, req, EXEC_PROTOCOLS);
    return;
  }
  const containerId = runningContainerId(pod, container);
  const notFound = `container not found ("${container}")`;
  // Without v5 the request reaches the kubelet, which refuses before upgrading; with v5 the API
  // server has already upgraded and reports the kubelet's refusal on the error channel.
  if (!containerId && protocol.version < 5) {
    rejectWithText(socket, 500, notFound);
    return;
  }
  upgrade(req, socket, head, protocol, (conn) => {
    if (opts.stdout) conn.send(1);
    else if (opts.stderr) conn.send(2);
    else conn.send(3);
    if (!containerId) {
      sendStatus(conn, internalErrorStatus(`unable to upgrade connection: ${notFound}`));
      conn.close();
      return;
    }
    // Frames the client sends while the process starts are kept for it.
    const early: [number, Buffer][] = [];
    let deliver = (channel: number, data: Buffer) => {
      early.push([channel, data]);
    };
    conn.onMessage((channel, data) => deliver(channel, data));
    void run(spec, conn, containerId, container, opts, (handler) => {
      deliver = handler;
      for (const [c, d] of early.splice(0)) handler(c, d);
    });
  });
}

async function run(
  spec: RemoteCommandSpec,
  conn: ChannelConn,
  containerId: string,
  container: string,
  opts: StreamOptions,
  onInput: (handler: (channel: number, data: Buffer) => void) => void,
) {
  let proc: RemoteProcess;
  try {
    proc = await spec.start(containerId, container, opts);
  } catch (err) {
    const msg = (err as { json?: { message?: string } }).json?.message ?? (err as Error).message;
    sendStatus(conn, internalErrorStatus(`${spec.failurePrefix}: ${msg}`));
    conn.close();
    return;
  }
  const docker = proc.socket;
  let stdinOpen = opts.stdin;
  let readLoopDone = false;
  // A resize is a separate Docker call, which waits for the exec's process to exist: stdin that follows it waits
  // for it, so a command typed at once after the first size (`stty size` typed ahead) sees that size, as with the
  // kubelet, whose runtime applies the first resize as the process starts. Without this order the stdin reached the
  // shell before dockerd had applied the size, and `stty size` saw 0x0 (test: remote-command.test.ts).
  let ordered: Promise<unknown> = Promise.resolve();
  const inOrder = (step: () => unknown) => {
    ordered = ordered.then(step).catch(() => {});
  };
  const resize = async (width: number, height: number) => {
    try {
      await proc.resize(width, height);
    } catch (err) {
      // containerd logs "Failed to resize process … console" and goes on; so does the simulated node.
      spec.log?.(
        `kubelet: ${spec.kind} in container ${container}: resize to ${width}x${height} failed: ${(err as Error).message}`,
      );
    }
  };
  onInput((channel, data) => {
    if (readLoopDone) return;
    if (channel === 0) {
      if (stdinOpen && data.length) inOrder(() => docker.write(data));
    } else if (channel === 4) {
      const size = parseResize(data);
      // The kubelet skips sizes with a zero side (kubecontainer.HandleResizing).
      if (size && size.width > 0 && size.height > 0) inOrder(() => resize(size.width, size.height));
    } else if (channel === 255 && conn.protocol.version >= 5) {
      if (data.length === 1 && data[0] === 0) {
        if (stdinOpen) {
          stdinOpen = false;
          inOrder(() => docker.end());
        }
      } else readLoopDone = true;
    }
  });
  const feed = demultiplexer(proc.tty, (stream, payload) => {
    if (stream === 'stdout' && opts.stdout) conn.send(1, payload);
    else if (stream === 'stderr' && opts.stderr) conn.send(2, payload);
    else if (opts.stdout) conn.send(1, payload);
  });
  docker.on('data', feed);
  let finished = false;
  const finish = async () => {
    if (finished) return;
    finished = true;
    let status: Record<string, unknown>;
    try {
      status = await proc.finish();
    } catch (err) {
      status = internalErrorStatus(`${spec.failurePrefix}: ${(err as Error).message}`);
    }
    sendStatus(conn, status);
    conn.close();
  };
  docker.on('end', () => void finish());
  docker.on('close', () => void finish());
  docker.on('error', () => void finish());
  conn.ws.on('close', () => {
    finished = true;
    docker.destroy();
  });
}
