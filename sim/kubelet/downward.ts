// Downward API values (fieldRef / resourceFieldRef) for env vars and downwardAPI volumes,
// after pkg/fieldpath and pkg/kubelet/kubelet_pods.go podFieldSelectorRuntimeValue.
import { parseQuantity } from './quantity.ts';
import type { Container, ObjectFieldSelector, Pod, ResourceFieldSelector } from './types.ts';

export interface RuntimeFacts {
  podIP?: string;
  hostIP?: string;
  nodeName: string;
}

/** fieldpath.FormatMap: sorted key="value" lines, no trailing newline. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m![k])}`)
    .join('\n');
}

export function fieldRefValue(pod: Pod, ref: ObjectFieldSelector, facts: RuntimeFacts): string {
  const p = ref.fieldPath;
  const meta = pod.metadata;
  const sub = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(p);
  if (sub) {
    const map = (sub[1] === 'labels' ? meta.labels : meta.annotations) ?? {};
    return map[sub[2]] ?? '';
  }
  switch (p) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'spec.nodeName':
      return pod.spec.nodeName ?? facts.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.podIP':
    case 'status.podIPs':
      return facts.podIP ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return facts.hostIP ?? '';
    default:
      throw new Error(`unsupported fieldPath: ${p}`);
  }
}

/** Node allocatable stand-ins when a container has no limit (the kubelet uses the node's allocatable). */
const NODE_CPU = 4;
const NODE_MEMORY = 8 * 2 ** 30;

export function resourceFieldValue(pod: Pod, ref: ResourceFieldSelector, container: Container | undefined): string {
  const c = ref.containerName ? pod.spec.containers.find((x) => x.name === ref.containerName) : container;
  const [kind, res] = ref.resource.split('.');
  const limits = c?.resources?.limits ?? {};
  const requests = c?.resources?.requests ?? {};
  let value: number;
  if (kind === 'limits') value = parseQuantity(limits[res]) ?? (res === 'cpu' ? NODE_CPU : NODE_MEMORY);
  else value = parseQuantity(requests[res]) ?? parseQuantity(limits[res]) ?? 0;
  const divisor = parseQuantity(ref.divisor) || 1;
  return String(Math.ceil(value / divisor));
}
