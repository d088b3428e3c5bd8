// The pod-only writes that bypass the normal update rules: pods/binding and pods/ephemeralcontainers.
import { conflict, invalid } from '../apiserver/status.ts';
import { admitEphemeral } from './admission/admit.ts';
import { clone, deepEqual, timestamp } from './json.ts';
import type { KubeObject } from './types.ts';
import { fieldErr } from './validation/field.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

/**
 * pods/binding (pkg/registry/core/pod/storage/storage.go assignPod): spec.nodeName and the
 * PodScheduled=True condition; the only way a pod's nodeName changes after creation.
 */
export function boundPod(old: KubeObject, nodeName: string, now: Date): KubeObject {
  const next: J = clone(old);
  const name = old.metadata.name ?? '';
  const qr = { resource: 'pods/binding' };
  if (next.metadata.deletionTimestamp)
    throw conflict(qr, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  if (next.spec.nodeName) throw conflict(qr, name, `pod ${name} is already assigned to node "${next.spec.nodeName}"`);
  if ((next.spec.schedulingGates ?? []).length > 0)
    throw conflict(qr, name, `pod ${name} has non-empty .spec.schedulingGates`);
  next.spec.nodeName = nodeName;
  const conditions = (next.status.conditions ?? []).filter((c: { type: string }) => c.type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(now) });
  next.status.conditions = conditions;
  return next;
}

/** pods/ephemeralcontainers: only spec.ephemeralContainers changes, and only by appending. */
export function withEphemeralContainers(old: KubeObject, object: KubeObject): KubeObject {
  const oldList: J[] = (old as J).spec?.ephemeralContainers ?? [];
  const next: J = clone(old);
  next.spec.ephemeralContainers = clone((object as J).spec?.ephemeralContainers ?? []);
  admitEphemeral(next);
  const defaulted: J[] = next.spec.ephemeralContainers;
  const changed = oldList.findIndex((c, i) => !deepEqual(c, defaulted[i]));
  if (changed !== -1 || defaulted.length < oldList.length) {
    throw invalid({ kind: 'Pod' }, old.metadata.name ?? '', [
      fieldErr.forbidden('spec.ephemeralContainers', 'existing ephemeral containers may not be changed'),
    ]);
  }
  if (defaulted.length === 0) delete next.spec.ephemeralContainers;
  return next;
}
