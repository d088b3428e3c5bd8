// Events as the kubelet's recorder writes them: core/v1 Event named <pod>.<hex>, source kubelet,
// repeated (same object, reason, message) events folded into one with a count, like the
// client-go EventCorrelator.
import { randomBytes } from 'node:crypto';
import type { KubeObject, ObjectStore } from '../store/types.ts';
import { metaTime, type Pod } from './types.ts';

export type EventType = 'Normal' | 'Warning';

interface EventObject extends KubeObject {
  count?: number;
  lastTimestamp?: string;
}

export class EventRecorder {
  #store: ObjectStore;
  #node: string;
  #seen = new Map<string, { name: string; namespace: string }>();

  constructor(store: ObjectStore, nodeName: string) {
    this.#store = store;
    this.#node = nodeName;
  }

  /** fieldPath like spec.containers{c} or spec.initContainers{c}; omit for pod-level events. */
  record(pod: Pod, type: EventType, reason: string, message: string, fieldPath?: string): void {
    const ns = pod.metadata.namespace ?? 'default';
    const key = `${pod.metadata.uid}\0${fieldPath ?? ''}\0${type}\0${reason}\0${message}`;
    const now = metaTime();
    try {
      const prev = this.#seen.get(key);
      if (prev) {
        const ev = this.#store.get<EventObject>('events', prev.namespace, prev.name);
        if (ev) {
          this.#store.update('events', { ...ev, count: (ev.count ?? 1) + 1, lastTimestamp: now });
          return;
        }
      }
      const name = `${pod.metadata.name}.${randomBytes(8).toString('hex')}`;
      this.#store.create('events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ns },
        involvedObject: {
          kind: 'Pod',
          namespace: ns,
          name: pod.metadata.name,
          uid: pod.metadata.uid,
          apiVersion: 'v1',
          resourceVersion: pod.metadata.resourceVersion,
          ...(fieldPath ? { fieldPath } : {}),
        },
        reason,
        message,
        source: { component: 'kubelet', host: this.#node },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: 'kubelet',
        reportingInstance: this.#node,
      });
      this.#seen.set(key, { name, namespace: ns });
    } catch {
      // events are best effort (a terminating namespace refuses them), as in the real recorder
    }
  }

  forget(uid: string): void {
    for (const k of this.#seen.keys()) if (k.startsWith(`${uid}\0`)) this.#seen.delete(k);
  }
}
