// Endpoints and EndpointSlices for Services with a selector (pkg/controller/endpoint and
// endpointslice): the matching pods that have an IP, ready when their Ready condition is True and
// they are not terminating; terminating pods appear in slices as ready=false, terminating=true.
import { deepEqual, timestamp } from '../store/json.ts';
import { matchesLabels, selectorFromMap } from '../store/label-selector.ts';
import type { MemoryStore } from '../store/memory-store.ts';
import { WorkQueue } from './work-queue.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';

interface Backend {
  pod: J;
  ip: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

function resolvePort(pod: J, targetPort: number | string | undefined, fallback: number): number | undefined {
  if (typeof targetPort === 'number') return targetPort;
  if (targetPort === undefined || targetPort === '') return fallback;
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.name === targetPort) return p.containerPort;
  return undefined;
}

function podReady(pod: J): boolean {
  return (pod.status?.conditions ?? []).some((c: J) => c.type === 'Ready' && c.status === 'True');
}

export function startEndpointsController(store: MemoryStore, log?: (line: string) => void): () => void {
  const backends = (svc: J): Backend[] => {
    const selector = selectorFromMap(svc.spec.selector);
    const out: Backend[] = [];
    for (const pod of store.list('pods', svc.metadata.namespace).items as J[]) {
      if (!matchesLabels(selector, pod.metadata.labels)) continue;
      const ip = pod.status?.podIP;
      const phase = pod.status?.phase;
      if (!ip || phase === 'Succeeded' || phase === 'Failed') continue;
      const terminating = !!pod.metadata.deletionTimestamp;
      const serving = podReady(pod) || svc.spec.publishNotReadyAddresses === true;
      out.push({ pod, ip, ready: serving && !terminating, serving, terminating });
    }
    return out.sort((a, b) => a.pod.metadata.name.localeCompare(b.pod.metadata.name));
  };

  const targetRef = (pod: J) => ({
    kind: 'Pod',
    namespace: pod.metadata.namespace,
    name: pod.metadata.name,
    uid: pod.metadata.uid,
  });

  const syncEndpoints = (svc: J, list: Backend[]) => {
    const { namespace, name } = svc.metadata;
    const subsets: J[] = [];
    // pods resolving named ports differently land in different subsets
    const groups = new Map<string, { ports: J[]; addresses: J[]; notReadyAddresses: J[] }>();
    for (const b of list) {
      if (b.terminating && !svc.spec.publishNotReadyAddresses) continue;
      const ports = (svc.spec.ports ?? []).flatMap((p: J) => {
        const port = resolvePort(b.pod, p.targetPort, p.port);
        return port === undefined
          ? []
          : [p.name ? { name: p.name, port, protocol: p.protocol } : { port, protocol: p.protocol }];
      });
      const key = JSON.stringify(ports);
      if (!groups.has(key)) groups.set(key, { ports, addresses: [], notReadyAddresses: [] });
      const address = { ip: b.ip, nodeName: b.pod.spec.nodeName, targetRef: targetRef(b.pod) };
      (b.ready ? groups.get(key)!.addresses : groups.get(key)!.notReadyAddresses).push(address);
    }
    for (const g of groups.values()) {
      const subset: J = {};
      if (g.addresses.length) subset.addresses = g.addresses;
      if (g.notReadyAddresses.length) subset.notReadyAddresses = g.notReadyAddresses;
      if (g.ports.length) subset.ports = g.ports;
      subsets.push(subset);
    }
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (svc.spec.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    const existing: J = store.get('endpoints', namespace, name);
    const desired: J = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels } };
    if (subsets.length) desired.subsets = subsets;
    if (existing) {
      if (deepEqual(existing.subsets ?? [], desired.subsets ?? []) && deepEqual(existing.metadata.labels ?? {}, labels))
        return;
      const annotations = {
        ...(existing.metadata.annotations ?? {}),
        'endpoints.kubernetes.io/last-change-trigger-time': timestamp(store.now()),
      };
      const next: J = { ...existing, metadata: { ...existing.metadata, labels, annotations } };
      if (desired.subsets) next.subsets = desired.subsets;
      else delete next.subsets;
      store.update('endpoints', next);
    } else {
      store.create('endpoints', desired);
    }
  };

  const syncSlice = (svc: J, list: Backend[]) => {
    const { namespace, name } = svc.metadata;
    const ports = (svc.spec.ports ?? []).map((p: J) => {
      const first = list[0];
      const port = first
        ? resolvePort(first.pod, p.targetPort, p.port)
        : typeof p.targetPort === 'number'
          ? p.targetPort
          : p.port;
      return { name: p.name ?? '', port, protocol: p.protocol };
    });
    const endpoints = list.map((b) => ({
      addresses: [b.ip],
      conditions: { ready: b.ready, serving: b.serving, terminating: b.terminating },
      targetRef: targetRef(b.pod),
      nodeName: b.pod.spec.nodeName,
    }));
    const labels = { ...(svc.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY };
    if (svc.spec.clusterIP === 'None') (labels as Record<string, string>)['service.kubernetes.io/headless'] = '';
    const slices = store.list('endpointslices', namespace, {
      labelSelector: `${SERVICE_NAME_LABEL}=${name},${MANAGED_BY_LABEL}=${MANAGED_BY}`,
    }).items as J[];
    const [slice, ...extra] = slices;
    for (const s of extra) store.delete('endpointslices', namespace, s.metadata.name);
    if (slice) {
      if (
        deepEqual(slice.endpoints ?? [], endpoints) &&
        deepEqual(slice.ports ?? [], ports) &&
        deepEqual(slice.metadata.labels, labels)
      )
        return;
      store.update('endpointslices', { ...slice, metadata: { ...slice.metadata, labels }, endpoints, ports });
    } else {
      store.create('endpointslices', {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          generateName: `${name}-`,
          namespace,
          labels,
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'Service',
              name,
              uid: svc.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        addressType: 'IPv4',
        endpoints,
        ports,
      });
    }
  };

  const reconcile = (key: string) => {
    const [namespace, name] = key.split('/') as [string, string];
    const svc: J = store.get('services', namespace, name);
    if (!svc?.spec?.selector || Object.keys(svc.spec.selector).length === 0 || svc.metadata.deletionTimestamp) {
      if (!svc && store.get('endpoints', namespace, name)) store.delete('endpoints', namespace, name);
      return;
    }
    const list = backends(svc);
    syncEndpoints(svc, list);
    syncSlice(svc, list);
  };

  const queue = new WorkQueue('endpoints', reconcile, log);
  const stopSvc = store.watch('services', undefined, {}, (e) =>
    queue.add(`${e.object.metadata.namespace}/${e.object.metadata.name}`),
  );
  const stopPods = store.watch('pods', undefined, {}, (e) => {
    for (const s of store.list('services', e.object.metadata.namespace).items)
      queue.add(`${s.metadata.namespace}/${s.metadata.name}`);
  });
  return () => {
    stopSvc();
    stopPods();
    queue.stop();
  };
}
