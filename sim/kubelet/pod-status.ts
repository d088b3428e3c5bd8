// Pure functions from spec + container statuses to the pod's phase and kubelet-owned conditions,
// after pkg/kubelet/kubelet_pods.go getPhase and pkg/kubelet/status/generate.go.
import {
  type Container,
  type ContainerStatus,
  isRestartableInit,
  type PodCondition,
  type PodSpec,
  type PodStatus,
} from './types.ts';

type Phase = NonNullable<PodStatus['phase']>;

function find(info: ContainerStatus[], name: string): ContainerStatus | undefined {
  return info.find((s) => s.name === name);
}

function anyRegularContainerStarted(spec: PodSpec, info: ContainerStatus[]): boolean {
  return spec.containers.some((c) => {
    const s = find(info, c.name);
    return !!(s && (s.state.running || s.state.terminated || s.lastState.terminated));
  });
}

/** kubelet getPhase: podIsTerminal means the pod worker has decided the pod will run no more. */
export function getPhase(spec: PodSpec, info: ContainerStatus[], podIsTerminal: boolean): Phase {
  let pendingInitialization = 0;
  let failedInitialization = 0;
  const inits = spec.initContainers ?? [];
  for (const c of inits) {
    if (isRestartableInit(c)) continue;
    const s = find(info, c.name);
    if (!s) {
      pendingInitialization++;
      continue;
    }
    if (s.state.running) pendingInitialization++;
    else if (s.state.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInitialization++;
    } else if (s.state.waiting) {
      if (s.lastState.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInitialization++;
      } else pendingInitialization++;
    } else pendingInitialization++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of inits) {
    if (!isRestartableInit(c)) continue;
    const s = find(info, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state.running) {
      if (!s.started) pendingInitialization++;
      running++;
    } else if (s.state.terminated) {
      // terminated sidecars do not count
    } else if (s.state.waiting) {
      if (!s.lastState.terminated) {
        pendingInitialization++;
        waiting++;
      }
    } else {
      pendingInitialization++;
      unknown++;
    }
  }
  for (const c of spec.containers) {
    const s = find(info, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting) {
      if (s.lastState.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  const restartPolicy = spec.restartPolicy ?? 'Always';
  if (failedInitialization > 0 && restartPolicy === 'Never') return 'Failed';
  if ((pendingInitialization > 0 && !anyRegularContainerStarted(spec, info)) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function names(list: string[]): string {
  return `[${list.join(' ')}]`;
}

function condition(type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  const c: PodCondition = { type, status: ok ? 'True' : 'False', lastProbeTime: null };
  if (!ok || reason) {
    if (reason) c.reason = reason;
    if (message) c.message = message;
  }
  return c;
}

/** status.GeneratePodInitializedCondition */
export function initializedCondition(spec: PodSpec, statuses: ContainerStatus[], phase: Phase): PodCondition {
  const inits = spec.initContainers ?? [];
  if (inits.length === 0) return condition('Initialized', true);
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of inits) {
    const s = find(statuses, c.name);
    if (!s) {
      unknown.push(c.name);
      continue;
    }
    if (isRestartableInit(c)) {
      if (!s.started) incomplete.push(c.name);
    } else if (!(s.state.terminated && s.state.terminated.exitCode === 0)) incomplete.push(c.name);
  }
  if (incomplete.length === 0 && phase === 'Succeeded' && unknown.length === 0) {
    return condition('Initialized', true, 'PodCompleted');
  }
  // Once a regular container has started the pod stays Initialized (kubelet checks HasAnyRegularContainerStarted).
  if (anyRegularContainerStarted(spec, statuses)) return condition('Initialized', true);
  const msgs: string[] = [];
  if (unknown.length) msgs.push(`containers with unknown status: ${names(unknown)}`);
  if (incomplete.length) msgs.push(`containers with incomplete status: ${names(incomplete)}`);
  if (msgs.length === 0) return condition('Initialized', true);
  return condition('Initialized', false, 'ContainersNotInitialized', msgs.join(', '));
}

/** status.GenerateContainersReadyCondition */
export function containersReadyCondition(spec: PodSpec, statuses: ContainerStatus[], phase: Phase): PodCondition {
  const unknown: string[] = [];
  const unready: string[] = [];
  const considered: Container[] = [...(spec.initContainers ?? []).filter(isRestartableInit), ...spec.containers];
  for (const c of considered) {
    const s = find(statuses, c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) {
    return condition('ContainersReady', false, 'PodCompleted');
  }
  const msgs: string[] = [];
  if (unknown.length) msgs.push(`containers with unknown status: ${names(unknown)}`);
  if (unready.length) msgs.push(`containers with unready status: ${names(unready)}`);
  if (msgs.length) return condition('ContainersReady', false, 'ContainersNotReady', msgs.join(', '));
  return condition('ContainersReady', true);
}

/** status.GeneratePodReadyCondition: ContainersReady plus every readiness gate. */
export function readyCondition(
  spec: PodSpec,
  existing: PodCondition[],
  statuses: ContainerStatus[],
  phase: Phase,
): PodCondition {
  const cr = containersReadyCondition(spec, statuses, phase);
  if (cr.status !== 'True') return { ...cr, type: 'Ready' };
  const missing: string[] = [];
  const unready: string[] = [];
  for (const g of spec.readinessGates ?? []) {
    const c = existing.find((x) => x.type === g.conditionType);
    if (!c) missing.push(g.conditionType);
    else if (c.status !== 'True') unready.push(g.conditionType);
  }
  const msgs: string[] = [];
  if (missing.length) msgs.push(`corresponding condition of pod readiness gate ${names(missing)} does not exist.`);
  if (unready.length) msgs.push(`the status of pod readiness gate ${names(unready)} is not "True".`);
  if (msgs.length) return condition('Ready', false, 'ReadinessGatesNotReady', msgs.join(', '));
  return condition('Ready', true);
}

const KUBELET_CONDITIONS = new Set([
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
  'PodScheduled',
]);

/**
 * The conditions array as generateAPIPodStatus builds it: foreign conditions kept, then the
 * kubelet's own, each keeping its lastTransitionTime while its status does not change.
 */
export function buildConditions(
  spec: PodSpec,
  old: PodCondition[],
  statuses: ContainerStatus[],
  phase: Phase,
  sandboxReady: boolean,
  now: string,
): PodCondition[] {
  const out = old.filter((c) => !KUBELET_CONDITIONS.has(c.type));
  const scheduled = old.find((c) => c.type === 'PodScheduled');
  const generated = [
    condition('PodReadyToStartContainers', sandboxReady),
    initializedCondition(spec, statuses, phase),
    readyCondition(spec, old, statuses, phase),
    containersReadyCondition(spec, statuses, phase),
    scheduled && scheduled.status === 'True' ? scheduled : condition('PodScheduled', true),
  ];
  for (const c of generated) {
    const prev = old.find((o) => o.type === c.type);
    c.lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
    out.push(c);
  }
  return out;
}
