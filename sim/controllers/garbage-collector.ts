// The garbage collector (pkg/controller/garbagecollector): dependents whose owners are all gone are
// deleted (background); an owner deleted with propagationPolicy Foreground keeps the
// `foregroundDeletion` finalizer until its blocking dependents are gone; with Orphan, the owner
// references are removed from the dependents and then the `orphan` finalizer.
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../store/deletion.ts';
import type { MemoryStore } from '../store/memory-store.ts';
import { RESOURCES, type ResourceInfo } from '../store/resources.ts';
import type { KubeObject, ObjectMeta, OwnerReference } from '../store/types.ts';
import type { EventRecorder } from './events.ts';
import { WorkQueue } from './work-queue.ts';

const STORED = RESOURCES.filter((r) => !r.virtual);

function resourceForOwner(ref: OwnerReference): ResourceInfo | undefined {
  const [group, version] = ref.apiVersion.includes('/') ? ref.apiVersion.split('/') : ['', ref.apiVersion];
  return (
    STORED.find((r) => r.kind === ref.kind && r.group === group && r.version === version) ??
    STORED.find((r) => r.kind === ref.kind && r.group === group)
  );
}

interface Located {
  key: string;
  object: KubeObject;
}

export function startGarbageCollector(
  store: MemoryStore,
  recorder: EventRecorder,
  log?: (line: string) => void,
): () => void {
  const ownerExists = (dependent: KubeObject, ref: OwnerReference): boolean => {
    const info = resourceForOwner(ref);
    if (!info) return true; // unknown kinds (e.g. apps/v1 Deployment) are not ours to judge
    if (info.namespaced && !dependent.metadata.namespace) return false;
    const owner = store.get(info.key, info.namespaced ? dependent.metadata.namespace : undefined, ref.name);
    return !!owner && owner.metadata.uid === ref.uid;
  };

  const dependentsOf = (owner: KubeObject): Located[] => {
    const out: Located[] = [];
    for (const r of STORED) {
      const ns = owner.metadata.namespace;
      for (const o of store.list(r.key, ns).items) {
        if ((o.metadata.ownerReferences ?? []).some((ref) => ref.uid === owner.metadata.uid))
          out.push({ key: r.key, object: o });
      }
    }
    return out;
  };

  const remove = (key: string, o: KubeObject, policy: 'Background' | 'Foreground') => {
    if (o.metadata.deletionTimestamp) return;
    try {
      store.delete(key, o.metadata.namespace, o.metadata.name!, {
        propagationPolicy: policy,
        preconditions: { uid: o.metadata.uid },
      });
    } catch {
      // gone or replaced meanwhile
    }
  };

  const removeFinalizer = (key: string, o: KubeObject, finalizer: string) => {
    const finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    store.update(key, { ...o, metadata: { ...o.metadata, finalizers } });
  };

  const reconcile = (item: string) => {
    const [key, namespace, name] = item.split('|') as [string, string, string];
    const o = store.get(key, namespace || undefined, name);
    if (!o) return;
    const refs = o.metadata.ownerReferences ?? [];
    // a dependent whose owners are all gone
    if (refs.length > 0 && !o.metadata.deletionTimestamp) {
      const info = STORED.find((r) => r.key === key)!;
      for (const ref of refs) {
        const ownerInfo = resourceForOwner(ref);
        if (ownerInfo?.namespaced && !info.namespaced) {
          recorder.event(
            o,
            'Warning',
            'OwnerRefInvalidNamespace',
            `ownerRef ${JSON.stringify(ref)} does not exist in namespace ""`,
          );
        }
      }
      if (refs.every((ref) => !ownerExists(o, ref))) {
        const foreground = refs.some((ref) => {
          const ownerInfo = resourceForOwner(ref);
          const owner = ownerInfo && store.get(ownerInfo.key, ownerInfo.namespaced ? namespace : undefined, ref.name);
          return owner?.metadata.finalizers?.includes(FOREGROUND_FINALIZER);
        });
        remove(key, o, foreground ? 'Foreground' : 'Background');
        return;
      }
    }
    if (!o.metadata.deletionTimestamp) return;
    const finalizers = o.metadata.finalizers ?? [];
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      for (const d of dependentsOf(o)) {
        const ownerReferences = (d.object.metadata.ownerReferences ?? []).filter((r) => r.uid !== o.metadata.uid);
        const metadata: ObjectMeta = { ...d.object.metadata, ownerReferences };
        if (ownerReferences.length === 0) delete metadata.ownerReferences;
        store.update(d.key, { ...d.object, metadata });
      }
      removeFinalizer(key, o, ORPHAN_FINALIZER);
      return;
    }
    if (finalizers.includes(FOREGROUND_FINALIZER)) {
      const dependents = dependentsOf(o);
      for (const d of dependents) remove(d.key, d.object, 'Foreground');
      const blocking = dependents.filter((d) =>
        (d.object.metadata.ownerReferences ?? []).some((r) => r.uid === o.metadata.uid && r.blockOwnerDeletion),
      );
      if (blocking.length === 0) removeFinalizer(key, o, FOREGROUND_FINALIZER);
      else queue.addAfter(item, 100);
    }
  };

  const queue = new WorkQueue('garbage-collector', reconcile, log);
  const enqueue = (key: string, o: KubeObject) => queue.add(`${key}|${o.metadata.namespace ?? ''}|${o.metadata.name}`);
  const stops = STORED.map((r) =>
    store.watch(r.key, undefined, {}, (e) => {
      const o = e.object;
      if (e.type === 'DELETED') {
        // the owner is gone: look at its dependents
        for (const d of dependentsOf(o)) enqueue(d.key, d.object);
        return;
      }
      if ((o.metadata.ownerReferences ?? []).length > 0) enqueue(r.key, o);
      const f = o.metadata.finalizers ?? [];
      if (o.metadata.deletionTimestamp && (f.includes(ORPHAN_FINALIZER) || f.includes(FOREGROUND_FINALIZER))) {
        enqueue(r.key, o);
        for (const d of dependentsOf(o)) enqueue(d.key, d.object);
      }
    }),
  );
  return () => {
    for (const s of stops) s();
    queue.stop();
  };
}
