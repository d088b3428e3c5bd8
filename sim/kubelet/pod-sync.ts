// The container half of SyncPod (kuberuntime_manager.go computePodActions + SyncPod): init
// containers one at a time in order (sidecars stay running once started), then the app containers;
// exited containers restart under the restart policy with CrashLoopBackOff back-off.

import { fieldPathOf, type PodRuntimeState, startContainer } from './container-ops.ts';
import { type ContainerRecord, shouldRestart } from './container-record.ts';
import type { NodeContext } from './node-context.ts';
import { ContainerProbes, probeLabel } from './prober.ts';

/** Go's time.Duration.String() for whole seconds: 10s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`;
}

function ensureProbes(ctx: NodeContext, rt: PodRuntimeState, r: ContainerRecord, wake: (ms?: number) => void): void {
  const c = r.spec;
  const cur = r.current;
  if (!cur?.running || r.probes || !(c.livenessProbe || c.readinessProbe || c.startupProbe)) return;
  const id = cur.id;
  const fieldPath = fieldPathOf(r);
  const grace = (kind: 'liveness' | 'startup') =>
    (kind === 'liveness' ? c.livenessProbe : c.startupProbe)?.terminationGracePeriodSeconds ??
    rt.pod.spec.terminationGracePeriodSeconds ??
    30;
  r.probes = new ContainerProbes(
    ctx.runtime,
    c,
    id,
    rt.podIP,
    {
      started: () => r.started,
      onFailure: (kind, output) => {
        if (r.current?.id !== id) return;
        ctx.recorder.record(rt.pod, 'Warning', 'Unhealthy', `${probeLabel(kind)} probe failed: ${output}`, fieldPath);
      },
      onResult: (kind, ok) => {
        if (r.current?.id !== id || !r.current.running) return;
        if (kind === 'readiness') r.ready = ok;
        else if (kind === 'startup' && ok) r.started = true;
        else if (!ok) {
          r.killedBy = kind;
          ctx.recorder.record(
            rt.pod,
            'Normal',
            'Killing',
            `Container ${r.name} failed ${kind} probe, will be restarted`,
            fieldPath,
          );
          void ctx.runtime.stop(id, Math.max(2, grace(kind))).catch(() => {});
        }
        wake(0);
      },
    },
    ctx.probeTimeScale,
  );
}

async function restartWithBackoff(
  ctx: NodeContext,
  rt: PodRuntimeState,
  r: ContainerRecord,
  wake: (ms?: number) => void,
): Promise<void> {
  const pod = rt.pod;
  const { name, namespace, uid } = pod.metadata;
  const key = `${uid}/${r.name}`;
  const finished = Date.parse(r.current?.finishedAt ?? '') || ctx.now();
  const left = ctx.crashBackoff.remaining(key, finished);
  if (left > 0) {
    const delay = goDuration(ctx.crashBackoff.get(key));
    r.waiting = {
      reason: 'CrashLoopBackOff',
      message: `back-off ${delay} restarting failed container=${r.name} pod=${name}_${namespace}(${uid})`,
    };
    ctx.recorder.record(
      pod,
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${r.name} in pod ${name}_${namespace}(${uid})`,
      fieldPathOf(r),
    );
    wake(left + 5);
    return;
  }
  ctx.crashBackoff.next(key, finished);
  await start(ctx, rt, r, wake);
}

async function start(ctx: NodeContext, rt: PodRuntimeState, r: ContainerRecord, wake: (ms?: number) => void) {
  const ok = await startContainer(ctx, rt, r);
  if (ok) ensureProbes(ctx, rt, r, wake);
  else if (r.waiting) wake(Math.min(1000, ctx.resyncMs));
  else wake(0);
}

export async function syncContainers(
  ctx: NodeContext,
  rt: PodRuntimeState,
  records: Map<string, ContainerRecord>,
  wake: (ms?: number) => void,
  policy: string,
): Promise<{ podDone: boolean }> {
  const all = [...records.values()];
  const inits = all.filter((r) => r.kind === 'init');
  const apps = all.filter((r) => r.kind === 'app');
  for (const r of all) if (r.current?.running) ensureProbes(ctx, rt, r, wake);
  for (const r of inits) {
    const sidecar = r.spec.restartPolicy === 'Always';
    const cur = r.current;
    if (cur?.running) {
      if (sidecar && r.started) continue;
      return { podDone: false };
    }
    if (cur) {
      if (!sidecar && cur.exitCode === 0) continue;
      if (!sidecar && policy === 'Never') return { podDone: true };
      await restartWithBackoff(ctx, rt, r, wake);
      return { podDone: false };
    }
    await start(ctx, rt, r, wake);
    if (!(sidecar && r.current?.running && r.started)) return { podDone: false };
  }
  for (const r of apps) {
    const cur = r.current;
    if (cur?.running) continue;
    if (!cur) await start(ctx, rt, r, wake);
    else if (shouldRestart(r, policy)) await restartWithBackoff(ctx, rt, r, wake);
    else r.waiting = undefined;
  }
  // Ephemeral containers start once the pod runs and never restart.
  rt.containerIds = new Map(
    all.filter((r) => r.current?.running).map((r) => [r.name, r.current!.id] as [string, string]),
  );
  for (const r of all) if (r.kind === 'ephemeral' && !r.current) await start(ctx, rt, r, wake);
  const done = apps.length > 0 && apps.every((r) => r.current && !r.current.running && !shouldRestart(r, policy));
  return { podDone: done };
}
