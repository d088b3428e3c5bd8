// One pod's worker, after pkg/kubelet/pod_workers.go: SyncPod until the pod is terminal or
// deleted, then TerminatingPod (kill containers with the grace period), then TerminatedPod (final
// status, and for a deleted pod the grace-0 delete of the object and the cleanup of its sandbox,
// containers and volumes). Syncs are serialised; anything can ask for one (pod update, container
// death, back-off expiry, probe result, deadline).
import fs from 'node:fs/promises';
import path from 'node:path';
import { killContainer, type PodRuntimeState, recordExit } from './container-ops.ts';
import type { ContainerRecord } from './container-record.ts';
import type { NodeContext } from './node-context.ts';
import { hostsFile, podHostname, resolvConf } from './pod-dns.ts';
import { syncContainers } from './pod-sync.ts';
import { buildPodStatus, writePodStatus } from './status-writer.ts';
import { metaTime, type Pod } from './types.ts';
import { createTmpfsVolumes, refreshPayloads, setupVolumes, teardownVolumes, VolumeError } from './volumes.ts';

type WorkState = 'sync' | 'terminating' | 'terminated' | 'finished';

export class PodWorker {
  readonly uid: string;
  pod: Pod;
  records = new Map<string, ContainerRecord>();
  rt?: PodRuntimeState;
  state: WorkState = 'sync';
  startTime?: string;
  /** Pod-level terminal reason (DeadlineExceeded, Evicted); the pod is then Failed. */
  terminal?: { reason: string; message: string };
  #ctx: NodeContext;
  #dirty = false;
  #running = false;
  #loopDone: Promise<void> = Promise.resolve();
  #timer?: NodeJS.Timeout;
  #deleted = false;
  #died = new Set<string>();
  #onFinished: () => void;
  #lastPayloadRefresh = 0;
  #lastFullCheck = 0;
  #done: Promise<void>;
  #resolveDone!: () => void;

  constructor(ctx: NodeContext, pod: Pod, onFinished: () => void) {
    this.#ctx = ctx;
    this.pod = pod;
    this.uid = pod.metadata.uid ?? '';
    this.#onFinished = onFinished;
    this.#done = new Promise((r) => {
      this.#resolveDone = r;
    });
    this.startTime = pod.status?.startTime;
    for (const c of pod.spec.initContainers ?? []) {
      this.records.set(c.name, { name: c.name, kind: 'init', spec: c, ready: false, started: false });
    }
    for (const c of pod.spec.containers) {
      this.records.set(c.name, { name: c.name, kind: 'app', spec: c, ready: false, started: false });
    }
  }

  /** Resolves once the worker has finished (pod deleted and cleaned up). */
  get finished(): Promise<void> {
    return this.#done;
  }

  update(pod: Pod): void {
    if (pod.metadata.uid !== this.uid) return;
    const deleting = !!pod.metadata.deletionTimestamp !== !!this.pod.metadata.deletionTimestamp;
    this.pod = pod;
    // Ephemeral containers are only ever appended (pods/ephemeralcontainers).
    let added = false;
    for (const c of pod.spec.ephemeralContainers ?? []) {
      if (this.records.has(c.name)) continue;
      this.records.set(c.name, { name: c.name, kind: 'ephemeral', spec: c, ready: false, started: false });
      added = true;
    }
    if (added && this.state === 'sync') {
      this.kick();
      return;
    }
    // Our own status writes come back here too; only a deletion needs an immediate sync.
    if (deleting) this.kick();
  }

  podDeleted(): void {
    this.#deleted = true;
    this.kick();
  }

  containerDied(id: string): void {
    this.#died.add(id);
    this.kick();
  }

  evict(reason: string, message: string): void {
    if (!this.terminal) this.terminal = { reason, message };
    this.kick();
  }

  ownsContainer(id: string): boolean {
    if (this.rt?.sandboxId === id) return true;
    for (const r of this.records.values()) if (r.current?.id === id || r.previous?.id === id) return true;
    return false;
  }

  /** Stops this worker without touching its containers (the node is shutting down). */
  shutdown(): void {
    this.state = 'finished';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const r of this.records.values()) {
      r.probes?.stop();
      r.probes = undefined;
    }
    this.#resolveDone();
  }

  /** Asks for a sync now, or after `ms`. */
  kick(ms = 0): void {
    if (this.state === 'finished') return;
    if (ms > 0) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.kick();
      }, ms);
      return;
    }
    this.#dirty = true;
    if (!this.#running) this.#loopDone = this.#loop();
  }

  /** Resolves when no sync is in flight. */
  idle(): Promise<void> {
    return this.#loopDone;
  }

  async #loop(): Promise<void> {
    this.#running = true;
    while (this.#dirty && this.state !== 'finished') {
      this.#dirty = false;
      try {
        await this.#syncOnce();
      } catch (err) {
        this.#ctx.log(
          `kubelet: pod ${this.pod.metadata.namespace}/${this.pod.metadata.name}: ${(err as Error).stack ?? err}`,
        );
        if ((this.state as WorkState) !== 'finished') this.kick(this.#ctx.resyncMs);
      }
    }
    this.#running = false;
  }

  #grace(): number {
    const m = this.pod.metadata;
    return m.deletionGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30;
  }

  async #syncOnce(): Promise<void> {
    const ctx = this.#ctx;
    if (this.#deleted) return this.#finish(false);
    if (this.pod.metadata.deletionTimestamp) {
      if (this.state !== 'terminated') await this.#terminate(this.#grace());
      return this.#finish(true);
    }
    if (this.state === 'terminated') return;
    await this.#refreshDead();
    if (!this.startTime) this.startTime = metaTime(ctx.now());
    const deadline = this.pod.spec.activeDeadlineSeconds;
    if (deadline !== undefined && !this.terminal) {
      const left = Date.parse(this.startTime) + deadline * 1000 - ctx.now();
      if (left <= 0) {
        this.terminal = {
          reason: 'DeadlineExceeded',
          message: 'Pod was active on the node longer than the specified deadline',
        };
        ctx.recorder.record(this.pod, 'Normal', 'DeadlineExceeded', this.terminal.message);
      } else this.kick(Math.min(left + 5, ctx.resyncMs));
    }
    if (this.terminal) {
      await this.#terminate(this.pod.spec.terminationGracePeriodSeconds ?? 30);
      this.state = 'terminated';
      this.#write(true);
      return;
    }
    if (!this.rt) {
      // The first status (Pending, ContainerCreating, startTime) before the slow sandbox start.
      this.#write(false);
      const ok = await this.#setUpPod();
      if (!ok) return;
      this.#write(false);
    } else if (ctx.now() - this.#lastPayloadRefresh > ctx.resyncMs) {
      this.#lastPayloadRefresh = ctx.now();
      await refreshPayloads(this.#volumeContext(this.rt.podIP));
    }
    const rt = this.rt!;
    rt.pod = this.pod;
    const outcome = await syncContainers(
      ctx,
      rt,
      this.records,
      (ms) => this.kick(ms),
      this.pod.spec.restartPolicy ?? 'Always',
    );
    if (outcome.podDone) {
      await this.#terminate(this.pod.spec.terminationGracePeriodSeconds ?? 30);
      this.state = 'terminated';
      this.#write(true);
      return;
    }
    this.#write(false);
    this.kick(ctx.resyncMs);
  }

  #volumeContext(podIP: string) {
    const ctx = this.#ctx;
    return {
      store: ctx.store,
      runtime: ctx.runtime,
      pod: this.pod,
      podDir: this.#podDir(),
      facts: { podIP, hostIP: ctx.hostIP, nodeName: ctx.nodeName },
      serviceAccountToken: ctx.serviceAccountToken,
    };
  }

  #podDir(): string {
    return path.join(this.#ctx.stateDir, 'pods', this.uid);
  }

  /** Sandbox, /etc/hosts and resolv.conf, volumes. False (with a retry scheduled) while they cannot be. */
  async #setUpPod(): Promise<boolean> {
    const ctx = this.#ctx;
    const pod = this.pod;
    const podDir = this.#podDir();
    await fs.mkdir(podDir, { recursive: true });
    const domain = ctx.dns.clusterDomain ?? 'cluster.local';
    const { hostname, domain: subdomain } = podHostname(pod, domain);
    // The first container's image is checked (or pulled) while the sandbox starts.
    const first = [...this.records.values()].find((r) => r.kind !== 'ephemeral' && !r.current);
    if (first && !first.prefetch) {
      const fieldPath = `spec.${first.kind === 'init' ? 'initContainers' : 'containers'}{${first.name}}`;
      first.prefetch = ctx.puller.ensure(pod, first.spec, fieldPath);
      first.prefetch.catch(() => {});
    }
    let sandbox: { id: string; ip: string };
    try {
      sandbox = await ctx.runtime.createSandbox({
        pod: { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? 'default', uid: this.uid },
        attempt: 0,
        hostname,
        domainname: pod.spec.setHostnameAsFQDN ? subdomain : undefined,
        holdVolumes: await createTmpfsVolumes(ctx.runtime, pod),
      });
    } catch (err) {
      ctx.recorder.record(
        pod,
        'Warning',
        'FailedCreatePodSandBox',
        `Failed to create pod sandbox: ${(err as Error).message}`,
      );
      this.#write(false);
      this.kick(ctx.resyncMs);
      return false;
    }
    await fs.writeFile(
      path.join(podDir, 'etc-hosts'),
      hostsFile(pod, pod.spec.hostNetwork ? ctx.hostIP : sandbox.ip, domain),
    );
    const resolv = resolvConf(pod, ctx.dns);
    let resolvPath: string | undefined;
    if (resolv !== undefined) {
      resolvPath = path.join(podDir, 'resolv.conf');
      await fs.writeFile(resolvPath, resolv);
    }
    // hostNetwork pods have the node's IP (their containers use Docker's host network).
    const podIP = pod.spec.hostNetwork ? ctx.hostIP : sandbox.ip;
    this.rt = { pod, podDir, sandboxId: sandbox.id, podIP, volumes: new Map(), resolvPath };
    try {
      this.rt.volumes = await setupVolumes(this.#volumeContext(podIP));
      this.#lastPayloadRefresh = ctx.now();
    } catch (err) {
      if (!(err instanceof VolumeError)) throw err;
      ctx.recorder.record(pod, 'Warning', 'FailedMount', err.message);
      const rt = this.rt;
      this.rt = undefined;
      await ctx.runtime.remove(rt.sandboxId);
      this.#write(false, rt.podIP);
      this.kick(Math.min(2000, ctx.resyncMs));
      return false;
    }
    return true;
  }

  /** Instances reported dead (or, on a periodic resync, all running ones) get their exit recorded. */
  async #refreshDead(all = false): Promise<void> {
    if (!this.rt) return;
    const died = this.#died;
    this.#died = new Set();
    // Death events name the containers to look at; a periodic full look catches a missed event.
    const full = all || this.#ctx.now() - this.#lastFullCheck >= this.#ctx.resyncMs;
    if (full) this.#lastFullCheck = this.#ctx.now();
    for (const r of this.records.values()) {
      const i = r.current;
      if (!i?.running || (!full && !died.has(i.id))) continue;
      const s = await this.#ctx.runtime.inspect(i.id);
      if (!s) {
        Object.assign(i, { running: false, exitCode: 137, reason: 'Error', finishedAt: metaTime(this.#ctx.now()) });
        continue;
      }
      if (!s.running) await recordExit(this.#ctx, this.rt, r, s);
    }
  }

  /** Kills running containers (regular ones together, then sidecars in reverse order) and the sandbox. */
  async #terminate(graceSeconds: number): Promise<void> {
    if (this.state === 'terminated' || this.state === 'terminating') return;
    this.state = 'terminating';
    const rt = this.rt;
    if (rt) {
      rt.pod = this.pod;
      await this.#refreshDead(true);
      const running = [...this.records.values()].filter((r) => r.current?.running);
      const sidecars = running.filter((r) => r.kind === 'init').reverse();
      const regular = running.filter((r) => r.kind !== 'init');
      await Promise.all(regular.map((r) => killContainer(this.#ctx, rt, r, graceSeconds)));
      for (const r of sidecars) await killContainer(this.#ctx, rt, r, graceSeconds);
      await this.#ctx.runtime.kill(rt.sandboxId);
    }
    for (const r of this.records.values()) {
      r.probes?.stop();
      r.probes = undefined;
      r.ready = false;
      if (r.current && !r.current.running) r.waiting = undefined;
    }
    this.state = 'terminated';
  }

  /** The end: for a deleted pod, the final status, the grace-0 delete, then removal of everything. */
  async #finish(writeFinal: boolean): Promise<void> {
    const ctx = this.#ctx;
    if (this.state !== 'terminated') await this.#terminate(2);
    if (writeFinal) {
      this.#write(true);
      try {
        const ns = this.pod.metadata.namespace;
        ctx.store.delete('pods', ns, this.pod.metadata.name ?? '', {
          gracePeriodSeconds: 0,
          preconditions: { uid: this.uid },
        });
      } catch {
        // already gone, or replaced by a pod with the same name
      }
    }
    this.state = 'finished';
    if (this.#timer) clearTimeout(this.#timer);
    for (const c of await ctx.runtime.listPodContainers(this.uid).catch(() => [])) await ctx.runtime.remove(c.Id);
    await teardownVolumes(ctx.runtime, this.pod, this.#podDir()).catch(() => {});
    ctx.crashBackoff.resetPrefix(`${this.uid}/`);
    ctx.recorder.forget(this.uid);
    this.#onFinished();
    this.#resolveDone();
  }

  #write(podIsTerminal: boolean, podIP?: string): void {
    const status = buildPodStatus({
      pod: this.pod,
      records: this.records,
      podIsTerminal,
      podIP: this.rt?.podIP ?? podIP,
      hostIP: this.#ctx.hostIP,
      sandboxReady: !!this.rt && this.state === 'sync',
      startTime: this.startTime,
      terminal: this.terminal,
      now: metaTime(this.#ctx.now()),
    });
    const written = writePodStatus(this.#ctx.store, this.pod, status);
    if (written) this.pod = written;
  }
}
