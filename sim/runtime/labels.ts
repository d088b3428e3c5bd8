// Names and labels of the Docker objects the simulated node creates. Names follow dockershim
// (k8s_<container>_<pod>_<namespace>_<uid>_<attempt>, with POD for the sandbox); labels use the
// io.kubernetes.* keys dockershim used, plus the cluster id so that one cluster's objects can be
// found and removed without touching anything else on the Docker host.

export const LABEL_CLUSTER = 'sim.badidea.dev/cluster';
export const LABEL_KIND = 'sim.badidea.dev/kind';
export const LABEL_RESTART = 'sim.badidea.dev/restart-count';
export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';

export type ContainerKind = 'sandbox' | 'init' | 'app' | 'ephemeral';

export interface PodIdentity {
  name: string;
  namespace: string;
  uid: string;
}

/** Docker allows [a-zA-Z0-9][a-zA-Z0-9_.-]; Kubernetes names are already within that set. */
function sanitize(s: string): string {
  return s.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

export function containerName(pod: PodIdentity, container: string, attempt: number): string {
  return `k8s_${sanitize(container)}_${sanitize(pod.name)}_${sanitize(pod.namespace)}_${pod.uid}_${attempt}`;
}

export function sandboxName(pod: PodIdentity, attempt = 0): string {
  return containerName(pod, 'POD', attempt);
}

export function podLabels(
  clusterId: string,
  pod: PodIdentity,
  kind: ContainerKind,
  container?: string,
  attempt?: number,
): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL_CLUSTER]: clusterId,
    [LABEL_KIND]: kind,
    [LABEL_POD_UID]: pod.uid,
    [LABEL_POD_NAME]: pod.name,
    [LABEL_POD_NAMESPACE]: pod.namespace,
  };
  if (container !== undefined) labels[LABEL_CONTAINER_NAME] = container;
  if (attempt !== undefined) labels[LABEL_RESTART] = String(attempt);
  return labels;
}
