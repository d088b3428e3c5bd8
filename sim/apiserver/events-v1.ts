// events.k8s.io/v1 Events are the core/v1 Events seen through another version, as in the real API
// server (one storage, pkg/apis/events/v1/conversion.go): this wraps the store so the generic REST
// handlers read and write core Events while clients see the events.k8s.io shape.
import type { MemoryStore } from '../store/memory-store.ts';
import type { KubeObject } from '../store/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

export const EVENTS_V1_KEY = 'events.events.k8s.io';

const PAIRS: [core: string, v1: string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['reportingComponent', 'reportingController'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
];
const SAME = ['eventTime', 'series', 'reportingInstance', 'action', 'reason', 'related', 'type'];

export function coreToV1(o: KubeObject): KubeObject {
  const c = o as J;
  const out: J = { kind: 'Event', apiVersion: 'events.k8s.io/v1', metadata: o.metadata };
  for (const k of SAME) if (c[k] !== undefined) out[k] = c[k];
  for (const [core, v1] of PAIRS) if (c[core] !== undefined) out[v1] = c[core];
  if (out.eventTime === undefined) out.eventTime = null;
  return out;
}

export function v1ToCore(o: KubeObject): KubeObject {
  const v = o as J;
  const out: J = { kind: 'Event', apiVersion: 'v1', metadata: o.metadata ?? {} };
  for (const k of SAME) if (v[k] !== undefined) out[k] = v[k];
  for (const [core, v1] of PAIRS) if (v[v1] !== undefined) out[core] = v[v1];
  return out;
}

function fieldSelectorToCore(s: string | undefined): string | undefined {
  return s
    ?.replace(/\bregarding\./g, 'involvedObject.')
    .replace(/\breportingController\b/g, 'reportingComponent')
    .replace(/\bdeprecatedSource\b/g, 'source');
}

type ListOpts = { labelSelector?: string; fieldSelector?: string; atResourceVersion?: number };

/** The MemoryStore methods the REST handlers use, with events.k8s.io objects in and out. */
export function eventsV1Store(store: MemoryStore): MemoryStore {
  const key = (k: string) => (k === EVENTS_V1_KEY ? 'events' : k);
  const view = Object.create(store) as MemoryStore;
  Object.assign(view, {
    resourceVersion: () => store.resourceVersion(),
    now: store.now,
    get: (k: string, ns: string | undefined, name: string) => {
      const o = store.get(key(k), ns, name);
      return o && coreToV1(o);
    },
    list: (k: string, ns: string | undefined, opts?: ListOpts) => {
      const r = store.list(key(k), ns, { ...opts, fieldSelector: fieldSelectorToCore(opts?.fieldSelector) });
      return { ...r, items: r.items.map(coreToV1) };
    },
    create: (k: string, o: KubeObject, opts?: { dryRun?: boolean }) =>
      coreToV1(store.create(key(k), v1ToCore(o), opts)),
    update: (k: string, o: KubeObject, opts?: { dryRun?: boolean }) =>
      coreToV1(store.update(key(k), v1ToCore(o), opts)),
    delete: (k: string, ns: string | undefined, name: string, opts?: object) =>
      coreToV1(store.delete(key(k), ns, name, opts)),
    deleteDetailed: (k: string, ns: string | undefined, name: string, opts?: object) => {
      const r = store.deleteDetailed(key(k), ns, name, opts);
      return { ...r, object: coreToV1(r.object) };
    },
    watch: (
      k: string,
      ns: string | undefined,
      opts: ListOpts,
      onEvent: (e: { type: string; object: KubeObject }) => void,
    ) =>
      store.watch(key(k), ns, { ...opts, fieldSelector: fieldSelectorToCore(opts.fieldSelector) }, (e) =>
        onEvent(e.type === 'ERROR' || e.type === 'BOOKMARK' ? e : { type: e.type, object: coreToV1(e.object) }),
      ),
  });
  return view;
}
