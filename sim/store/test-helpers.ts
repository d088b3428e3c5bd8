// Shared fixtures for the store, API server and controller tests.
import { bootstrap } from './bootstrap.ts';
import { MemoryStore, type StoreOptions } from './memory-store.ts';
import type { KubeObject, WatchEvent } from './types.ts';

export function newStore(options: StoreOptions = {}): MemoryStore {
  const store = new MemoryStore(options);
  bootstrap(store);
  return store;
}

export function pod(name: string, extra: Record<string, unknown> = {}, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], ...extra },
  };
}

export function collect(store: MemoryStore, resource: string, options: Record<string, unknown> = {}) {
  const events: WatchEvent[] = [];
  const stop = store.watch(resource, 'default', options, (e) => events.push(e));
  return { events, stop, summary: () => events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`) };
}
