// The watch-fed cache of the objects badidea owns (label badidea.dev/managed=true) in its namespace.
// Reads never call the API: listers serve from memory. While the cluster is down, or before the first
// list, reads throw 503 naming the cluster and the cause. waitFor() resolves on cache events, never polls.

import type { Logger } from '../log.ts';
import type { KubeClient } from './client.ts';
import { Informer } from './informer.ts';
import type { Lister, StoreEvent } from './store.ts';
import { type KubeObject, MANAGED_SELECTOR } from './types.ts';

/** Resource kinds the cache watches, by their plural name in core/v1. */
export const CACHED_KINDS = ['pods', 'services', 'persistentvolumeclaims', 'configmaps', 'secrets'] as const;
export type CachedKind = (typeof CACHED_KINDS)[number];

export interface CacheOptions {
  client: KubeClient;
  log: Logger;
  kinds?: readonly CachedKind[];
  labelSelector?: string;
  idleTimeoutMs?: number;
  backoffMaxMs?: number;
}

export interface WaitOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** For the timeout error: what was awaited ("pod web to be running"). */
  what?: string;
}

export class KubeCache {
  readonly #client: KubeClient;
  readonly #informers = new Map<CachedKind, Informer>();
  #unsubscribeUp?: () => void;

  constructor(o: CacheOptions) {
    this.#client = o.client;
    for (const kind of o.kinds ?? CACHED_KINDS) {
      this.#informers.set(
        kind,
        new Informer({
          client: o.client,
          path: o.client.corePath(kind),
          labelSelector: o.labelSelector ?? MANAGED_SELECTOR,
          log: o.log.child({ informer: kind }),
          idleTimeoutMs: o.idleTimeoutMs,
          backoffMaxMs: o.backoffMaxMs,
        }),
      );
    }
  }

  start(): void {
    this.#unsubscribeUp = this.#client.connection.onUp(() => {
      for (const i of this.#informers.values()) i.wake();
    });
    for (const i of this.#informers.values()) i.start();
  }

  async stop(): Promise<void> {
    this.#unsubscribeUp?.();
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
  }

  /** Resolves when every kind has been listed once. */
  async hasSynced(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((i) => i.hasSynced()));
  }

  /**
   * Waits (at most timeoutMs) until the kinds have been listed, so the first requests after a start are not
   * refused while the cache fills. Returns early when the cluster is found to be down; reads then throw 503.
   */
  async ready(kinds: readonly CachedKind[] = [...this.#informers.keys()], timeoutMs = 5000): Promise<void> {
    const conn = this.#client.connection;
    await conn.ready();
    const pending = kinds.map((k) => this.#informer(k)).filter((i) => !i.synced);
    if (pending.length === 0 || !conn.up) return;
    let timer: NodeJS.Timeout | undefined;
    let stopWatching = () => {};
    await Promise.race([
      Promise.all(pending.map((i) => i.hasSynced())),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        const id = setInterval(() => !conn.up && resolve(), 50);
        stopWatching = () => clearInterval(id);
      }),
    ]);
    clearTimeout(timer);
    stopWatching();
  }

  /**
   * Read access to one kind. Every read checks that the data can be trusted: the kind has been listed and
   * the cluster is reachable; otherwise 503. The type parameter is the caller's view of the objects.
   */
  lister<T extends KubeObject = KubeObject>(kind: CachedKind): Lister<T> {
    const informer = this.#informer(kind);
    const store = informer.store as unknown as Lister<T>;
    const check = () => this.#assertReadable(kind);
    return {
      get: (name) => {
        check();
        return store.get(name);
      },
      list: (labels) => {
        check();
        return store.list(labels);
      },
      filter: (predicate) => {
        check();
        return store.filter(predicate);
      },
    };
  }

  get pods(): Lister {
    return this.lister('pods');
  }
  get services(): Lister {
    return this.lister('services');
  }
  get persistentVolumeClaims(): Lister {
    return this.lister('persistentvolumeclaims');
  }
  get configMaps(): Lister {
    return this.lister('configmaps');
  }
  get secrets(): Lister {
    return this.lister('secrets');
  }

  /** Every change of one kind (docker events, waiters). Returns the unsubscribe function. */
  subscribe<T extends KubeObject = KubeObject>(kind: CachedKind, listener: (event: StoreEvent<T>) => void): () => void {
    return this.#informer(kind).store.subscribe(listener as (event: StoreEvent) => void);
  }

  /**
   * Resolves with check's first non-undefined result. check runs now (if the kind is synced) and after every
   * change of the kind, with the lister and the event that triggered it. Rejects on abort or timeout.
   */
  waitFor<R, T extends KubeObject = KubeObject>(
    kind: CachedKind,
    check: (lister: Lister<T>, event?: StoreEvent<T>) => R | undefined,
    o: WaitOptions = {},
  ): Promise<R> {
    const informer = this.#informer(kind);
    const store = informer.store as unknown as Lister<T>;
    return new Promise<R>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let unsubscribe = () => {};
      const finish = (fn: () => void) => {
        unsubscribe();
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const attempt = (event?: StoreEvent<T>) => {
        let r: R | undefined;
        try {
          r = check(store, event);
        } catch (err) {
          finish(() => reject(err));
          return;
        }
        if (r !== undefined) finish(() => resolve(r as R));
      };
      const onAbort = () => finish(() => reject(o.signal?.reason ?? new Error('aborted')));
      if (o.signal?.aborted) return onAbort();
      o.signal?.addEventListener('abort', onAbort, { once: true });
      if (o.timeoutMs !== undefined) {
        timer = setTimeout(
          () =>
            finish(() =>
              reject(
                this.#client.connection.up
                  ? new WaitTimeout(o.timeoutMs!, o.what)
                  : this.#client.connection.unavailable(),
              ),
            ),
          o.timeoutMs,
        );
      }
      unsubscribe = informer.store.subscribe((e) => attempt(e as unknown as StoreEvent<T>));
      if (informer.synced) attempt();
      else void informer.hasSynced().then(() => attempt());
    });
  }

  #informer(kind: CachedKind): Informer {
    const i = this.#informers.get(kind);
    if (!i) throw new Error(`the cache does not watch ${kind}`);
    return i;
  }

  #assertReadable(kind: CachedKind): void {
    const conn = this.#client.connection;
    conn.ensureUp();
    const i = this.#informer(kind);
    if (!i.synced) {
      throw conn.unavailable(i.lastError ? i.lastError.message : `still loading ${kind} from the cluster`);
    }
  }
}

export class WaitTimeout extends Error {
  constructor(ms: number, what?: string) {
    super(`timed out after ${ms} ms waiting for ${what ?? 'a change in the cluster'}`);
  }
}
