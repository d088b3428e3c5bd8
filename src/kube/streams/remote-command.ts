// The session shared by exec and attach (pods/{name}/exec|attach over WebSocket, kubernetes.md 2a):
// stdin frames on channel 0, stdout/stderr on 1/2 with backpressure, resize JSON on 4, v5 half-close [255, 0],
// and the result from the Status on channel 3. A close without a Status is an error.
import type { EventEmitter } from 'node:events';
import { Readable, Writable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { type KubeStatus, parseStatus, RemoteCommandError, StreamProtocolError } from './errors.ts';
import {
  CLOSE,
  connectChannelSocket,
  decodeFrame,
  ERROR,
  encodeFrame,
  podPath,
  protocolVersion,
  REMOTE_COMMAND_PROTOCOLS,
  RESIZE,
  STDERR,
  STDIN,
  STDOUT,
  toBuffer,
} from './ws-channel.ts';

export interface TerminalSize {
  width: number;
  height: number;
}

/** Resize events: an async iterable of sizes, or an emitter of `'resize', {width, height}`. */
export type ResizeSource = AsyncIterable<TerminalSize> | EventEmitter;

export interface RemoteCommandResult {
  /** Exit code from the Status: Success → 0 (exec only), NonZeroExitCode → its ExitCode cause. */
  exitCode?: number;
  /** The Status received on the error channel (null when the session was closed by `close()`). */
  status: KubeStatus | null;
  /** True when `close()` ended the session before the server reported a result. */
  detached?: boolean;
}

/** A live exec/attach session, for attach-style use (hijacked connections, interactive TTYs). */
export interface RemoteCommandSession {
  /** The negotiated subprotocol, e.g. `v5.channel.k8s.io`. */
  readonly protocol: string;
  /**
   * Whether ending `stdin` reaches the process as EOF. Only v5 has a close frame. On v4 and older ending stdin
   * does nothing (there is no way to signal EOF without closing the whole connection, which loses the
   * remaining output and the exit status); the process sees EOF only when the session is closed.
   */
  readonly canHalfClose: boolean;
  /** Channel 0. Writes after the session ended are discarded. Discards everything when stdin was not requested. */
  readonly stdin: Writable;
  /** Channel 1. Already ended when stdout was not requested. Consume or destroy it: a full buffer pauses the socket. */
  readonly stdout: Readable;
  /** Channel 2. Already ended when stderr was not requested (and always with a TTY). */
  readonly stderr: Readable;
  /** Channel 4 (v3+). Ignored once the session ended. */
  resize(width: number, height: number): void;
  /** Settles once: resolves on a Success/NonZeroExitCode Status or `close()`, rejects on other failures. */
  readonly done: Promise<RemoteCommandResult>;
  /** Closes the WebSocket (detach). The remote process is not killed by Kubernetes when an exec is closed. */
  close(): void;
}

export interface RemoteCommandOptions {
  kc: KubeConfig;
  namespace: string;
  pod: string;
  container?: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  signal?: AbortSignal;
  /** Sent on channel 4 right after the connection opens (TTY only). */
  initialSize?: TerminalSize;
  /** Upgrade timeout; default 30 s. */
  handshakeTimeoutMs?: number;
}

/** Opens `pods/{pod}/{subresource}`. Exec passes `command`; `successIsExitZero` is false for attach. */
export async function openRemoteCommand(
  opts: RemoteCommandOptions,
  subresource: 'exec' | 'attach',
  command: readonly string[] | undefined,
  successIsExitZero: boolean,
): Promise<RemoteCommandSession> {
  const stderr = opts.stderr && !opts.tty; // with a TTY the server drops stderr anyway
  const ws = await connectChannelSocket({
    kc: opts.kc,
    path: podPath(opts.namespace, opts.pod, subresource),
    query: {
      command,
      container: opts.container,
      stdin: opts.stdin,
      stdout: opts.stdout,
      stderr,
      tty: opts.tty,
    },
    protocols: REMOTE_COMMAND_PROTOCOLS,
    signal: opts.signal,
    handshakeTimeoutMs: opts.handshakeTimeoutMs,
  });
  return new Session(ws, { ...opts, stderr }, successIsExitZero);
}

function exitCodeOf(status: KubeStatus): number | undefined {
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const n = Number(cause?.message);
  return cause && Number.isInteger(n) ? n : undefined;
}

class Session implements RemoteCommandSession {
  readonly protocol: string;
  readonly canHalfClose: boolean;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly done: Promise<RemoteCommandResult>;

  #ws: WebSocket;
  #version: number;
  #successIsExitZero: boolean;
  #ended = false;
  #errorText = '';
  #lastError: Error | null = null;
  #blocked = new Set<Readable>();
  #eof = new Set<Readable>();
  #resolve!: (r: RemoteCommandResult) => void;
  #reject!: (e: Error) => void;
  #signal: AbortSignal | undefined;
  #onAbort = () => this.close();

  constructor(ws: WebSocket, opts: RemoteCommandOptions, successIsExitZero: boolean) {
    this.#ws = ws;
    this.protocol = ws.protocol;
    this.#version = protocolVersion(ws.protocol);
    this.canHalfClose = this.#version >= 5;
    this.#successIsExitZero = successIsExitZero;
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => {}); // observed by the caller; never an unhandled rejection
    this.stdout = this.#output(opts.stdout);
    this.stderr = this.#output(opts.stderr);
    this.stdin = this.#input(opts.stdin);

    ws.on('message', (data) => this.#onMessage(toBuffer(data)));
    ws.on('error', (err) => {
      this.#lastError = err;
    });
    ws.on('close', (code, reason) => this.#onClose(code, reason.toString()));
    if (ws.readyState === WebSocket.CLOSED) queueMicrotask(() => this.#onClose(1006, ''));
    ws.resume();
    this.#signal = opts.signal;
    this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
    if (opts.initialSize && opts.tty) this.resize(opts.initialSize.width, opts.initialSize.height);
  }

  resize(width: number, height: number): void {
    if (this.#ended || this.#version < 3 || this.#ws.readyState !== WebSocket.OPEN) return;
    this.#ws.send(encodeFrame(RESIZE, JSON.stringify({ Width: width, Height: height })));
  }

  close(): void {
    if (!this.#ended) this.#finish({ status: null, detached: true });
    this.#closeSocket();
  }

  #closeSocket(): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(1000);
    else if (this.#ws.readyState === WebSocket.CONNECTING) this.#ws.terminate();
  }

  #output(requested: boolean): Readable {
    const r = new Readable({
      highWaterMark: 64 * 1024,
      read: () => {
        // The consumer wants more: resume the socket once no output is full.
        this.#blocked.delete(r);
        if (this.#blocked.size === 0 && this.#ws.isPaused) this.#ws.resume();
      },
      destroy: (err, cb) => {
        // The consumer went away (its destination failed): the session cannot deliver output any more.
        this.#blocked.delete(r);
        if (!this.#eof.has(r)) this.close();
        cb(err);
      },
    });
    if (!requested) this.#pushEof(r);
    return r;
  }

  #deliver(r: Readable, payload: Buffer): void {
    if (payload.length === 0 || this.#eof.has(r) || r.destroyed) return; // the "connected" frame is empty
    if (!r.push(payload)) {
      this.#blocked.add(r);
      this.#ws.pause();
    }
  }

  #input(requested: boolean): Writable {
    return new Writable({
      highWaterMark: 64 * 1024,
      write: (chunk: Buffer, _enc, cb) => {
        if (!requested || this.#ended || this.#ws.readyState !== WebSocket.OPEN) return cb();
        // The callback fires once the frame is handed to the socket: that is the backpressure.
        this.#ws.send(encodeFrame(STDIN, chunk), () => cb());
      },
      final: (cb) => {
        if (requested && this.canHalfClose && !this.#ended && this.#ws.readyState === WebSocket.OPEN) {
          this.#ws.send(Buffer.of(CLOSE, STDIN), () => cb());
        } else cb();
      },
    });
  }

  #onMessage(data: Buffer): void {
    const frame = decodeFrame(data);
    if (!frame || this.#ended) return;
    switch (frame.channel) {
      case STDOUT:
        this.#deliver(this.stdout, frame.payload);
        break;
      case STDERR:
        this.#deliver(this.stderr, frame.payload);
        break;
      case ERROR:
        this.#onErrorChannel(frame.payload);
        break;
      case CLOSE:
        // Real servers never send it; honour it as "this output channel ended".
        if (frame.payload[0] === STDOUT) this.#pushEof(this.stdout);
        if (frame.payload[0] === STDERR) this.#pushEof(this.stderr);
        break;
      // other channels (not requested, unknown) are ignored, as the Go client does
    }
  }

  #onErrorChannel(payload: Buffer): void {
    this.#errorText += payload.toString('utf8');
    if (this.#version < 4) return; // plain text, only on failure: judged at close
    let status: KubeStatus;
    try {
      status = JSON.parse(this.#errorText) as KubeStatus;
    } catch {
      return; // incomplete: wait for the rest (or fail at close)
    }
    this.#settleStatus(status);
    // All output frames precede the Status. Newer servers close after it; older ones wait for us.
    this.#closeSocket();
  }

  #settleStatus(status: KubeStatus): void {
    if (status.status === 'Success') {
      this.#finish({ status, exitCode: this.#successIsExitZero ? 0 : undefined });
    } else if (status.reason === 'NonZeroExitCode' && exitCodeOf(status) !== undefined) {
      this.#finish({ status, exitCode: exitCodeOf(status) });
    } else {
      this.#fail(new RemoteCommandError(status));
    }
  }

  #onClose(code: number, reason: string): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    if (!this.#ended) {
      if (this.#version < 4 && this.#version > 0 && this.#errorText) {
        // v1-v3: the error channel is plain text, e.g. "command terminated with non-zero exit code: ... 3".
        // Older kubelets phrase it "... exit code 3", CRI "... exited with 3: ", docker-shim "...: 3".
        const m = /(?:exit code|exited with)\D*(\d+)|:\s*(\d+)\s*$/.exec(this.#errorText);
        if (m) this.#finish({ status: parseStatus(this.#errorText), exitCode: Number(m[1] ?? m[2]) });
        else this.#fail(new RemoteCommandError(parseStatus(this.#errorText)));
      } else if (this.#version < 4 && this.#version > 0 && (code === 1000 || code === 1005)) {
        // v1-v3 report nothing on success.
        this.#finish({ status: null, exitCode: this.#successIsExitZero ? 0 : undefined });
      } else {
        const why = this.#lastError ? `: ${this.#lastError.message}` : reason ? `: ${reason}` : '';
        this.#fail(new StreamProtocolError(`stream closed without an exit status (code ${code})${why}`, code));
      }
    }
    this.#blocked.clear();
  }

  #pushEof(r: Readable): void {
    if (this.#eof.has(r) || r.destroyed) return;
    this.#eof.add(r);
    r.push(null);
  }

  #endOutputs(): void {
    this.#pushEof(this.stdout);
    this.#pushEof(this.stderr);
  }

  #finish(result: RemoteCommandResult): void {
    this.#ended = true;
    this.#endOutputs();
    this.#resolve(result);
  }

  #fail(err: Error): void {
    this.#ended = true;
    this.#endOutputs();
    this.#reject(err);
  }
}

/** Feeds resize events into a session until it ends. Returns a function that stops listening. */
export function forwardResizes(source: ResizeSource, session: RemoteCommandSession): () => void {
  if (Symbol.asyncIterator in source) {
    const it = (source as AsyncIterable<TerminalSize>)[Symbol.asyncIterator]();
    let stopped = false;
    const pump = async () => {
      while (!stopped) {
        const next = await it.next();
        if (next.done || stopped) break;
        session.resize(next.value.width, next.value.height);
      }
    };
    pump().catch(() => {});
    return () => {
      stopped = true;
      it.return?.().catch(() => {});
    };
  }
  const emitter = source as EventEmitter;
  const onResize = (size: TerminalSize) => session.resize(size.width, size.height);
  emitter.on('resize', onResize);
  return () => emitter.off('resize', onResize);
}
