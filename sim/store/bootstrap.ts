// What a fresh cluster holds: the system namespaces with their default ServiceAccounts, the one
// node, the default StorageClass and the `kubernetes` Service.
import os from 'node:os';
import { timestamp } from './json.ts';
import type { MemoryStore } from './memory-store.ts';
import type { KubeObject } from './types.ts';

export const NODE_NAME = 'sim-node-1';
export const KUBERNETES_VERSION = 'v1.34.0';
export const DEFAULT_STORAGE_CLASS = 'standard';
export const PROVISIONER = 'sim.badidea.dev/hostpath';

export interface BootstrapOptions {
  nodeName?: string;
  /** The node's InternalIP. */
  nodeIP?: string;
  /** The API server's port, for the `kubernetes` Service's targetPort. */
  apiServerPort?: number;
}

function createIfMissing(store: MemoryStore, resource: string, object: KubeObject): void {
  if (store.get(resource, object.metadata.namespace, object.metadata.name!)) return;
  store.create(resource, object);
}

export function nodeObject(name: string, ip: string, now: Date): KubeObject {
  const memKi = `${Math.floor(os.totalmem() / 1024)}Ki`;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const resources = { cpu: '2', memory: memKi, pods: '110', 'ephemeral-storage': '100Gi', 'hugepages-2Mi': '0' };
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: timestamp(now),
    lastTransitionTime: timestamp(now),
    reason,
    message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': arch,
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': arch,
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node-role.kubernetes.io/control-plane': '',
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: 'sim',
        systemUUID: 'sim',
        bootID: 'sim',
        kernelVersion: os.release(),
        osImage: 'badidea simulated node',
        containerRuntimeVersion: 'docker://sim',
        kubeletVersion: KUBERNETES_VERSION,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: arch,
      },
      images: [],
    },
  };
}

/** Idempotent: creates what is missing. */
export function bootstrap(store: MemoryStore, options: BootstrapOptions = {}): void {
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    createIfMissing(store, 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    createIfMissing(store, 'serviceaccounts', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: name },
    });
  }
  const nodeName = options.nodeName ?? NODE_NAME;
  if (!store.get('nodes', undefined, nodeName)) {
    const node = nodeObject(nodeName, options.nodeIP ?? '127.0.0.1', store.now());
    const created = store.create('nodes', node);
    store.update('nodes', { ...created, status: node.status }, { subresource: 'status' });
  }
  createIfMissing(store, 'storageclasses', {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  });
  createIfMissing(store, 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: options.apiServerPort ?? 6443 }],
    },
  });
}
