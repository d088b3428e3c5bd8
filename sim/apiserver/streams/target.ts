// Which container a streaming request means, as the API server (validateContainer in
// pkg/registry/core/pod/strategy.go) and the kubelet resolve it.
import type { ContainerStatus, Pod } from '../../kubelet/types.ts';
import { badRequest, type StatusError } from '../status.ts';

function allNames(pod: Pod): string[] {
  return [
    ...(pod.spec.initContainers ?? []).map((c) => c.name),
    ...pod.spec.containers.map((c) => c.name),
    ...(pod.spec.ephemeralContainers ?? []).map((c) => c.name),
  ];
}

/** The container name, defaulted when the pod has exactly one container; throws the API server's 400. */
export function validateContainer(pod: Pod, container: string | null): string {
  const name = pod.metadata.name ?? '';
  if (!container) {
    if (pod.spec.containers.length === 1) return pod.spec.containers[0].name;
    if (pod.spec.containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${allNames(pod).join(' ')}]`);
  }
  if (!allNames(pod).includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

export function containerStatusOf(pod: Pod, container: string): ContainerStatus | undefined {
  const s = pod.status ?? {};
  return [
    ...(s.initContainerStatuses ?? []),
    ...(s.containerStatuses ?? []),
    ...(s.ephemeralContainerStatuses ?? []),
  ].find((c) => c.name === container);
}

export function dockerId(containerID: string | undefined): string {
  return (containerID ?? '').replace(/^[a-z]+:\/\//, '');
}

/** The running container's Docker id, or undefined. */
export function runningContainerId(pod: Pod, container: string): string | undefined {
  const cs = containerStatusOf(pod, container);
  if (!cs?.state.running || !cs.containerID) return undefined;
  return dockerId(cs.containerID);
}

export function noHost(pod: Pod): StatusError | undefined {
  if (!pod.spec.nodeName) return badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  return undefined;
}

/** Query booleans as the API server parses them: true/1 (and the other strconv.ParseBool trues). */
export function queryBool(q: URLSearchParams, key: string): boolean {
  const v = q.get(key);
  return v !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}
