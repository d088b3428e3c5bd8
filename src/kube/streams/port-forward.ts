// pods/{name}/portforward over WebSocket (kubernetes.md 2b): one WebSocket per forwarded connection.
// Hand-written rather than the library's PortForward: that one never ends the local socket when the remote side
// closes, drops the error channel into a plain stream, and closes the WebSocket (losing the reply) on local end.
import { Duplex } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { PortForwardError } from './errors.ts';
import {
  connectChannelSocket,
  decodeFrame,
  encodeFrame,
  PORT_FORWARD_PROTOCOLS,
  podPath,
  toBuffer,
} from './ws-channel.ts';

/** Port i of the request has data channel 2i and error channel 2i+1; we forward one port per WebSocket. */
const DATA = 0;
const ERROR = 1;

export interface PortForwardOptions {
  kc: KubeConfig;
  namespace: string;
  pod: string;
  port: number;
  signal?: AbortSignal;
  handshakeTimeoutMs?: number;
  /**
   * The protocol has no half-close: ending the writable side cannot be signalled to the pod. The WebSocket then
   * stays open to receive the rest of the reply until the pod side closes; after this long it is closed anyway.
   * Default: wait for the pod side (or for the duplex to be destroyed).
   */
  halfCloseTimeoutMs?: number;
}

/**
 * Opens a connection to `port` inside the pod, as a Duplex (a socket-like stream):
 * - reads: the pod's bytes (port prefix stripped); ends when the WebSocket closes;
 * - writes: sent to the pod with backpressure; discarded once the connection is closed;
 * - errors: text on the error channel (e.g. "... connect: connection refused") destroys the duplex with a
 *   PortForwardError; a refused upgrade rejects with UpgradeFailedError;
 * - destroy() closes the WebSocket.
 */
export async function forwardPort(opts: PortForwardOptions): Promise<Duplex> {
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) {
    throw new RangeError(`invalid port ${opts.port}`);
  }
  const ws = await connectChannelSocket({
    kc: opts.kc,
    path: podPath(opts.namespace, opts.pod, 'portforward'),
    query: { ports: opts.port },
    protocols: PORT_FORWARD_PROTOCOLS,
    signal: opts.signal,
    handshakeTimeoutMs: opts.handshakeTimeoutMs,
  });

  // The first two bytes on each channel are the port number (little-endian), not data.
  const prefixLeft = [2, 2];
  let errorText = '';
  let lastError: Error | null = null;
  let closed = false;
  let halfCloseTimer: NodeJS.Timeout | undefined;

  const closeSocket = (hard: boolean) => {
    if (ws.readyState === WebSocket.OPEN) {
      if (hard) ws.terminate();
      else ws.close(1000);
    } else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
  };

  const duplex = new Duplex({
    allowHalfOpen: true,
    highWaterMark: 64 * 1024,
    read() {
      if (ws.isPaused) ws.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      if (closed || ws.readyState !== WebSocket.OPEN) return cb();
      ws.send(encodeFrame(DATA, chunk), () => cb());
    },
    final(cb) {
      if (!closed && opts.halfCloseTimeoutMs !== undefined) {
        halfCloseTimer = setTimeout(() => closeSocket(false), opts.halfCloseTimeoutMs);
        halfCloseTimer.unref();
      }
      cb();
    },
    destroy(err, cb) {
      clearTimeout(halfCloseTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      closeSocket(err !== null);
      cb(err);
    },
  });
  const onAbort = () => duplex.destroy(opts.signal?.reason instanceof Error ? opts.signal.reason : undefined);
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const strip = (channel: number, payload: Buffer): Buffer => {
    const left = prefixLeft[channel];
    if (left === 0) return payload;
    const n = Math.min(left, payload.length);
    prefixLeft[channel] = left - n;
    return payload.subarray(n);
  };

  ws.on('message', (raw) => {
    const frame = decodeFrame(toBuffer(raw));
    if (!frame || closed) return;
    if (frame.channel === DATA) {
      const data = strip(DATA, frame.payload);
      if (data.length > 0 && !duplex.push(data)) ws.pause();
    } else if (frame.channel === ERROR) {
      errorText += strip(ERROR, frame.payload).toString('utf8');
    }
  });
  ws.on('error', (err) => {
    lastError = err;
  });
  ws.on('close', () => {
    closed = true;
    clearTimeout(halfCloseTimer);
    opts.signal?.removeEventListener('abort', onAbort);
    if (duplex.destroyed) return;
    if (errorText.trim()) duplex.destroy(new PortForwardError(errorText.trim()));
    else if (lastError) duplex.destroy(lastError);
    else duplex.push(null);
  });
  if (ws.readyState === WebSocket.CLOSED) queueMicrotask(() => ws.emit('close', 1006, Buffer.alloc(0)));
  ws.resume();
  return duplex;
}
