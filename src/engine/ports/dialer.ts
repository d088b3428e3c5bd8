// The two ways to reach a container's port from badidea's host: a TCP connection to the pod IP (in-cluster, or
// wherever pod IPs are routable) and the Kubernetes port-forward API (one WebSocket per connection). In auto mode
// the first connection decides: a direct connect that succeeds or is refused proves pod IPs are reachable; one that
// times out or finds no route switches to port-forward (and a later direct failure of that kind re-decides).

import net from 'node:net';
import type { Duplex } from 'node:stream';

export type PortMode = 'auto' | 'direct' | 'port-forward';
export type Path = 'direct' | 'port-forward';

export interface DialTarget {
  pod: string;
  podIp: string;
  port: number;
}

/** One attempt to open the connection; `confirmed` says the container's port accepted it (direct: the handshake). */
export interface Upstream {
  stream: Duplex;
  path: Path;
  confirmed: boolean;
}

/** The port-forward connection (src/kube/streams forwardPort, bound to the kubeconfig and namespace). */
export type ForwardFn = (pod: string, port: number, signal: AbortSignal) => Promise<Duplex>;

export interface DialerOptions {
  mode: PortMode;
  forward: ForwardFn;
  /** How long a direct connect may take before auto mode gives up on pod IPs (default 3 s). */
  probeTimeoutMs?: number;
  /** How long a direct connect may take once pod IPs are known reachable (default 15 s). */
  connectTimeoutMs?: number;
}

/** A refused or not-yet-listening port: worth retrying for a moment (the application may be starting). */
export class RetryableDialError extends Error {}

const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EHOSTDOWN', 'ENETDOWN']);

export class Dialer {
  readonly mode: PortMode;
  readonly #forward: ForwardFn;
  readonly #probeTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  /** Auto mode's finding; undefined until the first connection decides. */
  #decided: Path | undefined;

  constructor(o: DialerOptions) {
    this.mode = o.mode;
    this.#forward = o.forward;
    this.#probeTimeoutMs = o.probeTimeoutMs ?? 3000;
    this.#connectTimeoutMs = o.connectTimeoutMs ?? 15_000;
    if (o.mode !== 'auto') this.#decided = o.mode;
  }

  /** The path in use (auto mode: undefined until decided). */
  get path(): Path | undefined {
    return this.#decided;
  }

  async dial(t: DialTarget, signal: AbortSignal): Promise<Upstream> {
    const path = this.#decided;
    if (path === 'port-forward' || (path === undefined && !t.podIp)) return this.#viaForward(t, signal);
    if (!t.podIp) throw new RetryableDialError('the pod has no IP yet');
    const probing = path === undefined;
    try {
      const stream = await connectDirect(
        t.podIp,
        t.port,
        probing ? this.#probeTimeoutMs : this.#connectTimeoutMs,
        signal,
      );
      if (this.mode === 'auto') this.#decided = 'direct';
      return { stream, path: 'direct', confirmed: true };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code === 'ECONNREFUSED') {
        // A refusal comes from the pod: its IP is reachable, its application does not listen (yet).
        if (this.mode === 'auto') this.#decided = 'direct';
        throw new RetryableDialError(`connection refused by ${t.podIp}:${t.port}`);
      }
      if (this.mode === 'auto' && UNREACHABLE.has(code)) {
        this.#decided = 'port-forward';
        return this.#viaForward(t, signal);
      }
      throw err;
    }
  }

  async #viaForward(t: DialTarget, signal: AbortSignal): Promise<Upstream> {
    const stream = await this.#forward(t.pod, t.port, signal);
    return { stream, path: 'port-forward', confirmed: false };
  }
}

/** net.connect that resolves on connect; ETIMEDOUT after timeoutMs; the socket keeps allowHalfOpen. */
export function connectDirect(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, allowHalfOpen: true, noDelay: true });
    const timer = setTimeout(() => {
      const err: NodeJS.ErrnoException = new Error(`connect ETIMEDOUT ${host}:${port}`);
      err.code = 'ETIMEDOUT';
      fail(err);
    }, timeoutMs);
    const onAbort = () => fail(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const cleanup = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.off('error', fail);
      socket.off('connect', ok);
    };
    function fail(err: Error) {
      cleanup();
      socket.destroy();
      reject(err);
    }
    function ok() {
      cleanup();
      resolve(socket);
    }
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.once('connect', ok);
  });
}

/** Port-forward errors that mean "nothing listens there (yet)" or "the pod is not running (yet)". */
export function isRetryableForwardError(err: unknown): boolean {
  const m = err instanceof Error ? err.message : String(err);
  return /connection refused|not running|failed to find sandbox|no such container|container not found/i.test(m);
}
