// The simulated node's container runtime: the local Docker Engine through dockerode. A pod is a
// sandbox container (busybox `sleep` under docker-init) on the cluster's bridge network, whose IP
// is the pod IP; the pod's containers join its network and IPC namespaces. Every object carries the
// cluster id label so one cluster's leftovers can be found and removed.
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { dockerImage } from './image-ref.ts';
import { LABEL_CLUSTER, type PodIdentity, podLabels, sandboxName } from './labels.ts';
import { Limiter } from './limiter.ts';

export interface RuntimeOptions {
  /** Labels every Docker object; leftovers with the same id are removed by init(). */
  clusterId: string;
  socketPath?: string;
  /** Docker network for pods; created if missing. Default `badidea-sim-<clusterId>`. */
  networkName?: string;
  /** Subnet for a network this runtime creates, e.g. 10.244.0.0/16; default: Docker picks one. */
  subnet?: string;
  /** Image for sandboxes; default busybox:latest. */
  sandboxImage?: string;
  /** Concurrent Docker calls (long-lived streams are not counted). Default 16. */
  maxConcurrent?: number;
  /** Sandboxes created and started at once. Default 8. */
  maxConcurrentSandboxes?: number;
}

export interface SandboxSpec {
  pod: PodIdentity;
  attempt: number;
  hostname: string;
  domainname?: string;
  shareProcessNamespace?: boolean;
  /** Docker volumes the sandbox holds mounted for the pod's lifetime (tmpfs volumes unmount when unused). */
  holdVolumes?: string[];
}

export interface ContainerState {
  id: string;
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  error: string;
  startedAt?: string;
  finishedAt?: string;
  imageId: string;
  labels: Record<string, string>;
  name: string;
}

export interface ImageInfo {
  id: string;
  repoDigests: string[];
  stopSignal?: string;
  entrypoint?: string[] | null;
  cmd?: string[] | null;
  user?: string;
}

export interface RegistryAuth {
  username?: string;
  password?: string;
  auth?: string;
  serveraddress: string;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

export class DockerRuntime {
  readonly docker: Docker;
  readonly clusterId: string;
  readonly networkName: string;
  readonly sandboxImage: string;
  readonly limiter: Limiter;
  /** Sandboxes being set up at once: few, so that started pods finish before new ones begin. */
  readonly sandboxLimiter: Limiter;
  #subnet?: string;
  #eventStream?: Readable;
  #createdNetwork = false;

  constructor(options: RuntimeOptions) {
    this.docker = new Docker({ socketPath: options.socketPath ?? '/var/run/docker.sock' });
    this.clusterId = options.clusterId;
    this.networkName = options.networkName ?? `badidea-sim-${options.clusterId}`;
    this.sandboxImage = options.sandboxImage ?? 'busybox:latest';
    this.limiter = new Limiter(options.maxConcurrent ?? 16);
    this.sandboxLimiter = new Limiter(options.maxConcurrentSandboxes ?? 8);
    this.#subnet = options.subnet;
  }

  #call<T>(fn: () => Promise<T>, urgent = true): Promise<T> {
    return this.limiter.run(fn, urgent);
  }

  /** Removes this cluster's leftovers from an earlier run, then ensures the pod network exists. */
  async init(): Promise<void> {
    await this.removeAllContainers();
    await this.ensureNetwork();
  }

  async ensureNetwork(): Promise<void> {
    const existing = await this.docker.listNetworks({ filters: { name: [this.networkName] } });
    if (existing.some((n) => n.Name === this.networkName)) return;
    await this.docker.createNetwork({
      Name: this.networkName,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: { [LABEL_CLUSTER]: this.clusterId },
      ...(this.#subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: this.#subnet }] } } : {}),
    });
    this.#createdNetwork = true;
  }

  /** Host-side gateway of the pod network: the node's IP as pods see it. */
  async networkGateway(): Promise<string | undefined> {
    const info = await this.docker.getNetwork(this.networkName).inspect();
    return info?.IPAM?.Config?.[0]?.Gateway;
  }

  async removeAllContainers(): Promise<void> {
    const list = await this.docker.listContainers({
      all: true,
      filters: { label: [`${LABEL_CLUSTER}=${this.clusterId}`] },
    });
    await Promise.all(list.map((c) => this.remove(c.Id)));
  }

  /** Everything this cluster made: containers, then the network if this runtime created it. */
  async cleanup(): Promise<void> {
    this.#eventStream?.destroy();
    await this.removeAllContainers();
    if (this.#createdNetwork)
      await this.docker
        .getNetwork(this.networkName)
        .remove()
        .catch(() => {});
  }

  /** Calls back with the container id whenever one of this cluster's containers dies. */
  async watchDeaths(onDie: (id: string) => void): Promise<void> {
    const stream = (await this.docker.getEvents({
      filters: { type: ['container'], event: ['die'], label: [`${LABEL_CLUSTER}=${this.clusterId}`] },
    })) as Readable;
    this.#eventStream = stream;
    let buf = '';
    stream.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
        if (!line) continue;
        try {
          const ev = JSON.parse(line) as { id?: string; Actor?: { ID?: string } };
          const id = ev.id ?? ev.Actor?.ID;
          if (id) onDie(id);
        } catch {
          // a partial line; the rest arrives with the next chunk
        }
      }
    });
    stream.on('error', () => {});
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    try {
      const info = await this.#call(() => this.docker.getImage(dockerImage(ref)).inspect());
      return {
        id: info.Id,
        repoDigests: info.RepoDigests ?? [],
        stopSignal: (info.Config as { StopSignal?: string }).StopSignal,
        entrypoint: info.Config.Entrypoint as string[] | null,
        cmd: info.Config.Cmd,
        user: info.Config.User,
      };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  /** Pulls through dockerd (and so through its registry mirror); rejects with the daemon's message. */
  async pullImage(ref: string, auth?: RegistryAuth): Promise<void> {
    await this.#call(async () => {
      const stream = (await this.docker.pull(dockerImage(ref), auth ? { authconfig: auth } : {})) as Readable;
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) => {
          const failed = output?.find((o) => o.error);
          if (err) reject(err);
          else if (failed) reject(new Error(failed.error));
          else resolve();
        });
      });
    });
  }

  createSandbox(spec: SandboxSpec): Promise<{ id: string; ip: string }> {
    return this.sandboxLimiter.run(() => this.#createSandbox(spec));
  }

  async #createSandbox(spec: SandboxSpec): Promise<{ id: string; ip: string }> {
    const name = sandboxName(spec.pod, spec.attempt);
    const container = await this.#createNamed(
      {
        name,
        Image: dockerImage(this.sandboxImage),
        Entrypoint: ['sleep'],
        Cmd: ['2147483647'],
        Hostname: spec.hostname,
        Domainname: spec.domainname,
        Labels: podLabels(this.clusterId, spec.pod, 'sandbox', 'POD', spec.attempt),
        HostConfig: {
          Init: true,
          NetworkMode: this.networkName,
          IpcMode: 'shareable',
          LogConfig: { Type: 'none', Config: {} },
          Mounts: (spec.holdVolumes ?? []).map((v) => ({
            Type: 'volume' as const,
            Source: v,
            Target: `/.sim-volumes/${v}`,
          })),
        },
      },
      false,
    );
    // A sandbox start waits for the containers of pods that already have one (see Limiter).
    await this.#call(() => container.start(), false);
    const info = await this.#call(() => container.inspect());
    const ip = info.NetworkSettings.Networks[this.networkName]?.IPAddress ?? '';
    return { id: container.id, ip };
  }

  async createContainer(options: Docker.ContainerCreateOptions): Promise<string> {
    return (await this.#createNamed(options)).id;
  }

  /** Creates; a leftover with the same name (409) is removed and the create retried. */
  async #createNamed(options: Docker.ContainerCreateOptions, urgent = true): Promise<Docker.Container> {
    try {
      return await this.#call(() => this.docker.createContainer(options), urgent);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 409 || !options.name) throw err;
      await this.remove(options.name);
      return this.#call(() => this.docker.createContainer(options), urgent);
    }
  }

  async start(id: string): Promise<void> {
    await this.#call(() => this.docker.getContainer(id).start());
  }

  async inspect(id: string): Promise<ContainerState | undefined> {
    try {
      const info = await this.#call(() => this.docker.getContainer(id).inspect());
      const s = info.State;
      return {
        id: info.Id,
        name: info.Name.replace(/^\//, ''),
        running: s.Running || s.Restarting,
        exitCode: s.ExitCode,
        oomKilled: s.OOMKilled,
        error: s.Error,
        startedAt: s.StartedAt && s.StartedAt !== ZERO_TIME ? s.StartedAt : undefined,
        finishedAt: s.FinishedAt && s.FinishedAt !== ZERO_TIME ? s.FinishedAt : undefined,
        imageId: info.Image,
        labels: info.Config.Labels ?? {},
      };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  /** The container's stop signal (the image's STOPSIGNAL), then SIGKILL after graceSeconds. */
  async stop(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.ceil(graceSeconds)) });
    } catch (err) {
      const code = (err as { statusCode?: number }).statusCode;
      if (code !== 304 && code !== 404) throw err;
    }
  }

  async kill(id: string, signal = 'SIGKILL'): Promise<void> {
    try {
      await this.#call(() => this.docker.getContainer(id).kill({ signal }));
    } catch (err) {
      const code = (err as { statusCode?: number }).statusCode;
      if (code !== 409 && code !== 404) throw err;
    }
  }

  async remove(idOrName: string): Promise<void> {
    try {
      await this.#call(() => this.docker.getContainer(idOrName).remove({ force: true, v: true }));
    } catch (err) {
      const code = (err as { statusCode?: number }).statusCode;
      if (code !== 404 && code !== 409) throw err;
    }
  }

  async listPodContainers(uid: string): Promise<Docker.ContainerInfo[]> {
    return this.#call(() =>
      this.docker.listContainers({
        all: true,
        filters: { label: [`${LABEL_CLUSTER}=${this.clusterId}`, `io.kubernetes.pod.uid=${uid}`] },
      }),
    );
  }
}
