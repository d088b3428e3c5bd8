// Server-side printing (meta.k8s.io/v1 Table) for clients that ask with
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (kubectl get): the columns of
// pkg/printers/internalversion/printers.go for the kinds the simulator serves, NAME/AGE otherwise.
import type { IncomingMessage } from 'node:http';
import type { ResourceInfo } from '../store/resources.ts';
import type { KubeObject } from '../store/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

export function wantsTable(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.split(',').some((t) => /;\s*as=Table/.test(t) && /g=meta\.k8s\.io/.test(t));
}

/** duration.HumanDuration (k8s.io/apimachinery/pkg/util/duration). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8)
    return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

const age = (t: string | undefined, now: Date) => (t ? humanDuration(now.getTime() - Date.parse(t)) : '<unknown>');

function podStatus(p: J): string {
  let reason = p.status?.reason || p.status?.phase || '';
  const gated = (p.spec?.schedulingGates ?? []).length > 0;
  if (gated && !p.spec?.nodeName) reason = 'SchedulingGated';
  const init: J[] = p.status?.initContainerStatuses ?? [];
  let initializing = false;
  init.forEach((c, i) => {
    if (initializing) return;
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) return;
    initializing = true;
    if (t)
      reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing')
      reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${(p.spec?.initContainers ?? []).length}`;
  });
  if (!initializing) {
    let running = false;
    for (const c of [...(p.status?.containerStatuses ?? [])].reverse()) {
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated)
        reason = c.state.terminated.signal
          ? `Signal:${c.state.terminated.signal}`
          : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.state?.running && c.ready) running = true;
    }
    if (reason === 'Completed' && running) reason = 'Running';
  }
  if (p.metadata.deletionTimestamp) reason = p.status?.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function servicePorts(s: J): string {
  const ports: J[] = s.spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

interface Column {
  name: string;
  type?: string;
  priority?: number;
  cell: (o: J, now: Date) => unknown;
}

const NAME: Column = { name: 'Name', cell: (o) => o.metadata.name };
const AGE: Column = { name: 'Age', cell: (o, now) => age(o.metadata.creationTimestamp, now) };

const COLUMNS: Record<string, Column[]> = {
  pods: [
    NAME,
    {
      name: 'Ready',
      cell: (p) =>
        `${(p.status?.containerStatuses ?? []).filter((c: J) => c.ready).length}/${(p.spec?.containers ?? []).length}`,
    },
    { name: 'Status', cell: podStatus },
    {
      name: 'Restarts',
      type: 'string',
      cell: (p) =>
        String((p.status?.containerStatuses ?? []).reduce((n: number, c: J) => n + (c.restartCount ?? 0), 0)),
    },
    AGE,
    { name: 'IP', priority: 1, cell: (p) => p.status?.podIP ?? '<none>' },
    { name: 'Node', priority: 1, cell: (p) => p.spec?.nodeName ?? '<none>' },
    { name: 'Nominated Node', priority: 1, cell: (p) => p.status?.nominatedNodeName ?? '<none>' },
    {
      name: 'Readiness Gates',
      priority: 1,
      cell: (p) => ((p.spec?.readinessGates ?? []).length ? String(p.spec.readinessGates.length) : '<none>'),
    },
  ],
  services: [
    NAME,
    { name: 'Type', cell: (s) => s.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', cell: (s) => s.spec?.clusterIP ?? '<none>' },
    {
      name: 'External-IP',
      cell: (s) => (s.spec?.type === 'LoadBalancer' ? '<pending>' : (s.spec?.externalIPs ?? []).join(',') || '<none>'),
    },
    { name: 'Port(s)', cell: servicePorts },
    AGE,
    {
      name: 'Selector',
      priority: 1,
      cell: (s) =>
        Object.entries(s.spec?.selector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
    },
  ],
  namespaces: [NAME, { name: 'Status', cell: (n) => n.status?.phase ?? '' }, AGE],
  nodes: [
    NAME,
    {
      name: 'Status',
      cell: (n) =>
        (n.status?.conditions ?? []).some((c: J) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : 'NotReady',
    },
    {
      name: 'Roles',
      cell: (n) =>
        Object.keys(n.metadata.labels ?? {})
          .filter((k) => k.startsWith('node-role.kubernetes.io/'))
          .map((k) => k.slice(24))
          .join(',') || '<none>',
    },
    AGE,
    { name: 'Version', cell: (n) => n.status?.nodeInfo?.kubeletVersion ?? '' },
    {
      name: 'Internal-IP',
      priority: 1,
      cell: (n) => (n.status?.addresses ?? []).find((a: J) => a.type === 'InternalIP')?.address ?? '<none>',
    },
  ],
  configmaps: [
    NAME,
    {
      name: 'Data',
      type: 'integer',
      cell: (c) => Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length,
    },
    AGE,
  ],
  secrets: [
    NAME,
    { name: 'Type', cell: (s) => s.type ?? '' },
    { name: 'Data', type: 'integer', cell: (s) => Object.keys(s.data ?? {}).length },
    AGE,
  ],
  serviceaccounts: [NAME, { name: 'Secrets', type: 'integer', cell: (s) => (s.secrets ?? []).length }, AGE],
  persistentvolumeclaims: [
    NAME,
    { name: 'Status', cell: (c) => (c.metadata.deletionTimestamp ? 'Terminating' : (c.status?.phase ?? '')) },
    { name: 'Volume', cell: (c) => c.spec?.volumeName ?? '' },
    { name: 'Capacity', cell: (c) => c.status?.capacity?.storage ?? '' },
    {
      name: 'Access Modes',
      cell: (c) =>
        (c.status?.accessModes ?? [])
          .map(
            (m: string) =>
              ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[m] ?? m,
          )
          .join(','),
    },
    { name: 'StorageClass', cell: (c) => c.spec?.storageClassName ?? '<unset>' },
    { name: 'VolumeAttributesClass', cell: (c) => c.spec?.volumeAttributesClassName ?? '<unset>' },
    AGE,
  ],
  persistentvolumes: [
    NAME,
    { name: 'Capacity', cell: (v) => v.spec?.capacity?.storage ?? '' },
    {
      name: 'Access Modes',
      cell: (v) =>
        (v.spec?.accessModes ?? [])
          .map(
            (m: string) =>
              ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[m] ?? m,
          )
          .join(','),
    },
    { name: 'Reclaim Policy', cell: (v) => v.spec?.persistentVolumeReclaimPolicy ?? '' },
    { name: 'Status', cell: (v) => (v.metadata.deletionTimestamp ? 'Terminating' : (v.status?.phase ?? '')) },
    { name: 'Claim', cell: (v) => (v.spec?.claimRef ? `${v.spec.claimRef.namespace}/${v.spec.claimRef.name}` : '') },
    { name: 'StorageClass', cell: (v) => v.spec?.storageClassName ?? '' },
    { name: 'VolumeAttributesClass', cell: (v) => v.spec?.volumeAttributesClassName ?? '<unset>' },
    { name: 'Reason', cell: (v) => v.status?.reason ?? '' },
    AGE,
  ],
  storageclasses: [
    {
      name: 'Name',
      cell: (s) =>
        s.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true'
          ? `${s.metadata.name} (default)`
          : s.metadata.name,
    },
    { name: 'Provisioner', cell: (s) => s.provisioner },
    { name: 'ReclaimPolicy', cell: (s) => s.reclaimPolicy ?? 'Delete' },
    { name: 'VolumeBindingMode', cell: (s) => s.volumeBindingMode ?? 'Immediate' },
    { name: 'AllowVolumeExpansion', cell: (s) => String(s.allowVolumeExpansion ?? false) },
    AGE,
  ],
  events: [
    { name: 'Last Seen', cell: (e, now) => age(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp, now) },
    { name: 'Type', cell: (e) => e.type ?? '' },
    { name: 'Reason', cell: (e) => e.reason ?? '' },
    { name: 'Object', cell: (e) => `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}` },
    { name: 'Message', cell: (e) => String(e.message ?? '').trim() },
  ],
  endpoints: [
    NAME,
    {
      name: 'Endpoints',
      cell: (e) => {
        const list = (e.subsets ?? []).flatMap((s: J) =>
          (s.addresses ?? []).flatMap((a: J) =>
            s.ports?.length ? s.ports.map((p: J) => `${a.ip}:${p.port}`) : [a.ip],
          ),
        );
        return list.length === 0
          ? '<none>'
          : list.length > 3
            ? `${list.slice(0, 3).join(',')} + ${list.length - 3} more...`
            : list.join(',');
      },
    },
    AGE,
  ],
  endpointslices: [
    NAME,
    { name: 'AddressType', cell: (s) => s.addressType },
    { name: 'Ports', cell: (s) => (s.ports ?? []).map((p: J) => p.port).join(',') || '<unset>' },
    { name: 'Endpoints', cell: (s) => (s.endpoints ?? []).flatMap((e: J) => e.addresses).join(',') || '<unset>' },
    AGE,
  ],
};

export function toTable(
  info: ResourceInfo,
  objects: KubeObject[],
  listMeta: Record<string, unknown>,
  now: Date,
): Record<string, unknown> {
  const columns = COLUMNS[info.key] ?? [
    NAME,
    { name: 'Created At', type: 'date', cell: (o: J) => o.metadata.creationTimestamp },
  ];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type ?? 'string',
      format: c.name === 'Name' ? 'name' : '',
      description: '',
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
