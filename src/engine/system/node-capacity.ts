// Sums the nodes' allocatable CPU and memory (what pods can actually get), in Docker's units.

import type { KubeObject } from '../../kube/types.ts';

export interface NodeCapacity {
  nodes: number;
  ncpu: number;
  memTotal: number;
  kernelVersion?: string;
  architecture?: string;
  warnings: string[];
}

interface NodeShape {
  status?: {
    allocatable?: Record<string, string>;
    nodeInfo?: { kernelVersion?: string; architecture?: string };
  };
  spec?: { unschedulable?: boolean };
}

/** "3500m" → 3.5; "4" → 4. */
export function parseCpu(q: string | undefined): number {
  if (!q) return 0;
  if (q.endsWith('m')) return Number(q.slice(0, -1)) / 1000;
  return Number(q) || 0;
}

const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  m: 1e-3,
};

/** Kubernetes quantity → bytes ("16318420Ki", "8G", "1e9"). */
export function parseBytes(q: string | undefined): number {
  if (!q) return 0;
  const m = /^([0-9.]+(?:e[0-9]+)?)([A-Za-z]*)$/.exec(q.trim());
  if (!m) return 0;
  return Math.round(Number(m[1]) * (m[2] ? (SUFFIX[m[2]] ?? 1) : 1));
}

export function nodeCapacity(nodes: readonly KubeObject[] | undefined, warning?: string): NodeCapacity {
  if (!nodes) return { nodes: 0, ncpu: 0, memTotal: 0, warnings: warning ? [warning] : [] };
  let cpu = 0;
  let mem = 0;
  const usable = nodes.filter((n) => !(n as NodeShape).spec?.unschedulable);
  for (const n of usable) {
    const a = (n as NodeShape).status?.allocatable ?? {};
    cpu += parseCpu(a.cpu);
    mem += parseBytes(a.memory);
  }
  const info = (usable[0] as NodeShape | undefined)?.status?.nodeInfo;
  return {
    nodes: usable.length,
    ncpu: Math.floor(cpu),
    memTotal: mem,
    kernelVersion: info?.kernelVersion,
    architecture: info?.architecture,
    warnings: usable.length === 0 ? ['the cluster has no schedulable nodes'] : [],
  };
}
