// Starting and killing one container instance, as kuberuntime_container.go startContainer /
// killContainer do: image, config, create, start, with the events at each step; preStop, then the
// stop signal and SIGKILL after the grace period.
import fs from 'node:fs/promises';
import path from 'node:path';
import { readLogs, startExec } from '../runtime/container-io.ts';
import { buildContainerConfig } from './container-config.ts';
import type { ContainerRecord, Instance } from './container-record.ts';
import { buildEnv, ConfigError } from './env.ts';
import { ImageError, imageIdOf } from './image-puller.ts';
import type { NodeContext } from './node-context.ts';
import type { Pod } from './types.ts';
import type { PreparedVolume } from './volumes.ts';

export interface PodRuntimeState {
  pod: Pod;
  podDir: string;
  sandboxId: string;
  podIP: string;
  volumes: Map<string, PreparedVolume>;
  resolvPath?: string;
  /** Running container ids by name, for ephemeral containers' targetContainerName. */
  containerIds?: Map<string, string>;
}

export function fieldPathOf(r: ContainerRecord): string {
  const list = r.kind === 'init' ? 'initContainers' : r.kind === 'ephemeral' ? 'ephemeralContainers' : 'containers';
  return `spec.${list}{${r.name}}`;
}

/** An ephemeral container's targetContainerName: it shares that container's process namespace. */
function targetOf(pod: Pod, r: ContainerRecord, st: PodRuntimeState): string | undefined {
  if (r.kind !== 'ephemeral') return undefined;
  const target = (pod.spec.ephemeralContainers ?? []).find((c) => c.name === r.name)?.targetContainerName;
  return target ? st.containerIds?.get(target) : undefined;
}

function terminationLogPath(st: PodRuntimeState, r: ContainerRecord, attempt: number): string {
  return path.join(st.podDir, 'containers', r.name, `${attempt}-termination-log`);
}

/** Creates and starts the next instance; on failure leaves a waiting reason (or a StartError instance). */
export async function startContainer(ctx: NodeContext, st: PodRuntimeState, r: ContainerRecord): Promise<boolean> {
  const { pod } = st;
  const fieldPath = fieldPathOf(r);
  let image: Awaited<ReturnType<typeof ctx.puller.ensure>>;
  try {
    const early = r.prefetch;
    r.prefetch = undefined;
    image = await (early ?? ctx.puller.ensure(pod, r.spec, fieldPath));
  } catch (err) {
    if (err instanceof ImageError) {
      r.waiting = { reason: err.reason, message: err.message };
      return false;
    }
    throw err;
  }
  let env: [string, string][];
  try {
    env = buildEnv(ctx.store, pod, r.spec, { podIP: st.podIP, hostIP: ctx.hostIP, nodeName: ctx.nodeName });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    r.waiting = { reason: 'CreateContainerConfigError', message: err.message };
    ctx.recorder.record(pod, 'Warning', 'Failed', `Error: ${err.message}`, fieldPath);
    return false;
  }
  const attempt = r.current ? r.current.attempt + 1 : 0;
  const logPath = terminationLogPath(st, r, attempt);
  await fs.mkdir(path.dirname(logPath), { recursive: true });
  await fs.writeFile(logPath, '', { mode: 0o666 });
  await fs.chmod(logPath, 0o666);
  const options = buildContainerConfig({
    clusterId: ctx.runtime.clusterId,
    pod,
    container: r.spec,
    kind: r.kind,
    attempt,
    sandboxId: st.sandboxId,
    volumes: st.volumes,
    env,
    files: { hostsPath: path.join(st.podDir, 'etc-hosts'), resolvPath: st.resolvPath, terminationLogPath: logPath },
    imageUser: image.user,
    targetContainerId: targetOf(pod, r, st),
  });
  let id: string;
  try {
    id = await ctx.runtime.createContainer(options);
  } catch (err) {
    const msg = (err as { json?: { message?: string } }).json?.message ?? (err as Error).message;
    r.waiting = { reason: 'CreateContainerError', message: msg };
    ctx.recorder.record(pod, 'Warning', 'Failed', `Error: ${msg}`, fieldPath);
    return false;
  }
  ctx.recorder.record(pod, 'Normal', 'Created', `Created container: ${r.name}`, fieldPath);
  const imageID = imageIdOf(r.spec.image ?? '', image);
  // The kubelet keeps the last dead instance for `logs --previous`; older ones go.
  const older = r.previous;
  if (r.current) r.previous = r.current;
  if (older) void ctx.runtime.remove(older.id).catch(() => {});
  const instance: Instance = { id, attempt, running: false, imageID };
  r.current = instance;
  r.waiting = undefined;
  r.killedBy = undefined;
  try {
    await ctx.runtime.start(id);
  } catch (err) {
    const msg = (err as { json?: { message?: string } }).json?.message ?? (err as Error).message;
    const now = new Date(ctx.now()).toISOString();
    Object.assign(instance, {
      running: false,
      exitCode: 128,
      reason: 'StartError',
      message: msg,
      startedAt: '1970-01-01T00:00:00Z',
      finishedAt: now.replace(/\.\d+Z$/, 'Z'),
    });
    ctx.recorder.record(pod, 'Warning', 'Failed', `Error: ${msg}`, fieldPath);
    return false;
  }
  const state = await ctx.runtime.inspect(id);
  instance.running = state?.running ?? true;
  instance.startedAt = (state?.startedAt ?? new Date(ctx.now()).toISOString()).replace(/\.\d+Z$/, 'Z');
  r.ready = !r.spec.readinessProbe;
  r.started = !r.spec.startupProbe;
  ctx.recorder.record(pod, 'Normal', 'Started', `Started container ${r.name}`, fieldPath);
  if (state && !state.running) await recordExit(ctx, st, r, state);
  return true;
}

type InspectState = NonNullable<Awaited<ReturnType<NodeContext['runtime']['inspect']>>>;

async function fallbackLog(ctx: NodeContext, id: string): Promise<string> {
  const lines: Buffer[] = [];
  for await (const rec of readLogs(ctx.runtime, id, { follow: false, tail: 80, tty: false })) lines.push(rec.data);
  const all = Buffer.concat(lines);
  return all.subarray(Math.max(0, all.length - 2048)).toString('utf8');
}

/** Fills the instance's terminated state from docker inspect and the termination-message file. */
export async function recordExit(
  ctx: NodeContext,
  st: PodRuntimeState,
  r: ContainerRecord,
  s: InspectState,
): Promise<void> {
  const i = r.current;
  if (!i || i.id !== s.id) return;
  i.running = false;
  i.exitCode = s.exitCode;
  i.reason = s.oomKilled ? 'OOMKilled' : s.exitCode === 0 ? 'Completed' : 'Error';
  i.finishedAt = (s.finishedAt ?? new Date(ctx.now()).toISOString()).replace(/\.\d+Z$/, 'Z');
  if (s.startedAt) i.startedAt = s.startedAt.replace(/\.\d+Z$/, 'Z');
  let message = await fs.readFile(terminationLogPath(st, r, i.attempt), 'utf8').catch(() => '');
  if (!message && s.exitCode !== 0 && r.spec.terminationMessagePolicy === 'FallbackToLogsOnError') {
    message = await fallbackLog(ctx, i.id).catch(() => '');
  }
  i.message = message ? message.slice(0, 4096) : undefined;
  r.ready = false;
  r.started = false;
  r.probes?.stop();
  r.probes = undefined;
}

/** Runs preStop (exec or sleep) within the grace period, then stops the container. */
export async function killContainer(
  ctx: NodeContext,
  st: PodRuntimeState,
  r: ContainerRecord,
  graceSeconds: number,
  message?: string,
): Promise<void> {
  const i = r.current;
  if (!i?.running) return;
  r.probes?.stop();
  r.probes = undefined;
  ctx.recorder.record(st.pod, 'Normal', 'Killing', message ?? `Stopping container ${r.name}`, fieldPathOf(r));
  const started = ctx.now();
  const preStop = r.spec.lifecycle?.preStop;
  if (preStop?.exec?.command?.length) {
    try {
      const h = await startExec(ctx.runtime, i.id, {
        cmd: preStop.exec.command,
        stdin: false,
        stdout: true,
        stderr: true,
        tty: false,
      });
      h.socket.resume();
      await Promise.race([
        new Promise((res) => h.socket.on('close', res)),
        new Promise((res) => setTimeout(res, graceSeconds * 1000)),
      ]);
      h.socket.destroy();
    } catch {
      // FailedPreStopHook; the container is stopped regardless
    }
  } else if (preStop?.sleep) {
    await new Promise((res) => setTimeout(res, Math.min(preStop.sleep!.seconds, graceSeconds) * 1000));
  }
  const left = Math.max(2, graceSeconds - Math.floor((ctx.now() - started) / 1000));
  await ctx.runtime.stop(i.id, left);
  const s = await ctx.runtime.inspect(i.id);
  if (s && !s.running) await recordExit(ctx, st, r, s);
}
