// A minimal in-memory ObjectStore for the unit tests of cluster DNS and the service proxy: no
// admission or validation, one global resourceVersion, watches from "now" or from a list's version.
import type { KubeObject, ObjectStore, WatchEvent } from '../store/types.ts';

type Listener = { resource: string; namespace?: string; onEvent: (e: WatchEvent) => void };

export function fakeStore(): ObjectStore & { put(resource: string, o: KubeObject): void; gone(): void } {
  const objects = new Map<string, Map<string, KubeObject>>();
  const listeners = new Set<Listener>();
  let rv = 1;
  const bucket = (resource: string) => {
    let m = objects.get(resource);
    if (!m) {
      m = new Map();
      objects.set(resource, m);
    }
    return m;
  };
  const k = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const emit = (resource: string, type: WatchEvent['type'], object: KubeObject) => {
    for (const l of listeners) {
      if (l.resource !== resource) continue;
      if (l.namespace && l.namespace !== object.metadata.namespace) continue;
      l.onEvent({ type, object });
    }
  };
  const store = {
    get<T extends KubeObject>(resource: string, namespace: string | undefined, name: string) {
      return bucket(resource).get(`${namespace ?? ''}/${name}`) as T | undefined;
    },
    list<T extends KubeObject>(resource: string, namespace: string | undefined) {
      const items = [...bucket(resource).values()].filter((o) => !namespace || o.metadata.namespace === namespace);
      return { items: items as T[], resourceVersion: String(rv) };
    },
    create<T extends KubeObject>(resource: string, object: T): T {
      const o = structuredClone(object);
      o.metadata.resourceVersion = String(++rv);
      bucket(resource).set(k(o), o);
      emit(resource, 'ADDED', o);
      return o;
    },
    update<T extends KubeObject>(resource: string, object: T): T {
      const o = structuredClone(object);
      o.metadata.resourceVersion = String(++rv);
      bucket(resource).set(k(o), o);
      emit(resource, 'MODIFIED', o);
      return o;
    },
    delete(resource: string, namespace: string | undefined, name: string) {
      const key = `${namespace ?? ''}/${name}`;
      const o = bucket(resource).get(key);
      if (!o) throw new Error(`not found: ${resource} ${key}`);
      bucket(resource).delete(key);
      rv++;
      emit(resource, 'DELETED', o);
      return o;
    },
    watch<T extends KubeObject>(
      resource: string,
      namespace: string | undefined,
      options: { resourceVersion?: string },
      onEvent: (e: WatchEvent<T>) => void,
    ) {
      const l: Listener = { resource, namespace, onEvent: onEvent as (e: WatchEvent) => void };
      if (!options.resourceVersion) {
        for (const o of store.list(resource, namespace).items) onEvent({ type: 'ADDED', object: o as T });
      }
      listeners.add(l);
      return () => listeners.delete(l);
    },
    /** Create or update. */
    put(resource: string, o: KubeObject) {
      if (bucket(resource).has(k(o))) store.update(resource, o);
      else store.create(resource, o);
    },
    /** Ends every watch with a 410 Gone, as a compaction does. */
    gone() {
      for (const l of [...listeners]) {
        l.onEvent({
          type: 'ERROR',
          object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 410, reason: 'Expired' },
        });
      }
    },
  };
  return store;
}
