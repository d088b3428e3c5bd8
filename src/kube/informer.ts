// list → watch from the list's resourceVersion → apply events, for one resource kind. Resumes after a
// disconnect from the last resourceVersion seen, relists on 410 Gone (an ERROR event or an HTTP 410),
// ends a watch that has been silent for idleTimeoutMs, and backs off while the cluster is down.

import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Logger } from '../log.ts';
import { Backoff, sleep } from './backoff.ts';
import type { KubeClient } from './client.ts';
import { kubeStatusOf } from './errors.ts';
import { Store, type StoreEventType } from './store.ts';
import type { KubeObject, KubeStatus, WatchEventType } from './types.ts';

export interface InformerOptions {
  client: KubeClient;
  /** Collection path, e.g. /api/v1/namespaces/ns/pods. */
  path: string;
  labelSelector: string;
  log: Logger;
  idleTimeoutMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Server-side watch timeout (the server ends the watch; we re-watch from the last resourceVersion). */
  watchTimeoutSeconds?: () => number;
}

class Gone extends Error {}

export class Informer<T extends KubeObject = KubeObject> {
  readonly store = new Store<T>();
  readonly #o: InformerOptions;
  readonly #backoff: Backoff;
  readonly #stop = new AbortController();
  #wake = new AbortController();
  #rv = '';
  #synced = false;
  #lastError?: Error;
  #loop?: Promise<void>;
  #syncWaiters: (() => void)[] = [];

  constructor(o: InformerOptions) {
    this.#o = o;
    this.#backoff = new Backoff(o.backoffInitialMs ?? 250, o.backoffMaxMs ?? 5000);
  }

  /** True once a list has been loaded (stays true across reconnects: the data is then at most a little stale). */
  get synced(): boolean {
    return this.#synced;
  }

  get lastError(): Error | undefined {
    return this.#lastError;
  }

  get resourceVersion(): string {
    return this.#rv;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#wake.abort();
    await this.#loop;
  }

  /** Cuts a backoff sleep short (the cluster is back). */
  wake(): void {
    this.#wake.abort();
  }

  /** Resolves once synced. */
  hasSynced(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve) => this.#syncWaiters.push(resolve));
  }

  async #run(): Promise<void> {
    const stop = this.#stop.signal;
    while (!stop.aborted) {
      try {
        if (!this.#rv) await this.#list();
        const started = Date.now();
        const events = await this.#watch();
        if (events > 0) this.#backoff.reset();
        // A watch that ends at once without events must not become a tight loop.
        else if (Date.now() - started < 1000) await sleep(this.#backoff.next(), stop);
        this.#lastError = undefined;
      } catch (err) {
        if (stop.aborted) break;
        if (err instanceof Gone || kubeStatusOf(err)?.code === 410) {
          this.#o.log.debug('watch expired, relisting', { path: this.#o.path });
          this.#rv = '';
          continue;
        }
        this.#lastError = err as Error;
        this.#o.log.debug('list/watch failed', { path: this.#o.path, error: (err as Error).message });
        await sleep(this.#backoff.next(), AbortSignal.any([stop, this.#wake.signal]));
        if (this.#wake.signal.aborted) this.#wake = new AbortController();
      }
    }
  }

  async #list(): Promise<void> {
    const list = await this.#o.client.list<T>(this.#o.path, {
      labelSelector: this.#o.labelSelector,
      signal: this.#stop.signal,
    });
    this.store.replace(list.items.map(withoutManagedFields));
    this.#rv = list.metadata.resourceVersion ?? '';
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w();
    }
  }

  /** One watch request; returns the number of events seen when it ends normally. */
  async #watch(): Promise<number> {
    const idleMs = this.#o.idleTimeoutMs ?? 90_000;
    const local = new AbortController();
    const signal = AbortSignal.any([this.#stop.signal, local.signal]);
    let idle = setTimeout(() => local.abort(), idleMs);
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => local.abort(), idleMs);
    };
    let count = 0;
    let body: Readable | undefined;
    try {
      body = await this.#o.client.stream(this.#o.path, {
        signal,
        query: {
          watch: 1,
          resourceVersion: this.#rv,
          allowWatchBookmarks: true,
          labelSelector: this.#o.labelSelector,
          timeoutSeconds: this.#o.watchTimeoutSeconds?.() ?? 240 + Math.floor(Math.random() * 120),
        },
      });
      body.on('data', touch);
      body.on('error', () => {}); // aborting a finished body must not become an uncaught error
      const lines = createInterface({ input: body, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on('error', () => {});
      for await (const line of lines) {
        if (!line.trim()) continue;
        let ev: { type: WatchEventType; object: T | KubeStatus };
        try {
          ev = JSON.parse(line);
        } catch {
          continue;
        }
        if (ev.type === 'ERROR') {
          const status = ev.object as KubeStatus;
          if (status.code === 410) throw new Gone(status.message ?? 'resource version too old');
          throw new Error(`watch error: ${status.message ?? JSON.stringify(status)}`);
        }
        const object = ev.object as T;
        const rv = object.metadata?.resourceVersion;
        if (ev.type !== 'BOOKMARK') this.store.apply(ev.type as StoreEventType, withoutManagedFields(object));
        if (rv) this.#rv = rv;
        count++;
      }
      return count;
    } catch (err) {
      // The idle timeout (or a watch closed under us) is a normal end: re-watch from the last resourceVersion.
      if (local.signal.aborted && !this.#stop.signal.aborted) return count;
      throw err;
    } finally {
      clearTimeout(idle);
      body?.destroy();
      local.abort();
    }
  }
}

/**
 * managedFields (server-side apply bookkeeping) is often the largest part of an object a real API server sends and
 * badidea never reads it: dropped before caching, as client-go users do with an informer transform.
 */
function withoutManagedFields<T extends KubeObject>(o: T): T {
  if (o.metadata?.managedFields !== undefined) delete o.metadata.managedFields;
  return o;
}
