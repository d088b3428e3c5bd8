// The simulated node's kubelet: watches the pods bound to its node through the in-process store
// and runs one PodWorker per pod; the only writer of pod status. Also the node's streaming server
// (PodSubresources: logs, exec, attach, port-forward) and its metrics source.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { MetricsSource, PodUsage } from '../apiserver/metrics.ts';
import type { PodSubresources, PodTarget } from '../apiserver/pod-subresources.ts';
import { serveAttach } from '../apiserver/streams/attach.ts';
import { serveExec } from '../apiserver/streams/exec.ts';
import { serveLog } from '../apiserver/streams/log.ts';
import { servePortForward } from '../apiserver/streams/portforward.ts';
import { DockerRuntime } from '../runtime/docker-runtime.ts';
import type { ObjectStore } from '../store/types.ts';
import { Backoff } from './backoff.ts';
import { EventRecorder } from './events.ts';
import { ImagePuller } from './image-puller.ts';
import { type PodMetrics, podMetrics } from './metrics.ts';
import type { NodeContext } from './node-context.ts';
import { PodWorker } from './pod-worker.ts';
import type { Pod } from './types.ts';

export interface KubeletOptions {
  store: ObjectStore;
  /** Pods with spec.nodeName equal to this run here. Default sim-node-1. */
  nodeName?: string;
  /** Labels every Docker object; a start removes leftovers with the same id. */
  clusterId: string;
  /** Host directory for pod directories (volumes, hosts files). */
  stateDir: string;
  /** Existing runtime, else one is made from the options below. */
  runtime?: DockerRuntime;
  networkName?: string;
  subnet?: string;
  socketPath?: string;
  maxConcurrentDockerCalls?: number;
  /** The cluster DNS server IP(s) for ClusterFirst pods; without it pods get Docker's resolver. */
  clusterDNS?: string[];
  clusterDomain?: string;
  /** resolv.conf content for dnsPolicy Default; default: the host's /etc/resolv.conf. */
  hostResolvConf?: string;
  /** The node IP reported as status.hostIP; default: the pod network's gateway. */
  hostIP?: string;
  /** CrashLoopBackOff / image pull back-off base and cap (kubelet: 10s, 300s). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Periodic re-sync of each pod worker (the kubelet's is 1 min; default 10s). */
  resyncMs?: number;
  /** Probe timing multiplier for tests (1 = as specified). */
  probeTimeScale?: number;
  /** Token content for projected serviceAccountToken sources. */
  serviceAccountToken?: (pod: Pod, audience: string | undefined, expirationSeconds: number) => string;
  log?: (message: string) => void;
  now?: () => number;
}

function defaultToken(pod: Pod): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const sub = `system:serviceaccount:${pod.metadata.namespace}:${pod.spec.serviceAccountName ?? 'default'}`;
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: 'https://kubernetes.default.svc.cluster.local', sub })}.`;
}

export class Kubelet implements PodSubresources {
  readonly nodeName: string;
  readonly runtime: DockerRuntime;
  readonly store: ObjectStore;
  #ctx?: NodeContext;
  #options: KubeletOptions;
  #workers = new Map<string, PodWorker>();
  #stopWatch?: () => void;

  constructor(options: KubeletOptions) {
    this.#options = options;
    this.store = options.store;
    this.nodeName = options.nodeName ?? 'sim-node-1';
    this.runtime =
      options.runtime ??
      new DockerRuntime({
        clusterId: options.clusterId,
        networkName: options.networkName,
        subnet: options.subnet,
        socketPath: options.socketPath,
        maxConcurrent: options.maxConcurrentDockerCalls,
      });
  }

  /** Removes leftovers, ensures the network, then starts watching pods. */
  async start(): Promise<void> {
    const o = this.#options;
    await this.runtime.init();
    const now = o.now ?? Date.now;
    const hostIP = o.hostIP ?? (await this.runtime.networkGateway()) ?? '127.0.0.1';
    const recorder = new EventRecorder(this.store, this.nodeName);
    const base = o.backoffBaseMs ?? 10_000;
    const max = o.backoffMaxMs ?? 300_000;
    let hostResolv = o.hostResolvConf;
    if (hostResolv === undefined) {
      try {
        hostResolv = readFileSync('/etc/resolv.conf', 'utf8');
      } catch {
        hostResolv = '';
      }
    }
    this.#ctx = {
      store: this.store,
      runtime: this.runtime,
      recorder,
      puller: new ImagePuller({
        runtime: this.runtime,
        recorder,
        backoff: new Backoff(base, max, now),
        getSecret: (ns, name) => this.store.get('secrets', ns, name),
        now,
      }),
      crashBackoff: new Backoff(base, max, now),
      nodeName: this.nodeName,
      hostIP,
      stateDir: o.stateDir,
      dns: { clusterDNS: o.clusterDNS, clusterDomain: o.clusterDomain ?? 'cluster.local', hostResolvConf: hostResolv },
      probeTimeScale: o.probeTimeScale ?? 1,
      resyncMs: o.resyncMs ?? 10_000,
      now,
      serviceAccountToken: o.serviceAccountToken ?? defaultToken,
      log: o.log ?? (() => {}),
    };
    await this.runtime.watchDeaths((id) => {
      for (const w of this.#workers.values()) if (w.ownsContainer(id)) w.containerDied(id);
    });
    this.#stopWatch = this.store.watch<Pod>('pods', undefined, {}, (ev) => {
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED') this.#podChanged(ev.object);
      else if (ev.type === 'DELETED') this.#workers.get(ev.object.metadata.uid ?? '')?.podDeleted();
    });
  }

  #podChanged(pod: Pod): void {
    if (pod.spec?.nodeName !== this.nodeName || !this.#ctx) return;
    const uid = pod.metadata.uid ?? '';
    const existing = this.#workers.get(uid);
    if (existing) {
      existing.update(pod);
      return;
    }
    // A terminal pod seen again after a restart of the simulator has nothing left to run.
    const phase = pod.status?.phase;
    if ((phase === 'Succeeded' || phase === 'Failed') && !pod.metadata.deletionTimestamp) return;
    const w = new PodWorker(this.#ctx, pod, () => this.#workers.delete(uid));
    this.#workers.set(uid, w);
    w.kick();
  }

  /** Evicts a pod as node-pressure eviction does: containers killed, phase Failed, reason Evicted. */
  evict(namespace: string, name: string, message = 'The node was low on resource: memory. '): boolean {
    for (const w of this.#workers.values()) {
      if (w.pod.metadata.namespace === namespace && w.pod.metadata.name === name) {
        this.#ctx?.recorder.record(w.pod, 'Warning', 'Evicted', message);
        w.evict('Evicted', message);
        return true;
      }
    }
    return false;
  }

  /** metrics.k8s.io usage of a running pod (docker stats, no stream). */
  podMetrics(pod: Pod): Promise<PodMetrics | undefined> {
    return podMetrics(this.runtime, pod);
  }

  /** The API server's MetricsSource: every running pod on this node, sampled now. */
  metricsSource(): MetricsSource {
    return {
      podMetrics: async () => {
        const out: PodUsage[] = [];
        const pods = [...this.#workers.values()].map((w) => w.pod);
        const samples = await Promise.all(pods.map((p) => this.podMetrics(p).catch(() => undefined)));
        pods.forEach((p, i) => {
          const m = samples[i];
          if (!m) return;
          out.push({
            namespace: p.metadata.namespace ?? 'default',
            name: p.metadata.name ?? '',
            labels: p.metadata.labels,
            timestamp: new Date(m.timestamp),
            windowSeconds: Number.parseFloat(m.window),
            containers: m.containers.map((c) => ({
              name: c.name,
              cpuNanoCores: Number.parseInt(c.usage.cpu, 10),
              memoryWorkingSetBytes: Number.parseInt(c.usage.memory, 10) * 1024,
            })),
          });
        });
        return out;
      },
    };
  }

  log(target: PodTarget, req: IncomingMessage, res: ServerResponse): void {
    serveLog(this.runtime, target, req, res);
  }

  upgrade(
    kind: 'exec' | 'attach' | 'portforward',
    target: PodTarget,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void {
    if (kind === 'exec') serveExec(this.runtime, target, req, socket, head, this.#options.log);
    else if (kind === 'attach') serveAttach(this.runtime, target, req, socket, head, this.#options.log);
    else servePortForward(target, req, socket, head);
  }

  /** Stops watching and the pod workers (after their current sync, at most 5 s); containers keep running. */
  stop(): Promise<void> {
    this.#stopWatch?.();
    this.#stopWatch = undefined;
    const workers = [...this.#workers.values()];
    for (const w of workers) w.shutdown();
    this.#workers.clear();
    const idle = Promise.all(workers.map((w) => w.idle())).then(() => {});
    // A sync can sit in a long Docker wait (a container that outlives its grace period, a busy dockerd): seen
    // hanging a test's cleanup for minutes. cleanup() force-removes the containers anyway, so do not wait on it.
    return Promise.race([idle, new Promise<void>((resolve) => setTimeout(resolve, 5000).unref())]);
  }

  /** Stops, then removes every container, tmpfs volume and the network this cluster created. */
  async cleanup(): Promise<void> {
    await this.stop();
    await this.runtime.cleanup();
    const vols = await this.runtime.docker
      .listVolumes({ filters: { label: [`sim.badidea.dev/cluster=${this.runtime.clusterId}`] } })
      .catch(() => undefined);
    for (const v of vols?.Volumes ?? [])
      await this.runtime.docker
        .getVolume(v.Name)
        .remove()
        .catch(() => {});
  }

  /** For tests: the worker of a pod, to await its end. */
  workerFor(uid: string): PodWorker | undefined {
    return this.#workers.get(uid);
  }
}
