// ObjectApi over the kube gateway: writes through KubeClient, reads from the watch cache the composition root
// hands in (badidea-managed ConfigMaps or Secrets).

import type { KubeClient } from '../../kube/client.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { ObjectApi } from './store.ts';

export function kubeObjectApi<T extends { metadata: { name?: string } }>(
  client: KubeClient,
  resource: 'configmaps' | 'secrets',
  cached: () => readonly T[],
): ObjectApi<T> {
  return {
    list: cached,
    create: (obj) => client.create(client.corePath(resource), obj as unknown as KubeObject) as unknown as Promise<T>,
    replace: (obj) =>
      client.replace(
        client.corePath(resource, obj.metadata.name!),
        obj as unknown as KubeObject,
      ) as unknown as Promise<T>,
    async delete(name) {
      try {
        await client.delete(client.corePath(resource, name));
      } catch (err) {
        if ((err as { kind?: string })?.kind !== 'NotFound') throw err;
      }
    },
  };
}
