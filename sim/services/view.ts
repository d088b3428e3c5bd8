// A watch-fed, in-memory view of the services, endpoints and pods of the whole cluster: what cluster
// DNS answers from and what the service proxy routes by. Like an informer: it watches from "now"
// (synthetic ADDED events for what exists) and starts over when a watch ends with an ERROR (410 Gone).
import type { KubeObject, ObjectStore, WatchEvent } from '../store/types.ts';
import { type Backend, backendsOf, type Endpoints, type Pod, type Service } from './model.ts';

type Kind = 'services' | 'endpoints' | 'pods';

export interface ClusterView {
  service(namespace: string, name: string): Service | undefined;
  services(): Iterable<Service>;
  pods(): Iterable<Pod>;
  namespaceExists(namespace: string): boolean;
  backends(svc: Service): Backend[];
  /** Called after every change, with the kind of object that changed. Returns an unsubscribe function. */
  onChange(listener: (kind: Kind, object: KubeObject) => void): () => void;
  close(): void;
}

const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export function watchClusterView(store: ObjectStore, log: (msg: string) => void = () => {}): ClusterView {
  const maps: Record<Kind, Map<string, KubeObject>> = {
    services: new Map(),
    endpoints: new Map(),
    pods: new Map(),
  };
  const listeners = new Set<(kind: Kind, object: KubeObject) => void>();
  const stops = new Map<Kind, () => void>();
  let closed = false;

  // List, then watch from the list's resourceVersion: the informer pattern. A restart (after a 410)
  // replaces the map wholesale, so objects deleted in between do not linger.
  const start = (kind: Kind) => {
    if (closed) return;
    const { items, resourceVersion } = store.list(kind, undefined);
    const old = maps[kind];
    const fresh = new Map(items.map((o) => [key(o), o] as const));
    maps[kind] = fresh;
    for (const [k, o] of old) if (!fresh.has(k)) notify(kind, o);
    for (const [k, o] of fresh)
      if (old.get(k)?.metadata.resourceVersion !== o.metadata.resourceVersion) notify(kind, o);
    let ended = false;
    let stop: (() => void) | undefined;
    stop = store.watch(kind, undefined, { resourceVersion }, (ev: WatchEvent) => {
      if (ended || ev.type === 'BOOKMARK') return;
      if (ev.type === 'ERROR') {
        log(`dns/services: ${kind} watch ended (${JSON.stringify(ev.object).slice(0, 200)}); relisting`);
        ended = true;
        stop?.();
        setTimeout(() => start(kind), 10);
        return;
      }
      const k = key(ev.object);
      if (ev.type === 'DELETED') maps[kind].delete(k);
      else maps[kind].set(k, ev.object);
      notify(kind, ev.object);
    });
    if (ended) stop();
    else stops.set(kind, stop);
  };
  const notify = (kind: Kind, o: KubeObject) => {
    for (const l of listeners) l(kind, o);
  };
  for (const kind of ['services', 'endpoints', 'pods'] as const) start(kind);

  return {
    service: (namespace, name) => maps.services.get(`${namespace}/${name}`) as Service | undefined,
    services: () => maps.services.values() as Iterable<Service>,
    pods: () => maps.pods.values() as Iterable<Pod>,
    namespaceExists(namespace) {
      for (const m of Object.values(maps))
        for (const o of m.values()) if (o.metadata.namespace === namespace) return true;
      return false;
    },
    backends(svc) {
      const ep = maps.endpoints.get(key(svc)) as Endpoints | undefined;
      return backendsOf(svc, ep, maps.pods.values() as Iterable<Pod>);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      for (const stop of stops.values()) stop();
      stops.clear();
      listeners.clear();
    },
  };
}
