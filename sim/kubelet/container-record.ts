// What the pod worker knows about each container of its pod: the current instance, the previous
// (last terminated) one, the waiting reason between attempts, and probe-driven ready/started.
// toContainerStatus turns it into the API's ContainerStatus (convertToAPIContainerStatuses).
import type { ImageInfo } from '../runtime/docker-runtime.ts';
import { qualifiedImage } from '../runtime/image-ref.ts';
import type { ContainerProbes } from './prober.ts';
import type { Container, ContainerState, ContainerStatus } from './types.ts';

export interface Instance {
  id: string;
  attempt: number;
  running: boolean;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  reason?: string;
  message?: string;
  imageID: string;
}

export interface ContainerRecord {
  name: string;
  kind: 'init' | 'app' | 'ephemeral';
  spec: Container;
  current?: Instance;
  previous?: Instance;
  waiting?: { reason: string; message?: string };
  ready: boolean;
  started: boolean;
  probes?: ContainerProbes;
  /** An image check started early (beside the sandbox start) for the first attempt. */
  prefetch?: Promise<ImageInfo>;
  /** Set when a probe or the kubelet killed the instance on purpose. */
  killedBy?: string;
}

function terminated(i: Instance): ContainerState {
  return {
    terminated: {
      exitCode: i.exitCode ?? 0,
      reason: i.reason,
      ...(i.message ? { message: i.message } : {}),
      startedAt: i.startedAt,
      finishedAt: i.finishedAt,
      containerID: `docker://${i.id}`,
    },
  };
}

export function toContainerStatus(r: ContainerRecord, hasInitContainers: boolean): ContainerStatus {
  const image = qualifiedImage(r.spec.image ?? '');
  const cur = r.current;
  let state: ContainerState;
  let lastState: ContainerState = r.previous ? terminated(r.previous) : {};
  if (cur?.running) state = { running: { startedAt: cur.startedAt } };
  else if (cur && r.waiting) {
    state = { waiting: { reason: r.waiting.reason, ...(r.waiting.message ? { message: r.waiting.message } : {}) } };
    lastState = terminated(cur);
  } else if (cur) state = terminated(cur);
  else {
    const reason = r.waiting?.reason ?? (hasInitContainers ? 'PodInitializing' : 'ContainerCreating');
    state = { waiting: { reason, ...(r.waiting?.message ? { message: r.waiting.message } : {}) } };
  }
  const status: ContainerStatus = {
    name: r.name,
    state,
    lastState,
    ready: !!cur?.running && r.ready,
    restartCount: cur?.attempt ?? 0,
    image,
    imageID: cur?.imageID ?? '',
    started: !!cur?.running && r.started,
  };
  if (cur) status.containerID = `docker://${cur.id}`;
  return status;
}

/** Whether an exited container is to be started again (kubelet ShouldContainerBeRestarted). */
export function shouldRestart(r: ContainerRecord, podPolicy: string): boolean {
  const cur = r.current;
  if (!cur || cur.running || r.kind === 'ephemeral') return false;
  if (r.kind === 'init') {
    if (r.spec.restartPolicy === 'Always') return true;
    return cur.exitCode !== 0 && podPolicy !== 'Never';
  }
  if (podPolicy === 'Never') return false;
  if (podPolicy === 'OnFailure') return cur.exitCode !== 0;
  return true;
}
