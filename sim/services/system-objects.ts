// The objects a cluster's control plane and add-ons keep that no controller of the simulator
// derives: the `kubernetes` Service with the API server's endpoints, the `kube-dns` Service with
// the DNS server as its endpoint (as kubeadm installs CoreDNS), and the node's heartbeat Lease.
import type { ObjectStore } from '../store/types.ts';

const READY = { ready: true, serving: true, terminating: false };

/** `kubernetes` in `default` on the first address of the service range; before bootstrap, which skips what exists. */
export function createKubernetesService(store: ObjectStore, clusterIP: string, apiPort: number): void {
  store.create('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: apiPort }] },
  });
}

export interface SystemEndpointsOptions {
  apiPort: number;
  dnsServiceIP: string;
  /** Where the DNS server listens: the network's gateway. */
  dnsServerIP: string;
  nodeName: string;
}

/**
 * The `kubernetes` Service's Endpoints and EndpointSlice, as the API server's endpoint reconciler
 * keeps them, naming the loopback address the API server listens on (pods reach it through the
 * cluster IP, whose proxy runs on the host); and `kube-dns` in `kube-system`, whose one endpoint is
 * the DNS server on the gateway. Needs the `kube-system` namespace (bootstrap).
 */
export function createSystemEndpoints(store: ObjectStore, o: SystemEndpointsOptions): void {
  const https = [{ name: 'https', port: o.apiPort, protocol: 'TCP' }];
  store.create('endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
    },
    subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: https }],
  });
  store.create('endpointslices', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'kubernetes', 'endpointslice.kubernetes.io/managed-by': 'sim-apiserver' },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: READY }],
    ports: https,
  });

  store.create('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
    },
    spec: {
      clusterIP: o.dnsServiceIP,
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      ],
    },
  });
  const dns = [
    { name: 'dns', port: 53, protocol: 'UDP' },
    { name: 'dns-tcp', port: 53, protocol: 'TCP' },
  ];
  store.create('endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
    subsets: [{ addresses: [{ ip: o.dnsServerIP, nodeName: o.nodeName }], ports: dns }],
  });
  store.create('endpointslices', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': 'sim' },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: [o.dnsServerIP], conditions: READY, nodeName: o.nodeName }],
    ports: dns,
  });
}

/** Creates or renews the node's Lease in `kube-node-lease`, as the kubelet's heartbeat does. */
export function renewNodeLease(store: ObjectStore, nodeName: string): void {
  const spec = {
    holderIdentity: nodeName,
    leaseDurationSeconds: 40,
    renewTime: new Date().toISOString().replace('Z', '000Z'),
  };
  const lease = store.get('leases', 'kube-node-lease', nodeName);
  if (lease) store.update('leases', { ...lease, spec: { ...(lease.spec as object), ...spec } });
  else
    store.create('leases', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: nodeName, namespace: 'kube-node-lease' },
      spec,
    });
}
