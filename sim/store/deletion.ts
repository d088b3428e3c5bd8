// Deletion rules of the generic registry (staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go)
// and the pod strategy's CheckGracefulDelete (pkg/registry/core/pod/strategy.go).
import { conflict } from '../apiserver/status.ts';
import type { ResourceInfo } from './resources.ts';
import type { DeleteOptions, KubeObject } from './types.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** The grace period for a graceful delete, or undefined when the kind deletes immediately. */
export function gracePeriod(info: ResourceInfo, object: J, requested: number | undefined): number | undefined {
  if (info.key !== 'pods') return undefined;
  let grace = requested ?? object.spec?.terminationGracePeriodSeconds ?? 30;
  if (!object.spec?.nodeName) grace = 0;
  const phase = object.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') grace = 0;
  if (grace < 0) grace = 1;
  return grace;
}

export function checkPreconditions(info: ResourceInfo, object: KubeObject, options: DeleteOptions | undefined): void {
  const p = options?.preconditions;
  const qr = info.group ? { group: info.group, resource: info.resource } : info.resource;
  const name = object.metadata.name ?? '';
  if (p?.uid && p.uid !== object.metadata.uid) {
    throw conflict(
      qr,
      name,
      `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${object.metadata.uid}`,
    );
  }
  if (p?.resourceVersion && p.resourceVersion !== object.metadata.resourceVersion) {
    throw conflict(
      qr,
      name,
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${object.metadata.resourceVersion}`,
    );
  }
}

/** Adds the orphan / foregroundDeletion finalizer the propagation policy asks for. Returns true if it changed. */
export function addGcFinalizer(object: KubeObject, policy: DeleteOptions['propagationPolicy']): boolean {
  const want = policy === 'Orphan' ? ORPHAN_FINALIZER : policy === 'Foreground' ? FOREGROUND_FINALIZER : undefined;
  const f = object.metadata.finalizers ?? [];
  const other = policy === 'Orphan' ? FOREGROUND_FINALIZER : ORPHAN_FINALIZER;
  let changed = false;
  let next = f;
  if (want && !f.includes(want)) {
    next = [...f.filter((x) => x !== other), want];
    changed = true;
  }
  if (changed) object.metadata.finalizers = next;
  return changed;
}

/** An object with a deletionTimestamp, no finalizers and no grace left goes away (ShouldDeleteDuringUpdate). */
export function shouldRemove(info: ResourceInfo, object: J): boolean {
  const m = object.metadata;
  if (!m.deletionTimestamp) return false;
  if ((m.finalizers ?? []).length > 0) return false;
  if (info.key === 'namespaces') return (object.spec?.finalizers ?? []).length === 0;
  return !m.deletionGracePeriodSeconds;
}
