// Namespace lifecycle: the `default` ServiceAccount in every active namespace (serviceaccounts
// controller), and deletion of a terminating namespace's contents before it is finalized
// (namespace controller: delete everything, wait until it is gone, then drop the `kubernetes` finalizer).
import type { MemoryStore } from '../store/memory-store.ts';
import { RESOURCES } from '../store/resources.ts';
import { WorkQueue } from './work-queue.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

const NAMESPACED = RESOURCES.filter((r) => r.namespaced && !r.virtual).map((r) => r.key);

export function startNamespaceController(store: MemoryStore, log?: (line: string) => void): () => void {
  const reconcile = (name: string) => {
    const ns: J = store.get('namespaces', undefined, name);
    if (!ns) return;
    if (!ns.metadata.deletionTimestamp) {
      if (!store.get('serviceaccounts', name, 'default'))
        store.create('serviceaccounts', {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'default', namespace: name },
        });
      return;
    }
    let remaining = 0;
    for (const key of NAMESPACED) {
      for (const o of store.list(key, name).items) {
        remaining++;
        if (!o.metadata.deletionTimestamp) {
          try {
            store.delete(key, name, o.metadata.name!);
          } catch {
            // already gone
          }
        }
      }
    }
    if (remaining > 0) {
      queue.addAfter(name, 100);
      return;
    }
    if ((ns.spec?.finalizers ?? []).length > 0) {
      store.update('namespaces', { ...ns, spec: { ...ns.spec, finalizers: [] } }, { subresource: 'finalize' });
    }
  };
  const queue = new WorkQueue('namespaces', reconcile, log);
  const stopNs = store.watch('namespaces', undefined, {}, (e) => {
    if (e.type !== 'DELETED') queue.add(e.object.metadata.name!);
  });
  const stopSa = store.watch('serviceaccounts', undefined, { fieldSelector: 'metadata.name=default' }, (e) => {
    if (e.type === 'DELETED') queue.add(e.object.metadata.namespace!);
  });
  return () => {
    stopNs();
    stopSa();
    queue.stop();
  };
}
