// docker stop / kill / restart. Stop lowers the pod's activeDeadlineSeconds: the kubelet sends the stop signal and
// SIGKILL after the grace period (StopTimeout), and the pod stays with its logs and exit code. When the caller
// cannot wait that long (`-t` below StopTimeout, `docker kill`), the run is cut short: a gated tombstone generation
// records exit 137 and the running pod is deleted at once (its logs go with it). Other signals go in by exec
// `kill -N 1`.

import { Conflict, InvalidParameter, NotFound, NotModified } from '../../errors.ts';
import { WaitTimeout } from '../../kube/cache.ts';
import type { KubeObject } from '../../kube/types.ts';
import { ZERO_TIME } from '../../translate/container-state.ts';
import { tombstoneGeneration } from '../../translate/new-container.ts';
import { DEFAULT_STOP_TIMEOUT, stopPatch } from '../../translate/pod-spec.ts';
import { parseSignal, SIGKILL, SIGTERM, signalDelivery } from '../../translate/signals.ts';
import { containerActor } from '../events/event-bus.ts';
import { type EngineContext, isActive } from './context.ts';
import { translated } from './errors.ts';
import type { FoundContainer } from './lookup.ts';
import { runNextGeneration } from './start.ts';

function stopSignalOf(c: FoundContainer): number {
  return translated(() => (c.record.config.StopSignal ? parseSignal(c.record.config.StopSignal) : SIGTERM));
}

function gracePeriod(c: FoundContainer): number {
  return c.current.spec.terminationGracePeriodSeconds ?? c.record.config.StopTimeout ?? DEFAULT_STOP_TIMEOUT;
}

export async function stopContainer(
  ctx: EngineContext,
  ref: string,
  t: number | undefined,
  signalName: string | undefined,
): Promise<void> {
  const c = ctx.lookup.findContainer(ref);
  if (!isActive(c)) throw new NotModified('container already stopped');
  await stopRun(ctx, c, t, signalName);
  ctx.events.publish({ type: 'container', action: 'stop', actor: containerActor(c.record) });
}

/** Ends the current run and resolves once the cache shows it ended. */
async function stopRun(
  ctx: EngineContext,
  c: FoundContainer,
  t: number | undefined,
  signalName: string | undefined,
): Promise<void> {
  const stopSignal = stopSignalOf(c);
  if (signalName !== undefined && signalName !== '') {
    const wanted = translated(() => parseSignal(signalName));
    if (wanted !== stopSignal && wanted !== SIGKILL) {
      throw new InvalidParameter(
        `docker stop --signal ${signalName} is not possible on badidea: the kubelet stops a pod with its stop signal (${stopSignal}); send the signal with docker kill -s ${signalName}, then docker stop`,
      );
    }
  }
  const grace = gracePeriod(c);
  const timeout = t ?? grace;
  ctx.events.publish({
    type: 'container',
    action: 'kill',
    actor: containerActor(c.record, { signal: String(stopSignal) }),
  });
  if (c.state.status === 'created' || c.state.status === 'restarting' || timeout === 0) {
    // Nothing is running to be signalled (or no time is allowed): end the run now.
    await killNow(ctx, c);
  } else {
    await ctx.client.patch<KubeObject>(
      ctx.client.corePath('pods', c.current.metadata.name ?? ''),
      stopPatch(c.current.status?.startTime, ctx.now()),
    );
    const allowed = timeout < 0 ? undefined : Math.min(timeout, grace) * 1000 + (timeout >= grace ? 30_000 : 0);
    try {
      await ctx.lookup.waitFor(
        c.id,
        (x) => (!x || !isActive(x) || x.record.generation !== c.record.generation ? true : undefined),
        {
          ...(allowed !== undefined ? { timeoutMs: allowed } : {}),
          what: `container ${c.name} to stop`,
        },
      );
      return;
    } catch (err) {
      if (!(err instanceof WaitTimeout)) throw err;
    }
    const now = ctx.lookup.byId(c.id);
    if (!now || !isActive(now) || now.record.generation !== c.record.generation) return;
    await killNow(ctx, now);
  }
  await ctx.lookup.waitFor(c.id, (x) => (!x || !isActive(x) ? true : undefined), {
    timeoutMs: ctx.cacheTimeoutMs,
    what: `container ${c.name} to stop`,
  });
}

/** SIGKILL now: a gated tombstone generation records exit 137, the running pod is deleted without grace. */
async function killNow(ctx: EngineContext, c: FoundContainer): Promise<void> {
  const finishedAt = new Date(ctx.now()).toISOString();
  const startedAt = c.state.startedAt !== ZERO_TIME ? c.state.startedAt : finishedAt;
  const tomb = tombstoneGeneration(
    c.record,
    { exitCode: 137, startedAt, finishedAt, oomKilled: false, error: '' },
    ctx.podOptions(c.record),
  );
  await ctx.createPod(tomb.pod);
  await ctx.deletePod(c.current.metadata.name ?? '', 0);
  await ctx.collectGenerations(c.id, tomb.record.generation);
}

export async function killContainer(ctx: EngineContext, ref: string, rawSignal: string | undefined): Promise<void> {
  const c = ctx.lookup.tryFind(ref);
  // dockerd words this 404 differently from the others.
  if (!c) throw new NotFound(`Cannot kill container: ${ref}: No such container: ${ref}`);
  const signal = rawSignal === undefined || rawSignal === '' ? SIGKILL : translated(() => parseSignal(rawSignal));
  if (!isActive(c)) throw new Conflict(`Cannot kill container: ${ref}: Container ${c.id} is not running`);
  const delivery = signalDelivery(signal, stopSignalOf(c), c.record.hostConfig.Init === true);
  ctx.events.publish({
    type: 'container',
    action: 'kill',
    actor: containerActor(c.record, { signal: String(signal) }),
  });
  if (delivery.via === 'terminate') {
    if (delivery.kill || c.state.status !== 'running') {
      await killNow(ctx, c);
    } else {
      await ctx.client.patch<KubeObject>(
        ctx.client.corePath('pods', c.current.metadata.name ?? ''),
        stopPatch(c.current.status?.startTime, ctx.now()),
      );
    }
    return;
  }
  if (c.state.status !== 'running') {
    throw new Conflict(`Cannot kill container: ${ref}: Container ${c.id} is not running`);
  }
  const result = await ctx.exec(c.current.metadata.name ?? '', delivery.argv);
  if (result.exitCode !== 0) {
    throw new Conflict(
      `Cannot kill container: ${ref}: badidea delivers signal ${signal} by running \`${delivery.argv.join(' ')}\` in the container, which failed (exit ${result.exitCode}${result.output ? `: ${result.output.trim()}` : ''}); the image needs a kill command for signals other than its stop signal and SIGKILL`,
    );
  }
}

export async function restartContainer(
  ctx: EngineContext,
  ref: string,
  t: number | undefined,
  signalName: string | undefined,
): Promise<void> {
  let c = ctx.lookup.findContainer(ref);
  if (isActive(c)) {
    await stopRun(ctx, c, t, signalName);
    c = ctx.lookup.findContainer(c.id);
  }
  const ports = await ctx.ports.reserve(c);
  let generation: number;
  try {
    generation = await runNextGeneration(ctx, c, ports.annotations);
  } catch (err) {
    ports.release();
    throw err;
  }
  await ctx.lookup.waitFor(
    c.id,
    (x) => {
      if (!x) return true;
      if (x.record.generation > generation) return true;
      if (x.record.generation < generation) return undefined;
      const s = x.state;
      if (s.status === 'running' || s.status === 'restarting' || s.status === 'exited') return true;
      if (s.status === 'created' && s.error) return true;
      return undefined;
    },
    { timeoutMs: ctx.startTimeoutMs, what: `container ${c.name} to restart` },
  );
  ctx.events.publish({ type: 'container', action: 'restart', actor: containerActor(c.record) });
}
