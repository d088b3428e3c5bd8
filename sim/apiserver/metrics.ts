// metrics.k8s.io/v1beta1 PodMetrics and NodeMetrics, served from a MetricsSource the node implements
// (the real ones come from metrics-server scraping the kubelets' resource endpoint).
import { notFound } from './status.ts';

export interface ContainerUsage {
  name: string;
  cpuNanoCores: number;
  memoryWorkingSetBytes: number;
}

export interface PodUsage {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  creationTimestamp?: string;
  timestamp: Date;
  windowSeconds: number;
  containers: ContainerUsage[];
}

export interface NodeUsage {
  name: string;
  labels?: Record<string, string>;
  timestamp: Date;
  windowSeconds: number;
  cpuNanoCores: number;
  memoryWorkingSetBytes: number;
}

/** Implemented by the simulated kubelet; pods without a sample yet are simply absent (404 as in real). */
export interface MetricsSource {
  podMetrics(): PodUsage[] | Promise<PodUsage[]>;
  nodeMetrics?(): NodeUsage[] | Promise<NodeUsage[]>;
}

const GV = 'metrics.k8s.io/v1beta1';
const cpu = (n: number) => `${Math.round(n)}n`;
const mem = (b: number) => `${Math.round(b / 1024)}Ki`;
const ts = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function podItem(p: PodUsage) {
  return {
    metadata: { name: p.name, namespace: p.namespace, creationTimestamp: ts(new Date()), labels: p.labels ?? {} },
    timestamp: ts(p.timestamp),
    window: `${p.windowSeconds}s`,
    containers: p.containers.map((c) => ({
      name: c.name,
      usage: { cpu: cpu(c.cpuNanoCores), memory: mem(c.memoryWorkingSetBytes) },
    })),
  };
}

function nodeItem(n: NodeUsage) {
  return {
    metadata: { name: n.name, creationTimestamp: ts(new Date()), labels: n.labels ?? {} },
    timestamp: ts(n.timestamp),
    window: `${n.windowSeconds}s`,
    usage: { cpu: cpu(n.cpuNanoCores), memory: mem(n.memoryWorkingSetBytes) },
  };
}

export async function metricsResponse(
  source: MetricsSource,
  resource: 'pods' | 'nodes',
  namespace: string | undefined,
  name: string | undefined,
): Promise<unknown> {
  if (resource === 'pods') {
    const pods = (await source.podMetrics()).filter((p) => !namespace || p.namespace === namespace);
    if (name !== undefined) {
      const p = pods.find((x) => x.name === name);
      if (!p) throw notFound({ group: 'metrics.k8s.io', resource: 'podmetrics' }, `${namespace}/${name}`);
      return { kind: 'PodMetrics', apiVersion: GV, ...podItem(p) };
    }
    return { kind: 'PodMetricsList', apiVersion: GV, metadata: {}, items: pods.map(podItem) };
  }
  const nodes = source.nodeMetrics ? await source.nodeMetrics() : [];
  if (name !== undefined) {
    const n = nodes.find((x) => x.name === name);
    if (!n) throw notFound({ group: 'metrics.k8s.io', resource: 'nodemetrics' }, name);
    return { kind: 'NodeMetrics', apiVersion: GV, ...nodeItem(n) };
  }
  return { kind: 'NodeMetricsList', apiVersion: GV, metadata: {}, items: nodes.map(nodeItem) };
}
