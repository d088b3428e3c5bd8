// The resources the simulated API server serves: one table that drives storage, discovery, routing,
// status-subresource semantics and deletion responses.

export interface SubresourceInfo {
  name: string;
  kind: string;
  verbs: string[];
  /** group/version of the subresource's kind when it differs (pods/eviction → policy/v1 Eviction). */
  group?: string;
  version?: string;
}

export interface ResourceInfo {
  /** The store key: the plural name ('pods'), except where two groups share a plural. */
  key: string;
  resource: string;
  singular: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  subresources: SubresourceInfo[];
  /** Has a /status subresource: the main endpoint keeps the stored status, /status keeps the stored spec. */
  statusSubresource: boolean;
  /** DELETE returns the object (ReturnDeletedObject) instead of a Success Status. */
  returnDeletedObject: boolean;
  /** Not stored: served by a handler of its own (metrics, reviews). */
  virtual?: boolean;
}

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS = ['get', 'patch', 'update'];

function r(
  resource: string,
  kind: string,
  gv: string,
  namespaced: boolean,
  extra: Partial<ResourceInfo> = {},
): ResourceInfo {
  const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
  return {
    key: resource,
    resource,
    singular: kind.toLowerCase(),
    kind,
    group,
    version,
    namespaced,
    verbs: CRUD,
    subresources: [],
    statusSubresource: false,
    returnDeletedObject: false,
    ...extra,
  };
}

const status = (kind: string): SubresourceInfo => ({ name: 'status', kind, verbs: STATUS_VERBS });

export const RESOURCES: readonly ResourceInfo[] = [
  r('namespaces', 'Namespace', 'v1', false, {
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }, status('Namespace')],
    statusSubresource: true,
  }),
  r('nodes', 'Node', 'v1', false, {
    shortNames: ['no'],
    subresources: [
      { name: 'proxy', kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
      status('Node'),
    ],
    statusSubresource: true,
  }),
  r('pods', 'Pod', 'v1', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'ephemeralcontainers', kind: 'Pod', verbs: STATUS_VERBS },
      { name: 'eviction', kind: 'Eviction', verbs: ['create'], group: 'policy', version: 'v1' },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      { name: 'proxy', kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
      status('Pod'),
    ],
    statusSubresource: true,
    returnDeletedObject: true,
  }),
  r('services', 'Service', 'v1', true, {
    shortNames: ['svc'],
    categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [
      { name: 'proxy', kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
      status('Service'),
    ],
    statusSubresource: true,
    returnDeletedObject: true,
  }),
  r('endpoints', 'Endpoints', 'v1', true, { shortNames: ['ep'], singular: 'endpoints' }),
  r('configmaps', 'ConfigMap', 'v1', true, { shortNames: ['cm'] }),
  r('secrets', 'Secret', 'v1', true),
  r('serviceaccounts', 'ServiceAccount', 'v1', true, {
    shortNames: ['sa'],
    returnDeletedObject: true,
    subresources: [
      { name: 'token', kind: 'TokenRequest', verbs: ['create'], group: 'authentication.k8s.io', version: 'v1' },
    ],
  }),
  r('persistentvolumeclaims', 'PersistentVolumeClaim', 'v1', true, {
    shortNames: ['pvc'],
    subresources: [status('PersistentVolumeClaim')],
    statusSubresource: true,
    returnDeletedObject: true,
  }),
  r('persistentvolumes', 'PersistentVolume', 'v1', false, {
    shortNames: ['pv'],
    subresources: [status('PersistentVolume')],
    statusSubresource: true,
    returnDeletedObject: true,
  }),
  r('events', 'Event', 'v1', true, { shortNames: ['ev'] }),
  r('endpointslices', 'EndpointSlice', 'discovery.k8s.io/v1', true),
  r('storageclasses', 'StorageClass', 'storage.k8s.io/v1', false, { shortNames: ['sc'] }),
  // the core Events seen as events.k8s.io/v1 (one storage; sim/apiserver/events-v1.ts converts)
  r('events', 'Event', 'events.k8s.io/v1', true, { key: 'events.events.k8s.io', shortNames: ['ev'], virtual: true }),
  r('networkpolicies', 'NetworkPolicy', 'networking.k8s.io/v1', true, { shortNames: ['netpol'] }),
  r('leases', 'Lease', 'coordination.k8s.io/v1', true),
  r('selfsubjectaccessreviews', 'SelfSubjectAccessReview', 'authorization.k8s.io/v1', false, {
    verbs: ['create'],
    virtual: true,
  }),
  r('pods', 'PodMetrics', 'metrics.k8s.io/v1beta1', true, {
    key: 'pods.metrics.k8s.io',
    verbs: ['get', 'list'],
    virtual: true,
  }),
  r('nodes', 'NodeMetrics', 'metrics.k8s.io/v1beta1', false, {
    key: 'nodes.metrics.k8s.io',
    verbs: ['get', 'list'],
    virtual: true,
  }),
];

export function groupVersion(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** By store key ('pods', 'events.events.k8s.io'). */
export function resourceByKey(key: string): ResourceInfo | undefined {
  return RESOURCES.find((i) => i.key === key);
}

/** By URL: group ('' for core), version and plural. */
export function resourceByPath(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((i) => i.group === group && i.version === version && i.resource === resource);
}

export function requireResource(key: string): ResourceInfo {
  const info = resourceByKey(key);
  if (!info || info.virtual) throw new Error(`unknown resource ${key}`);
  return info;
}
