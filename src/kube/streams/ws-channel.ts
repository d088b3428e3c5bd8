// The Kubernetes channel protocol over WebSocket (kubernetes.md 2a/2b), in one place: frame = [channel][payload],
// plus the connection helper shared by exec, attach and port-forward.
//
// Hand-written rather than the library's WebSocketHandler: that one resolves at open (not at the exit status),
// hides the Status body of a refused upgrade, cannot half-close before v5 and ignores backpressure.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClientOptions } from 'ws';
import WebSocket from 'ws';
import { parseStatus, UpgradeFailedError } from './errors.ts';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
/** The error channel: a JSON Status from v4 on (plain text before). */
export const ERROR = 3;
export const RESIZE = 4;
/** v5 only: `[255, channel]` closes that channel (client → server: stdin EOF). */
export const CLOSE = 255;

export const V5 = 'v5.channel.k8s.io';
export const V4 = 'v4.channel.k8s.io';
/** Offered for exec/attach, newest first; the server picks the first it supports. */
export const REMOTE_COMMAND_PROTOCOLS = [V5, V4, 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
/** The kubelet's port-forward WebSocket speaks v4 (binary) only; the API server does not translate it. */
export const PORT_FORWARD_PROTOCOLS = [V4];

/** `[channel, ...payload]`. One copy: a WebSocket message cannot be gathered from two buffers. */
export function encodeFrame(channel: number, payload?: Uint8Array | string): Buffer {
  if (payload === undefined) return Buffer.of(channel);
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const frame = Buffer.allocUnsafe(body.length + 1);
  frame[0] = channel;
  frame.set(body, 1);
  return frame;
}

/** Splits a frame; the payload is a view, not a copy. An empty message yields null. */
export function decodeFrame(data: Buffer): { channel: number; payload: Buffer } | null {
  if (data.length === 0) return null;
  return { channel: data[0], payload: data.subarray(1) };
}

/** Protocol version number: v5 → 5, … , the unversioned `channel.k8s.io` → 1, none → 0. */
export function protocolVersion(protocol: string): number {
  const m = /^v(\d+)\./.exec(protocol);
  if (m) return Number(m[1]);
  return protocol === 'channel.k8s.io' ? 1 : 0;
}

/** Turns a received `ws` message into one Buffer (ws may hand out a fragment list or an ArrayBuffer). */
export function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** A query value list: arrays repeat the key (`command=sh&command=-c`), undefined is left out. */
export type QueryInit = Record<string, string | number | boolean | readonly string[] | undefined>;

export function buildQuery(query: QueryInit): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Absolute URL of an API path on the current cluster, keeping a path prefix of the server (e.g. a proxy). */
export function apiUrl(kc: KubeConfig, path: string, query: QueryInit, scheme: 'http' | 'ws'): URL {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const base = new URL(cluster.server);
  const prefix = base.pathname.replace(/\/+$/, '');
  const url = new URL(`${prefix}${path}${buildQuery(query)}`, base);
  if (scheme === 'ws') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

export function podPath(namespace: string, pod: string, subresource: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/${subresource}`;
}

const MAX_ERROR_BODY = 64 * 1024;

export interface ConnectOptions {
  kc: KubeConfig;
  path: string;
  query: QueryInit;
  protocols: string[];
  signal?: AbortSignal;
  /** Upgrade timeout; default 30 s. */
  handshakeTimeoutMs?: number;
}

/**
 * Opens the WebSocket with the kubeconfig's TLS and credentials (`applyToHTTPSOptions`, as the library's own
 * WebSocketHandler does). Resolves once open, with the socket paused: attach listeners, then `ws.resume()`.
 * A refused upgrade rejects with UpgradeFailedError carrying the
 * HTTP status and the Status body (read through `ws`'s `unexpected-response` event).
 */
export async function connectChannelSocket(opts: ConnectOptions): Promise<WebSocket> {
  opts.signal?.throwIfAborted();
  const url = apiUrl(opts.kc, opts.path, opts.query, 'ws');
  const wsOptions: ClientOptions = {};
  await opts.kc.applyToHTTPSOptions(wsOptions);
  wsOptions.perMessageDeflate = false;
  wsOptions.handshakeTimeout = opts.handshakeTimeoutMs ?? 30_000;
  // Channel frames are as large as the peer writes them; do not cap below Go's 32 MiB reader limit.
  wsOptions.maxPayload = 64 * 1024 * 1024;
  opts.signal?.throwIfAborted();
  const ws = new WebSocket(url, opts.protocols, wsOptions);
  return await new Promise<WebSocket>((resolve, reject) => {
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      ws.off('open', onOpen);
      if (err) {
        // Keep a listener: terminate() on a connecting socket emits 'error' on the next tick.
        ws.on('error', () => {});
        if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
        reject(err);
      } else {
        ws.off('error', onError);
        resolve(ws);
      }
    };
    const onOpen = () => {
      // Paused until the caller has its listeners in place: frames that arrived with the upgrade response
      // would otherwise be emitted before the awaiting code runs, and be lost.
      ws.pause();
      settle(null);
    };
    const onError = (err: Error) => settle(err);
    const onAbort = () => settle(opts.signal?.reason instanceof Error ? opts.signal.reason : new Error('aborted'));
    ws.on('open', onOpen);
    ws.on('error', onError);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_ERROR_BODY) chunks.push(chunk);
        size += chunk.length;
      });
      const done = () => {
        const code = res.statusCode ?? 0;
        settle(new UpgradeFailedError(parseStatus(Buffer.concat(chunks).toString('utf8'), code), code));
      };
      res.on('end', done);
      res.on('error', done);
      res.on('aborted', done);
    });
  });
}
