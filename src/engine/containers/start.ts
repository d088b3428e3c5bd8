// docker start: a created container's pod loses its start gate; an exited one gets its next generation (a new pod,
// same ID, name and config). Then wait on cache events until it runs (or ran), or fail fast with Docker-like errors:
// a command that cannot be executed is a 400 whose text makes the CLI exit 127/126, an image the cluster cannot pull
// or a pod no node can take is reported as the cluster said it.

import { Conflict, Internal, InvalidParameter, NotFound, NotModified, Unavailable } from '../../errors.ts';
import { WaitTimeout } from '../../kube/cache.ts';
import type { KubeObject } from '../../kube/types.ts';
import { ZERO_TIME } from '../../translate/container-state.ts';
import { nextGeneration } from '../../translate/new-container.ts';
import { buildPod, startPatch } from '../../translate/pod-spec.ts';
import { MAIN_CONTAINER } from '../../translate/record.ts';
import { type EngineContext, isGated, isTerminal } from './context.ts';
import type { FoundContainer } from './lookup.ts';

const PULL_FAILURES = /^(ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull)\b/;
const EXEC_FAILURE = /executable file not found|no such file or directory|permission denied/;

export async function startContainer(ctx: EngineContext, ref: string): Promise<void> {
  const c = ctx.lookup.findContainer(ref);
  const s = c.state;
  if (s.status === 'running' || s.status === 'restarting') throw new NotModified('container already started');
  if (s.status === 'paused') throw new Conflict('cannot start a paused container, try unpause instead');
  if (s.status === 'removing') throw new Conflict(`cannot start container ${ref}: it is being removed`);

  let generation = c.record.generation;
  if (s.status === 'created' && s.starting && !isTerminal(c.current)) {
    // Already started and on its way (another client's start, or a pull in progress): wait with it.
  } else {
    // Its claims exist, can bind and may be shared (a clear 409 instead of a pod that never schedules).
    await ctx.volumes.checkStart(c.record);
    // Host ports are bound before the run exists ("port is already allocated" leaves the container as it was) and
    // recorded on its pod (src/engine/ports).
    const ports = await ctx.ports.reserve(c);
    try {
      if (s.status === 'created' && isGated(c.current) && !c.record.lastState) {
        await ctx.client.patch<KubeObject>(ctx.client.corePath('pods', c.current.metadata.name ?? ''), {
          ...startPatch(),
          ...(Object.keys(ports.annotations).length > 0 ? { metadata: { annotations: ports.annotations } } : {}),
        });
      } else {
        generation = await runNextGeneration(ctx, c, ports.annotations);
      }
    } catch (err) {
      ports.release();
      throw err;
    }
  }
  await waitStarted(ctx, c, generation);
}

/** Creates the next run of a container that ran (or failed to start) and collects old generations. */
export async function runNextGeneration(
  ctx: EngineContext,
  c: FoundContainer,
  annotations: Record<string, string> = {},
): Promise<number> {
  const next = nextGeneration(c.record, ctx.podOptions(c.record));
  next.pod.metadata.annotations = { ...next.pod.metadata.annotations, ...annotations };
  await ctx.createPod(next.pod);
  await ctx.collectGenerations(c.id, next.record.generation);
  return next.record.generation;
}

async function waitStarted(ctx: EngineContext, c: FoundContainer, generation: number): Promise<void> {
  let last = c;
  try {
    await ctx.lookup.waitFor(
      c.id,
      (x) => {
        if (!x) throw new NotFound(`No such container: ${c.id}: it was removed while starting`);
        last = x;
        if (x.record.generation < generation) return undefined;
        if (x.record.generation > generation) return true; // another client restarted it
        return started(x) ? true : failure(x);
      },
      { timeoutMs: ctx.startTimeoutMs, what: `container ${c.name} to start` },
    );
  } catch (err) {
    if (err instanceof WaitTimeout) {
      const doing = last.state.error || describePending(last);
      throw new Unavailable(
        `container ${c.name} did not start within ${Math.round(ctx.startTimeoutMs / 1000)}s (${doing}); it keeps starting in the cluster: docker ps shows when it runs, docker rm -f ${c.name} gives up`,
      );
    }
    if (err instanceof InvalidParameter || err instanceof Internal || err instanceof Unavailable) {
      await holdFailedRun(ctx, last).catch((e) =>
        ctx.log.warn('could not end a failed start', { container: c.id, error: String(e) }),
      );
    }
    throw err;
  }
}

function started(x: FoundContainer): boolean {
  const s = x.state;
  if (s.status === 'running' || s.status === 'restarting') return true;
  return s.status === 'exited' && s.startedAt !== ZERO_TIME;
}

/** A start failure as Docker reports it, or undefined while the start may still succeed. */
function failure(x: FoundContainer): undefined {
  const s = x.state;
  const cs = x.current.status?.containerStatuses?.find((k) => k.name === MAIN_CONTAINER);
  const error = s.error;
  if (s.status === 'exited' || s.status === 'dead') {
    throw new Internal(`container ${x.name} ended before it ran: ${error || x.current.status?.reason || 'unknown'}`);
  }
  if (s.status !== 'created' || !error) return undefined;
  if (EXEC_FAILURE.test(error) || cs?.state?.terminated?.reason === 'StartError') {
    // The CLI maps "executable file not found" / "no such file or directory" to 127, "permission denied" to 126.
    const detail = error.replace(/^[A-Za-z]+Error: /, '');
    throw new InvalidParameter(
      /OCI runtime/.test(detail)
        ? detail
        : `failed to create task for container: failed to create shim task: OCI runtime create failed: ${detail}`,
    );
  }
  if (PULL_FAILURES.test(error)) {
    throw new Internal(
      `cannot start container ${x.name}: the cluster could not pull image ${x.record.config.Image} (${x.record.imageRef}): ${error}`,
    );
  }
  if (/^(CreateContainerConfigError|CreateContainerError|RunContainerError|PreCreateHookError)\b/.test(error)) {
    throw new Internal(`cannot start container ${x.name}: ${error}`);
  }
  if (/^Unschedulable\b/.test(error)) {
    throw new Unavailable(
      `cannot start container ${x.name}: no node of the cluster can run it now (${error}); lower its resource requests (--memory, --cpus) or free capacity`,
    );
  }
  return undefined;
}

function describePending(x: FoundContainer): string {
  const pod = x.current;
  if (
    !(pod.spec as { nodeName?: string }).nodeName &&
    !pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'True')
  ) {
    return 'its pod is not scheduled yet';
  }
  const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
  return waiting?.reason ? `its container is ${waiting.reason}` : 'its pod is starting';
}

/**
 * A failed start leaves the container created (as dockerd does) instead of letting the kubelet retry on its own:
 * a pod still retrying (pull back-off, unschedulable) is replaced by a gated next generation.
 */
async function holdFailedRun(ctx: EngineContext, x: FoundContainer): Promise<void> {
  if (isTerminal(x.current)) return;
  const record = { ...x.record, generation: x.record.generation + 1, stoppedByUser: false };
  const { lastState: _drop, ...rest } = record;
  const built = buildPod(rest, { ...ctx.podOptions(x.record), gated: true });
  await ctx.createPod(built.pod);
  await ctx.deletePod(x.current.metadata.name ?? '');
}
