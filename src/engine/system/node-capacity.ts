// Sums the nodes' allocatable CPU and memory (what pods can actually get), in Docker's units.

import type { KubeObject } from '../../kube/types.ts';
import { parseByteQuantity, parseCpuQuantity } from '../../translate/quantity.ts';

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

export function nodeCapacity(nodes: readonly KubeObject[] | undefined, warning?: string): NodeCapacity {
  if (!nodes) return { nodes: 0, ncpu: 0, memTotal: 0, warnings: warning ? [warning] : [] };
  let cpu = 0;
  let mem = 0;
  const usable = nodes.filter((n) => !(n as NodeShape).spec?.unschedulable);
  for (const n of usable) {
    const a = (n as NodeShape).status?.allocatable ?? {};
    cpu += parseCpuQuantity(a.cpu);
    mem += parseByteQuantity(a.memory);
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
