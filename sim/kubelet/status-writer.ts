// generateAPIPodStatus + the status manager: builds the pod status from the worker's records and
// writes it through the status subresource when it changed. The kubelet is its only writer.
import type { ObjectStore } from '../store/types.ts';
import { type ContainerRecord, toContainerStatus } from './container-record.ts';
import { buildConditions, getPhase } from './pod-status.ts';
import { parseQuantity } from './quantity.ts';
import type { Pod, PodStatus } from './types.ts';

export interface StatusInput {
  pod: Pod;
  records: Map<string, ContainerRecord>;
  podIsTerminal: boolean;
  podIP?: string;
  hostIP: string;
  sandboxReady: boolean;
  startTime?: string;
  terminal?: { reason: string; message: string };
  now: string;
}

/** v1qos.GetPodQOS, for pods the API server did not already classify. */
export function qosClass(pod: Pod): string {
  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      const l = parseQuantity(lim[r]);
      const q = parseQuantity(req[r]) ?? l;
      if (l !== undefined || q !== undefined) any = true;
      if (l === undefined || q !== l) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function buildPodStatus(input: StatusInput): PodStatus {
  const { pod } = input;
  const old = pod.status ?? {};
  const hasInit = (pod.spec.initContainers ?? []).length > 0;
  const initStatuses = (pod.spec.initContainers ?? []).map((c) =>
    toContainerStatus(input.records.get(c.name)!, hasInit),
  );
  const appStatuses = pod.spec.containers
    .map((c) => toContainerStatus(input.records.get(c.name)!, hasInit))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let phase = getPhase(pod.spec, [...appStatuses, ...initStatuses], input.podIsTerminal);
  if (input.terminal) phase = 'Failed';
  if ((old.phase === 'Failed' || old.phase === 'Succeeded') && phase !== old.phase) phase = old.phase;
  const status: PodStatus = { ...old, phase };
  status.conditions = buildConditions(
    pod.spec,
    old.conditions ?? [],
    [...initStatuses, ...appStatuses],
    phase,
    input.sandboxReady,
    input.now,
  );
  status.hostIP = input.hostIP;
  status.hostIPs = [{ ip: input.hostIP }];
  if (input.podIP) {
    status.podIP = input.podIP;
    status.podIPs = [{ ip: input.podIP }];
  }
  if (input.startTime) status.startTime = input.startTime;
  if (initStatuses.length) status.initContainerStatuses = initStatuses;
  else delete status.initContainerStatuses;
  status.containerStatuses = appStatuses;
  const ephemeral = (pod.spec.ephemeralContainers ?? [])
    .map((c) => input.records.get(c.name))
    .filter((r): r is ContainerRecord => !!r)
    .map((r) => toContainerStatus(r, false));
  if (ephemeral.length) status.ephemeralContainerStatuses = ephemeral;
  status.qosClass = old.qosClass ?? qosClass(pod);
  if (input.terminal) {
    status.reason = input.terminal.reason;
    status.message = input.terminal.message;
  }
  return status;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Writes the status if it differs from the stored one; returns the stored pod after the write. */
export function writePodStatus(store: ObjectStore, pod: Pod, status: PodStatus): Pod | undefined {
  for (let attempt = 0; attempt < 3; attempt++) {
    const fresh = store.get<Pod>('pods', pod.metadata.namespace, pod.metadata.name ?? '');
    if (!fresh || fresh.metadata.uid !== pod.metadata.uid) return undefined;
    // Conditions others own (readiness gates, DisruptionTarget) may have changed since.
    const merged: PodStatus = { ...status };
    const own = new Set((status.conditions ?? []).map((c) => c.type));
    const foreign = (fresh.status?.conditions ?? []).filter(
      (c) =>
        !own.has(c.type) ||
        !['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].includes(c.type),
    );
    merged.conditions = [
      ...foreign.filter((c) => !(status.conditions ?? []).some((s) => s.type === c.type)),
      ...(status.conditions ?? []),
    ];
    if (canonical(merged) === canonical(fresh.status ?? {})) return fresh;
    try {
      return store.update<Pod>('pods', { ...fresh, status: merged }, { subresource: 'status' });
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err;
    }
  }
  return undefined;
}
