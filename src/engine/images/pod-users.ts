// ImageUsers from the pod cache: a container uses the image its pods' `badidea.dev/image-id` annotation names
// (translate/record.ts); a pull Secret is in use while any pod lists it in imagePullSecrets.

import type { Pod } from '../../translate/kube-types.ts';
import { groupContainers } from '../../translate/record.ts';
import type { ImageUsers } from './service.ts';

function running(pod: Pod): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const main = pod.status?.containerStatuses?.[0];
  return Boolean(main?.state?.running) || (pod.status?.phase === 'Running' && !main?.state?.terminated);
}

export function podImageUsers(listPods: () => readonly Pod[]): ImageUsers {
  return {
    containersUsing(imageId) {
      return groupContainers(listPods())
        .filter((c) => c.record.imageId === imageId)
        .map((c) => ({ id: c.record.id, running: running(c.current) }));
    },
    pullSecretsInUse() {
      const names = new Set<string>();
      for (const pod of listPods()) for (const s of pod.spec.imagePullSecrets ?? []) names.add(s.name);
      return names;
    },
  };
}
