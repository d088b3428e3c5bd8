// The Kubernetes side of the stream engines, bound to one cluster and namespace: pod logs, exec and attach
// sessions, pod metrics. An interface so the engines can be tested without a cluster.

import type { Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.ts';
import { kubeStatusOf } from '../../kube/errors.ts';
import { openAttach } from '../../kube/streams/attach.ts';
import { openExec, type RemoteCommandSession, type TerminalSize } from '../../kube/streams/exec.ts';
import { type LogStream, podLogs, serverKnowsLogStream } from '../../kube/streams/logs.ts';
import type { KubeObject } from '../../kube/types.ts';
import { parseByteQuantity, parseCpuQuantity } from '../../translate/quantity.ts';
import { MAIN_CONTAINER } from '../../translate/record.ts';

export interface LogRequest {
  follow?: boolean;
  previous?: boolean;
  timestamps?: boolean;
  sinceTime?: string;
  tailLines?: number;
  stream?: LogStream;
  signal?: AbortSignal;
}

export interface SessionRequest {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  initialSize?: TerminalSize;
  signal?: AbortSignal;
}

/** metrics.k8s.io/v1beta1 PodMetrics. */
export interface PodMetrics {
  timestamp?: string;
  window?: string;
  containers: { name: string; usage: { cpu?: string; memory?: string } }[];
}

export interface PodStreams {
  logs(pod: string, o: LogRequest): Promise<Readable>;
  exec(pod: string, command: readonly string[], o: SessionRequest): Promise<RemoteCommandSession>;
  attach(pod: string, o: SessionRequest): Promise<RemoteCommandSession>;
  /** Whether pods/log may be asked for one stream (stdout or stderr); false when the server is too old. */
  splitStreamsKnown(): boolean;
  /**
   * The pod's metrics; undefined when the pod has no sample (yet). Throws MetricsUnavailable when the cluster does
   * not serve metrics.k8s.io at all.
   */
  podMetrics(pod: string, signal?: AbortSignal): Promise<PodMetrics | undefined>;
  /** A node's allocatable cpu (cores) and memory (bytes); undefined when it cannot be read (RBAC). */
  nodeAllocatable(node: string): Promise<{ cpu: number; memory: number } | undefined>;
}

export class MetricsUnavailable extends Error {}

export interface KubePodStreamsDeps {
  kc: KubeConfig;
  client: KubeClient;
}

/** The real implementation over src/kube/streams and the JSON client. */
export class KubePodStreams implements PodStreams {
  readonly #kc: KubeConfig;
  readonly #client: KubeClient;

  constructor(deps: KubePodStreamsDeps) {
    this.#kc = deps.kc;
    this.#client = deps.client;
  }

  get #namespace(): string {
    return this.#client.namespace;
  }

  logs(pod: string, o: LogRequest): Promise<Readable> {
    return podLogs({ kc: this.#kc, namespace: this.#namespace, pod, container: MAIN_CONTAINER, ...o });
  }

  exec(pod: string, command: readonly string[], o: SessionRequest): Promise<RemoteCommandSession> {
    return openExec({ kc: this.#kc, namespace: this.#namespace, pod, container: MAIN_CONTAINER, command, ...o });
  }

  attach(pod: string, o: SessionRequest): Promise<RemoteCommandSession> {
    return openAttach({ kc: this.#kc, namespace: this.#namespace, pod, container: MAIN_CONTAINER, ...o });
  }

  splitStreamsKnown(): boolean {
    const v = this.#client.connection.version?.gitVersion;
    const m = v ? /^v?(\d+)\.(\d+)/.exec(v) : null;
    // Unknown version: try; a server that refuses says so (LogStreamUnsupportedError).
    return m ? serverKnowsLogStream({ major: m[1], minor: m[2] }) : true;
  }

  async podMetrics(pod: string, signal?: AbortSignal): Promise<PodMetrics | undefined> {
    const path = `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(this.#namespace)}/pods/${encodeURIComponent(pod)}`;
    try {
      return await this.#client.request<PodMetrics>('GET', path, undefined, { signal });
    } catch (err) {
      const status = kubeStatusOf(err);
      if (status?.code === 404) {
        // A missing sample names the podmetrics object; a missing API is the bare "could not find the resource".
        const details = status.details as { name?: string; kind?: string; group?: string } | undefined;
        if (details?.name || details?.group === 'metrics.k8s.io' || details?.kind === 'podmetrics') return undefined;
        throw new MetricsUnavailable(status.message ?? 'metrics.k8s.io is not served');
      }
      if (status?.code === 503) throw new MetricsUnavailable(status.message ?? 'metrics.k8s.io is unavailable');
      throw err;
    }
  }

  async nodeAllocatable(node: string): Promise<{ cpu: number; memory: number } | undefined> {
    try {
      const n = await this.#client.get<KubeObject & { status?: { allocatable?: Record<string, string> } }>(
        `/api/v1/nodes/${encodeURIComponent(node)}`,
      );
      const a = n.status?.allocatable ?? {};
      return { cpu: parseCpuQuantity(a.cpu), memory: parseByteQuantity(a.memory) };
    } catch {
      return undefined;
    }
  }
}
