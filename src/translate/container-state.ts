// A container's Docker state, derived from its newest pod (and the record on it): created (gated, or starting),
// running, restarting (the kubelet's back-off between policy restarts), exited, removing or dead. Health comes from
// the readiness probe badidea makes of the Healthcheck, plus the kubelet's `Unhealthy` events for failures.

import type { ContainerStateResponse, Health, HealthcheckResult, HealthStatus } from './docker-types.ts';
import type { ContainerStateTerminated, KubeEvent, Pod } from './kube-types.ts';
import { type ContainerRecord, MAIN_CONTAINER, START_GATE } from './record.ts';

export const ZERO_TIME = '0001-01-01T00:00:00Z';

interface Base {
  exitCode: number;
  error: string;
  startedAt: string;
  finishedAt: string;
  oomKilled: boolean;
  restartCount: number;
}

export type ContainerState =
  /** `starting`: started (gate removed) but not running yet: scheduling, pulling, or failing to start (`error`). */
  | (Base & { status: 'created'; starting: boolean })
  | (Base & { status: 'running'; health?: Health })
  | (Base & { status: 'paused' })
  | (Base & { status: 'restarting' })
  | (Base & { status: 'removing' })
  | (Base & { status: 'exited'; health?: Health })
  | (Base & { status: 'dead' });

const START_FAILURE_REASONS = new Set(['StartError', 'ContainerCannotRun']);
const WAITING_ERRORS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreCreateHookError',
  'PostStartHookError',
]);

/** Docker's exit code for a process that could not start (moby daemon/start.go). */
export function startFailureExitCode(message: string): number {
  if (/executable file not found|no such file or directory/.test(message)) return 127;
  if (/permission denied/.test(message)) return 126;
  return 128;
}

function base(partial: Partial<Base> = {}): Base {
  return {
    exitCode: 0,
    error: '',
    startedAt: ZERO_TIME,
    finishedAt: ZERO_TIME,
    oomKilled: false,
    restartCount: 0,
    ...partial,
  };
}

function fromTerminated(t: ContainerStateTerminated, restartCount: number): Base {
  return base({
    exitCode: t.exitCode,
    startedAt: t.startedAt ?? ZERO_TIME,
    finishedAt: t.finishedAt ?? ZERO_TIME,
    oomKilled: t.reason === 'OOMKilled',
    restartCount,
  });
}

export interface StateInput {
  pod: Pod;
  record: ContainerRecord;
  /** epoch ms */
  now: number;
  /** The kubelet's events for this pod (only `Unhealthy` ones are read); optional. */
  events?: readonly KubeEvent[];
}

/** The Docker state of a container from its newest pod. */
export function containerState(input: StateInput): ContainerState {
  const { pod, record } = input;
  const status = pod.status ?? {};
  const cs = status.containerStatuses?.find((c) => c.name === MAIN_CONTAINER);
  const restartCount = cs?.restartCount ?? 0;
  const last = record.lastState;

  if (pod.metadata.deletionTimestamp) {
    const t = cs?.state?.terminated ?? cs?.lastState?.terminated;
    return { status: 'removing', ...(t ? fromTerminated(t, restartCount) : base()) };
  }
  if (pod.spec.schedulingGates?.some((g) => g.name === START_GATE)) {
    if (last) {
      return { status: 'exited', ...base({ ...last, oomKilled: last.oomKilled, error: last.error }) };
    }
    return { status: 'created', starting: false, ...base() };
  }

  const previousFinish = cs?.lastState?.terminated?.finishedAt ?? ZERO_TIME;
  if (cs?.state?.running) {
    const state = base({
      startedAt: cs.state.running.startedAt ?? ZERO_TIME,
      finishedAt: previousFinish,
      restartCount,
    });
    const health = deriveHealth(input, state.startedAt, cs.ready, true);
    return { status: 'running', ...state, ...(health ? { health } : {}) };
  }
  const terminated = cs?.state?.terminated;
  if (terminated) {
    if (START_FAILURE_REASONS.has(terminated.reason ?? '')) {
      const message = terminated.message ?? terminated.reason ?? '';
      return {
        status: 'created',
        starting: false,
        ...base({ exitCode: startFailureExitCode(message), error: message, restartCount }),
      };
    }
    const state = fromTerminated(terminated, restartCount);
    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      const health = deriveHealth(input, state.startedAt, false, false);
      return { status: 'exited', ...state, ...(health ? { health } : {}) };
    }
    return { status: 'restarting', ...state };
  }
  const waiting = cs?.state?.waiting;
  if (waiting?.reason === 'CrashLoopBackOff' && cs?.lastState?.terminated) {
    return { status: 'restarting', ...fromTerminated(cs.lastState.terminated, restartCount) };
  }
  if (waiting && WAITING_ERRORS.has(waiting.reason ?? '')) {
    const message = `${waiting.reason}: ${waiting.message ?? ''}`.trim();
    return {
      status: 'created',
      starting: true,
      ...base({ error: message, exitCode: waiting.reason === 'RunContainerError' ? startFailureExitCode(message) : 0 }),
    };
  }
  if (status.phase === 'Failed' || status.phase === 'Succeeded') {
    // Ended before the container ran or without a status: eviction, deadline, node loss.
    const deadline = status.reason === 'DeadlineExceeded';
    return {
      status: 'exited',
      ...base({
        exitCode: last?.exitCode ?? (deadline ? 137 : status.phase === 'Succeeded' ? 0 : 255),
        error: deadline ? '' : (status.message ?? status.reason ?? ''),
        startedAt: last?.startedAt ?? status.startTime ?? ZERO_TIME,
        finishedAt: last?.finishedAt ?? ZERO_TIME,
      }),
    };
  }
  if (status.phase === 'Unknown') {
    return { status: 'dead', ...base({ error: status.message ?? 'the node running the container is unreachable' }) };
  }
  const unschedulable = status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  return {
    status: 'created',
    starting: true,
    ...base({
      error: unschedulable?.message ? `${unschedulable.reason ?? 'Unschedulable'}: ${unschedulable.message}` : '',
    }),
  };
}

const PROBE_FAILED = /^Readiness probe (failed|errored): ?/;

function eventTime(e: KubeEvent): string {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? ZERO_TIME;
}

/** Docker's State.Health from readiness: undefined when the container has no healthcheck. */
function deriveHealth(input: StateInput, startedAt: string, ready: boolean, running: boolean): Health | undefined {
  const hc = input.record.config.Healthcheck;
  const test = hc?.Test ?? [];
  if (test.length === 0 || test[0] === 'NONE') return undefined;
  const failures = (input.events ?? [])
    .filter((e) => e.reason === 'Unhealthy' && PROBE_FAILED.test(e.message ?? '') && eventTime(e) >= startedAt)
    .sort((a, b) => (eventTime(a) < eventTime(b) ? -1 : 1));
  const failureCount = failures.reduce((n, e) => n + (e.count ?? 1), 0);
  const log: HealthcheckResult[] = failures.map((e) => ({
    Start: eventTime(e),
    End: eventTime(e),
    ExitCode: 1,
    Output: (e.message ?? '').replace(PROBE_FAILED, ''),
  }));
  const readySince = input.pod.status?.conditions?.find(
    (c) => c.type === 'Ready' && c.status === 'True',
  )?.lastTransitionTime;
  let status: HealthStatus;
  let streak = 0;
  if (running && ready) {
    status = 'healthy';
    log.push({ Start: readySince ?? startedAt, End: readySince ?? startedAt, ExitCode: 0, Output: '' });
  } else {
    const retries = hc?.Retries || 3;
    const startPeriodMs = (hc?.StartPeriod ?? 0) / 1e6;
    const inStartPeriod = input.now - Date.parse(startedAt) < startPeriodMs;
    streak = failureCount;
    status = !running || (!inStartPeriod && failureCount >= retries) ? 'unhealthy' : 'starting';
  }
  return { Status: status, FailingStreak: streak, Log: log.slice(-5) };
}

/** The State object of inspect. Pid is 1 (the process's PID in its own namespace) while running, else 0. */
export function stateResponse(state: ContainerState): ContainerStateResponse {
  const running = state.status === 'running' || state.status === 'paused' || state.status === 'restarting';
  const health = 'health' in state ? state.health : undefined;
  return {
    Status: state.status,
    Running: running,
    Paused: state.status === 'paused',
    Restarting: state.status === 'restarting',
    OOMKilled: state.oomKilled,
    Dead: state.status === 'dead',
    Pid: state.status === 'running' ? 1 : 0,
    ExitCode: state.exitCode,
    Error: state.error,
    StartedAt: state.startedAt,
    FinishedAt: state.finishedAt,
    ...(health ? { Health: health } : {}),
  };
}

/** ps `health` filter and Summary.Health: `none` without a healthcheck (or before the first start). */
export function healthStatus(state: ContainerState): HealthStatus {
  return 'health' in state && state.health ? state.health.Status : 'none';
}
