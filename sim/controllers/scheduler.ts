// The scheduler for the one node: binds pods that have no nodeName, no scheduling gates and
// schedulerName default-scheduler, after their PVCs exist (WaitForFirstConsumer claims get the
// selected-node annotation and are waited for). Unschedulable pods get PodScheduled=False and a
// FailedScheduling event; gated pods get PodScheduled=False reason SchedulingGated.

import { timestamp } from '../store/json.ts';
import { matchesLabels, selectorFromMap } from '../store/label-selector.ts';
import type { MemoryStore } from '../store/memory-store.ts';
import type { KubeObject } from '../store/types.ts';
import type { EventRecorder } from './events.ts';
import { WorkQueue } from './work-queue.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

export const SELECTED_NODE = 'volume.kubernetes.io/selected-node';

export interface SchedulerOptions {
  nodeName: string;
  recorder: EventRecorder;
  log?: (line: string) => void;
}

function setCondition(store: MemoryStore, pod: J, reason: string, message: string): void {
  const current = (pod.status?.conditions ?? []).find((c: J) => c.type === 'PodScheduled');
  if (current && current.status === 'False' && current.reason === reason && current.message === message) return;
  const conditions = (pod.status?.conditions ?? []).filter((c: J) => c.type !== 'PodScheduled');
  conditions.push({
    type: 'PodScheduled',
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: timestamp(store.now()),
    reason,
    message,
  });
  store.update('pods', { ...pod, status: { ...pod.status, conditions } }, { subresource: 'status' });
}

export function startScheduler(store: MemoryStore, options: SchedulerOptions): () => void {
  const { nodeName, recorder } = options;

  const unschedulable = (pod: J, why: string) => {
    const message = `0/1 nodes are available: ${why}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`;
    const before = (pod.status?.conditions ?? []).find((c: J) => c.type === 'PodScheduled')?.message;
    setCondition(store, pod, 'Unschedulable', message);
    if (before !== message) recorder.event(pod, 'Warning', 'FailedScheduling', message);
  };

  const reconcile = (key: string) => {
    const [namespace, name] = key.split('/') as [string, string];
    const pod: J = store.get('pods', namespace, name);
    if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp) return;
    if (pod.spec.schedulerName !== 'default-scheduler') return;
    if ((pod.spec.schedulingGates ?? []).length > 0) {
      setCondition(store, pod, 'SchedulingGated', 'Scheduling is blocked due to non-empty scheduling gates');
      return;
    }
    const node: J = store.get('nodes', undefined, nodeName);
    if (!node) return unschedulable(pod, 'no nodes available to schedule pods');
    if (pod.spec.nodeSelector && !matchesLabels(selectorFromMap(pod.spec.nodeSelector), node.metadata.labels)) {
      return unschedulable(pod, "1 node(s) didn't match Pod's node affinity/selector");
    }
    let waiting = false;
    for (const v of pod.spec.volumes ?? []) {
      const claimName = v.persistentVolumeClaim?.claimName ?? (v.ephemeral ? `${name}-${v.name}` : undefined);
      if (!claimName) continue;
      const pvc: J = store.get('persistentvolumeclaims', namespace, claimName);
      if (!pvc) return unschedulable(pod, `persistentvolumeclaim "${claimName}" not found`);
      if (pvc.metadata.deletionTimestamp)
        return unschedulable(pod, `persistentvolumeclaim "${claimName}" is being deleted`);
      if (pvc.status?.phase === 'Bound') continue;
      waiting = true;
      if (pvc.metadata.annotations?.[SELECTED_NODE] !== nodeName) {
        const annotations = { ...(pvc.metadata.annotations ?? {}), [SELECTED_NODE]: nodeName };
        store.update('persistentvolumeclaims', { ...pvc, metadata: { ...pvc.metadata, annotations } });
      }
    }
    if (waiting) return; // re-queued when the claims change
    store.bind(namespace, name, nodeName);
    recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
  };

  const queue = new WorkQueue('scheduler', reconcile, options.log);
  const enqueue = (o: KubeObject) => queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
  const stopPods = store.watch('pods', undefined, {}, (e) => {
    // biome-ignore lint/suspicious/noExplicitAny: JSON objects
    const p = e.object as any;
    if (e.type !== 'DELETED' && !p.spec?.nodeName) enqueue(e.object);
  });
  const stopClaims = store.watch('persistentvolumeclaims', undefined, {}, (e) => {
    for (const p of store.list('pods', e.object.metadata.namespace, { fieldSelector: 'spec.nodeName=' }).items)
      enqueue(p);
  });
  return () => {
    stopPods();
    stopClaims();
    queue.stop();
  };
}
