// Whether the cluster can be reached. Requests fail fast with 503 while it cannot (the message names the
// cluster and the cause); a probe loop notices when it is back, with no restart needed.

import { Unavailable } from '../errors.ts';
import type { Logger } from '../log.ts';
import { Backoff, sleep } from './backoff.ts';
import { describeNetworkError, parseStatus } from './errors.ts';
import type { KubeTransport } from './transport.ts';

export interface ServerVersion {
  gitVersion: string;
  platform?: string;
}

export interface ConnectionOptions {
  log: Logger;
  /** Probe delays while the cluster is down. */
  probeInitialMs?: number;
  probeMaxMs?: number;
  probeTimeoutMs?: number;
}

type State = { kind: 'unknown' } | { kind: 'up' } | { kind: 'down'; cause: string; since: number };

export class KubeConnection {
  readonly transport: KubeTransport;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #probeTimeoutMs: number;
  readonly #upListeners = new Set<() => void>();
  #state: State = { kind: 'unknown' };
  #version?: ServerVersion;
  #wake = new AbortController();
  #stopped = new AbortController();
  #loop?: Promise<void>;
  #firstProbe?: Promise<void>;

  constructor(transport: KubeTransport, o: ConnectionOptions) {
    this.transport = transport;
    this.#log = o.log;
    this.#backoff = new Backoff(o.probeInitialMs ?? 500, o.probeMaxMs ?? 5000);
    this.#probeTimeoutMs = o.probeTimeoutMs ?? 5000;
  }

  /** "cluster "sim" (https://127.0.0.1:6443)". */
  get description(): string {
    const t = this.transport.target;
    return `Kubernetes cluster "${t.name}" (${t.server})`;
  }

  get namespace(): string {
    return this.transport.target.namespace;
  }

  /** false only once a failure has been seen (an unknown state counts as up: requests are tried). */
  get up(): boolean {
    return this.#state.kind !== 'down';
  }

  get cause(): string | undefined {
    return this.#state.kind === 'down' ? this.#state.cause : undefined;
  }

  /** The API server's version, once a probe has succeeded. */
  get version(): ServerVersion | undefined {
    return this.#version;
  }

  /** Starts probing; resolves after the first probe (either way). */
  start(): Promise<void> {
    this.#firstProbe ??= this.#probe();
    this.#loop ??= this.#firstProbe.then(() => this.#run());
    return this.#firstProbe;
  }

  /** Resolves once the first probe has finished (at once if start() was not called). */
  async ready(): Promise<void> {
    await this.#firstProbe;
  }

  async stop(): Promise<void> {
    this.#stopped.abort();
    this.#wake.abort();
    await this.#loop;
  }

  /** The 503 to throw while the cluster is down. */
  unavailable(cause = this.cause ?? 'unknown error'): Unavailable {
    return new Unavailable(`${this.description} is unreachable: ${cause}`);
  }

  /** Throws 503 while the cluster is known to be down. */
  ensureUp(): void {
    if (this.#state.kind === 'down') throw this.unavailable();
  }

  /** A request failed at the network level (or was refused as unauthenticated): the cluster is down. */
  reportFailure(err: unknown, cause = describeNetworkError(err)): void {
    if (this.#state.kind !== 'down') {
      this.#log.warn('kubernetes cluster unreachable', { cluster: this.description, cause });
      this.#state = { kind: 'down', cause, since: Date.now() };
      this.#backoff.reset();
      this.#wake.abort();
    } else {
      this.#state.cause = cause;
    }
  }

  /** A request succeeded. */
  reportSuccess(): void {
    if (this.#state.kind === 'up') return;
    const wasDown = this.#state.kind === 'down';
    this.#state = { kind: 'up' };
    if (wasDown) this.#log.info('kubernetes cluster reachable again', { cluster: this.description });
    for (const l of this.#upListeners) l();
  }

  /** Called whenever the cluster becomes reachable (informers use it to retry at once). */
  onUp(listener: () => void): () => void {
    this.#upListeners.add(listener);
    return () => this.#upListeners.delete(listener);
  }

  async #run(): Promise<void> {
    while (!this.#stopped.signal.aborted) {
      if (this.#state.kind === 'down') {
        await sleep(this.#backoff.next(), this.#stopped.signal);
        if (this.#stopped.signal.aborted) return;
        await this.#probe();
      } else {
        await sleep(60_000, this.#wake.signal);
        if (this.#wake.signal.aborted) this.#wake = new AbortController();
      }
    }
  }

  async #probe(): Promise<void> {
    try {
      const res = await this.transport.fetch('GET', '/version', { signal: AbortSignal.timeout(this.#probeTimeoutMs) });
      const text = await res.text();
      if (res.status === 401) {
        const s = parseStatus(401, text);
        this.reportFailure(
          undefined,
          `the cluster rejected badidea's credentials (401 ${s.message ?? 'Unauthorized'})`,
        );
        return;
      }
      if (res.status >= 500) {
        this.reportFailure(
          undefined,
          `the API server answered ${res.status}: ${parseStatus(res.status, text).message}`,
        );
        return;
      }
      if (res.ok) {
        const v = JSON.parse(text) as { gitVersion?: string; platform?: string };
        if (v.gitVersion) this.#version = { gitVersion: v.gitVersion, platform: v.platform };
      }
      this.reportSuccess();
    } catch (err) {
      this.reportFailure(err);
    }
  }
}
