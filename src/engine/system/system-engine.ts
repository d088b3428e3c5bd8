// The system backend: container counts from the watch-fed cache (grouped into Docker containers by translate),
// NCPU / MemTotal / kernel from the nodes' allocatable capacity when badidea may read nodes, the cluster's
// version from the connection's probe.

import type { ClusterVersion, DiskUsage, SystemBackend, SystemInfoFigures } from '../../api/system/backend.ts';
import type { KubeCache } from '../../kube/cache.ts';
import type { KubeClient } from '../../kube/client.ts';
import { kubeStatusOf } from '../../kube/errors.ts';
import type { KubeList, KubeObject } from '../../kube/types.ts';
import { containerState } from '../../translate/container-state.ts';
import { summarizeContainer } from '../../translate/container-summary.ts';
import type { Pod } from '../../translate/kube-types.ts';
import { groupContainers } from '../../translate/record.ts';
import { type NodeCapacity, nodeCapacity } from './node-capacity.ts';

export interface SystemEngineDeps {
  cache: KubeCache;
  client: KubeClient;
  serverVersion: string;
  now?: () => number;
  /** How long node figures are reused (they change rarely; /info is called often). */
  nodesTtlMs?: number;
}

export class SystemEngine implements SystemBackend {
  readonly #d: SystemEngineDeps;
  #nodes?: { at: number; value: Promise<NodeCapacity> };

  constructor(deps: SystemEngineDeps) {
    this.#d = deps;
  }

  async clusterVersion(): Promise<ClusterVersion> {
    await this.#d.client.connection.ready();
    const v = this.#d.client.connection.version;
    let kernelVersion: string | undefined;
    if (this.#d.client.connection.up) {
      kernelVersion = await this.#capacity().then(
        (c) => c.kernelVersion,
        () => undefined,
      );
    }
    return { kubernetesVersion: v?.gitVersion, platform: v?.platform, kernelVersion };
  }

  async info(): Promise<SystemInfoFigures> {
    const { client } = this.#d;
    const now = (this.#d.now ?? Date.now)();
    await this.#d.cache.ready(['pods']);
    const pods = this.#d.cache.lister<Pod & KubeObject>('pods').list() as Pod[];
    const containers = groupContainers(pods).map((c) => containerState({ pod: c.current, record: c.record, now }));
    const count = (s: string) => containers.filter((c) => c.status === s).length;
    const running = count('running') + count('restarting');
    const paused = count('paused');
    const images = new Set(groupContainers(pods).map((c) => c.record.config.Image ?? '')).size;
    const cap = await this.#capacity();
    const conn = client.connection;
    const k8s = conn.version?.gitVersion ?? 'unknown';
    const warnings = [...cap.warnings];
    const { target } = conn.transport;
    return {
      ID: `badidea:${target.name}/${target.namespace}`,
      Containers: containers.length,
      ContainersRunning: running,
      ContainersPaused: paused,
      ContainersStopped: containers.length - running - paused,
      Images: images,
      Driver: 'kubernetes',
      DriverStatus: [
        ['Cluster', target.server],
        ['Context', target.context],
        ['Namespace', target.namespace],
        ['Nodes', String(cap.nodes)],
      ],
      Plugins: { Volume: ['kubernetes'], Network: ['kubernetes'], Authorization: null, Log: ['kubernetes'] },
      MemoryLimit: true,
      SwapLimit: false,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: false,
      PidsLimit: false,
      OomKillDisable: false,
      IPv4Forwarding: true,
      Debug: false,
      NFd: 0,
      NGoroutines: 0,
      SystemTime: new Date(now).toISOString(),
      LoggingDriver: 'kubernetes',
      CgroupDriver: 'kubernetes',
      CgroupVersion: '2',
      NEventsListener: 0,
      KernelVersion: cap.kernelVersion ?? '',
      OperatingSystem: `Kubernetes ${k8s} (badidea ${this.#d.serverVersion})`,
      OSVersion: k8s,
      OSType: 'linux',
      Architecture: cap.architecture ?? '',
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: { IndexConfigs: {}, InsecureRegistryCIDRs: [], Mirrors: [] },
      NCPU: cap.ncpu,
      MemTotal: cap.memTotal,
      GenericResources: null,
      DockerRootDir: '',
      HttpProxy: '',
      HttpsProxy: '',
      NoProxy: '',
      Name: `${target.name}/${target.namespace}`,
      Labels: [
        `badidea.cluster=${target.name}`,
        `badidea.context=${target.context}`,
        `badidea.namespace=${target.namespace}`,
      ],
      ExperimentalBuild: false,
      Runtimes: { kubernetes: { path: 'kubernetes' } },
      DefaultRuntime: 'kubernetes',
      Swarm: {
        NodeID: '',
        NodeAddr: '',
        LocalNodeState: 'inactive',
        ControlAvailable: false,
        Error: '',
        RemoteManagers: null,
      },
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: '',
      ContainerdCommit: { ID: '' },
      RuncCommit: { ID: '' },
      InitCommit: { ID: '' },
      SecurityOptions: ['name=kubernetes'],
      Warnings: warnings,
    };
  }

  async diskUsage(): Promise<DiskUsage> {
    const now = (this.#d.now ?? Date.now)();
    await this.#d.cache.ready(['pods', 'persistentvolumeclaims']);
    const pods = this.#d.cache.lister<Pod & KubeObject>('pods').list() as Pod[];
    const groups = groupContainers(pods);
    const items = groups.map((c) => {
      const state = containerState({ pod: c.current, record: c.record, now });
      return {
        ...summarizeContainer(c.record, state, { now, podIp: c.current.status?.podIP ?? '' }),
        SizeRw: 0,
        SizeRootFs: 0,
      };
    });
    const active = items.filter((i) => i.State === 'running').length;
    const pvcs = this.#d.cache.lister('persistentvolumeclaims').list();
    const volumes = pvcs.map((p) => ({
      Name: p.metadata.labels?.['badidea.dev/volume'] ?? p.metadata.name ?? '',
      Driver: 'kubernetes',
      Mountpoint: '',
      CreatedAt: p.metadata.creationTimestamp ?? '',
      Labels: {},
      Scope: 'local',
      Options: null,
      UsageData: { Size: -1, RefCount: -1 },
    }));
    return {
      containers: { items, active, total: items.length, size: 0, reclaimable: 0 },
      images: { items: [], active: 0, total: 0, size: 0, reclaimable: 0 },
      volumes: { items: volumes, active: 0, total: volumes.length, size: 0, reclaimable: 0 },
    };
  }

  /** Node figures, reused for nodesTtlMs; a 403 (no RBAC on nodes) gives defaults and a warning. */
  #capacity(): Promise<NodeCapacity> {
    const now = (this.#d.now ?? Date.now)();
    const ttl = this.#d.nodesTtlMs ?? 30_000;
    if (!this.#nodes || now - this.#nodes.at > ttl) {
      const value = this.#d.client.list<KubeObject>('/api/v1/nodes', { timeoutMs: 10_000 }).then(
        (list: KubeList) => nodeCapacity(list.items),
        (err) => {
          if (kubeStatusOf(err)?.code === 403) {
            return nodeCapacity(undefined, 'badidea may not read nodes (RBAC): NCPU and MemTotal are reported as 0');
          }
          this.#nodes = undefined;
          throw err;
        },
      );
      this.#nodes = { at: now, value };
    }
    return this.#nodes.value;
  }
}
