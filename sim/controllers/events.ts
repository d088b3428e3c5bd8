// An event recorder for the simulated control plane and node, like client-go's record package:
// core/v1 Events named <object>.<hex nanos>, de-duplicated by (object, type, reason, message,
// source) with count and lastTimestamp bumped instead of a new object.
import { timestamp } from '../store/json.ts';
import type { KubeObject, ObjectStore } from '../store/types.ts';

export interface EventSource {
  component: string;
  host?: string;
}

export interface EventRecorder {
  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
}

export function createEventRecorder(
  store: ObjectStore,
  source: EventSource,
  now: () => Date = () => new Date(),
): EventRecorder {
  const seen = new Map<string, { namespace: string; name: string }>();
  return {
    event(object, type, reason, message, fieldPath) {
      const m = object.metadata;
      const namespace = m.namespace || 'default';
      const key = [m.uid, type, reason, message, source.component, source.host ?? '', fieldPath ?? ''].join('\u0000');
      const at = timestamp(now());
      try {
        const prior = seen.get(key);
        if (prior) {
          const existing = store.get(`events`, prior.namespace, prior.name);
          if (existing) {
            store.update('events', { ...existing, count: Number(existing.count ?? 1) + 1, lastTimestamp: at });
            return;
          }
        }
        const involvedObject: Record<string, unknown> = {
          kind: object.kind,
          namespace: m.namespace,
          name: m.name,
          uid: m.uid,
          apiVersion: object.apiVersion,
          resourceVersion: m.resourceVersion,
        };
        if (!m.namespace) delete involvedObject.namespace;
        if (fieldPath) involvedObject.fieldPath = fieldPath;
        const nanos = BigInt(now().getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
        const created = store.create('events', {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: `${m.name}.${nanos.toString(16)}`, namespace },
          involvedObject,
          reason,
          message,
          source: source.host ? { component: source.component, host: source.host } : { component: source.component },
          firstTimestamp: at,
          lastTimestamp: at,
          count: 1,
          type,
          eventTime: null,
          reportingComponent: source.component,
          reportingInstance: source.host ?? '',
        });
        seen.set(key, { namespace, name: created.metadata.name! });
        if (seen.size > 5000) seen.delete(seen.keys().next().value as string);
      } catch {
        // events are best effort, as in client-go (e.g. the namespace is terminating)
      }
    },
  };
}
