// What the system routes need from the engine, in Docker's vocabulary.

export interface ClusterVersion {
  /** e.g. "v1.32.0"; undefined while the cluster is unreachable. */
  kubernetesVersion?: string;
  platform?: string;
  /** A node's kernel, when nodes are readable. */
  kernelVersion?: string;
}

export interface SystemInfoFigures {
  /** Docker's /info body minus the fields the API layer fills (ServerVersion, API figures). */
  [field: string]: unknown;
}

export interface DiskUsage {
  containers: { items: unknown[]; active: number; total: number; size: number; reclaimable: number };
  images: { items: unknown[]; active: number; total: number; size: number; reclaimable: number };
  volumes: { items: unknown[]; active: number; total: number; size: number; reclaimable: number };
}

export interface SystemBackend {
  /** Never throws for a cluster that is down: /version must answer. */
  clusterVersion(): Promise<ClusterVersion>;
  /** Throws Unavailable when the cluster cannot be reached. */
  info(): Promise<SystemInfoFigures>;
  diskUsage(): Promise<DiskUsage>;
}
