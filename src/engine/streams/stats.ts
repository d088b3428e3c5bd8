// docker stats from metrics.k8s.io PodMetrics (metrics-server). Kubernetes gives rates (CPU in nanocores over a
// window, memory working set); Docker's body has cumulative counters the client subtracts. The counters are
// synthesised so the client's formula, (Δcpu / Δsystem) × online_cpus × 100, gives nanocores / 1e9 × 100:
// Δsystem = elapsed ns × online_cpus and Δcpu = nanocores × elapsed seconds. Memory limit: the container's limit,
// else the node's allocatable memory. Network, block I/O and PIDs are not in PodMetrics: zeros.

import { NotImplemented } from '../../errors.ts';
import { ZERO_TIME } from '../../translate/container-state.ts';
import type { Pod } from '../../translate/kube-types.ts';
import { parseByteQuantity, parseCpuQuantity } from '../../translate/quantity.ts';
import { MAIN_CONTAINER } from '../../translate/record.ts';
import type { ContainerLookup, FoundContainer } from '../containers/lookup.ts';
import { nodeNameOf } from './logs.ts';
import { MetricsUnavailable, type PodMetrics, type PodStreams } from './pod-streams.ts';

export interface CpuStats {
  cpu_usage: { total_usage: number; usage_in_kernelmode: number; usage_in_usermode: number; percpu_usage?: number[] };
  system_cpu_usage: number;
  online_cpus: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface Sample {
  /** epoch ms of the reading */
  at: number;
  nanoCores: number;
  memoryBytes: number;
}

const zeroCpu = (): CpuStats => ({
  cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
  system_cpu_usage: 0,
  online_cpus: 0,
  throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
});

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** The main container's usage in a PodMetrics. */
export function sampleOf(m: PodMetrics, at: number): Sample {
  const c = m.containers.find((x) => x.name === MAIN_CONTAINER) ?? m.containers[0];
  return {
    at,
    nanoCores: Math.round(parseCpuQuantity(c?.usage.cpu) * 1e9),
    memoryBytes: parseByteQuantity(c?.usage.memory),
  };
}

export function memoryLimitOf(pod: Pod): number {
  const main = pod.spec.containers.find((c) => c.name === MAIN_CONTAINER);
  return parseByteQuantity(main?.resources?.limits?.memory);
}

/** Accumulates synthetic counters across samples of one stats stream. */
export class StatsAccumulator {
  #total = 0;
  #prev?: { cpu: CpuStats; at: number };
  readonly #onlineCpus: number;

  constructor(onlineCpus: number) {
    this.#onlineCpus = Math.max(1, Math.ceil(onlineCpus));
  }

  /** cpu_stats and precpu_stats for a sample. The first one gets a precpu one second earlier (or zeros). */
  next(s: Sample, zeroPre: boolean): { cpu: CpuStats; pre: CpuStats; preAt?: number } {
    const online = this.#onlineCpus;
    const make = (total: number, at: number): CpuStats => ({
      cpu_usage: { total_usage: Math.round(total), usage_in_kernelmode: 0, usage_in_usermode: Math.round(total) },
      system_cpu_usage: Math.round(at * 1e6 * online),
      online_cpus: online,
      throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
    });
    let pre: CpuStats;
    let preAt: number | undefined;
    if (this.#prev) {
      pre = this.#prev.cpu;
      preAt = this.#prev.at;
      this.#total += (s.nanoCores * (s.at - this.#prev.at)) / 1000;
    } else if (zeroPre) {
      pre = zeroCpu();
      this.#total = s.nanoCores; // one second's worth
    } else {
      this.#total = s.nanoCores;
      pre = make(0, s.at - 1000);
      preAt = s.at - 1000;
    }
    const cpu = make(this.#total, s.at);
    this.#prev = { cpu, at: s.at };
    return { cpu, pre, preAt };
  }
}

export function statsBody(
  c: Pick<FoundContainer, 'id' | 'name'>,
  s: Sample | undefined,
  acc: StatsAccumulator,
  memoryLimit: number,
  zeroPre: boolean,
): Record<string, unknown> {
  const base = {
    name: `/${c.name}`,
    id: c.id,
    pids_stats: { current: 0 },
    blkio_stats: {
      io_service_bytes_recursive: null,
      io_serviced_recursive: null,
      io_queue_recursive: null,
      io_service_time_recursive: null,
      io_wait_time_recursive: null,
      io_merged_recursive: null,
      io_time_recursive: null,
      sectors_recursive: null,
    },
    num_procs: 0,
    storage_stats: {},
  };
  if (!s) {
    return {
      read: ZERO_TIME,
      preread: ZERO_TIME,
      ...base,
      cpu_stats: zeroCpu(),
      precpu_stats: zeroCpu(),
      memory_stats: {},
    };
  }
  const { cpu, pre, preAt } = acc.next(s, zeroPre);
  return {
    read: iso(s.at),
    preread: preAt === undefined ? ZERO_TIME : iso(preAt),
    ...base,
    cpu_stats: cpu,
    precpu_stats: pre,
    memory_stats: { usage: s.memoryBytes, stats: {}, limit: memoryLimit },
    networks: {
      eth0: {
        rx_bytes: 0,
        rx_packets: 0,
        rx_errors: 0,
        rx_dropped: 0,
        tx_bytes: 0,
        tx_packets: 0,
        tx_errors: 0,
        tx_dropped: 0,
      },
    },
  };
}

export interface StatsDeps {
  lookup: ContainerLookup;
  pods: PodStreams;
  now?: () => number;
  intervalMs?: number;
}

const NO_METRICS =
  'docker stats needs the Kubernetes metrics API (metrics.k8s.io, served by metrics-server), which this cluster does not serve';

export async function* containerStats(
  deps: StatsDeps,
  ref: string,
  o: { stream: boolean; oneShot: boolean; signal: AbortSignal },
): AsyncGenerator<Record<string, unknown>> {
  const now = deps.now ?? Date.now;
  const first = deps.lookup.findContainer(ref);
  const nodes = new Map<string, { cpu: number; memory: number } | undefined>();
  const allocatable = async (node: string | undefined) => {
    if (!node) return undefined;
    if (!nodes.has(node)) nodes.set(node, await deps.pods.nodeAllocatable(node));
    return nodes.get(node);
  };
  let acc: StatsAccumulator | undefined;
  let firstSample = true;
  for (;;) {
    const c = deps.lookup.byId(first.id);
    if (!c) return;
    let sample: Sample | undefined;
    let limit = 0;
    if (c.state.status === 'running') {
      let m: PodMetrics | undefined;
      try {
        m = await deps.pods.podMetrics(c.current.metadata.name ?? '', o.signal);
      } catch (err) {
        if (err instanceof MetricsUnavailable) {
          if (firstSample) throw new NotImplemented(`${NO_METRICS}: ${err.message}`);
          return;
        }
        if (firstSample) throw err;
        return;
      }
      const node = await allocatable(nodeNameOf(c.current));
      acc ??= new StatsAccumulator(node?.cpu ?? 1);
      limit = memoryLimitOf(c.current) || node?.memory || 0;
      if (m) sample = sampleOf(m, now());
    }
    acc ??= new StatsAccumulator(1);
    yield statsBody(c, sample, acc, limit, o.oneShot);
    firstSample = false;
    if (!o.stream || o.signal.aborted) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, deps.intervalMs ?? 1000);
      function done() {
        clearTimeout(t);
        o.signal.removeEventListener('abort', done);
        resolve();
      }
      o.signal.addEventListener('abort', done, { once: true });
    });
    if (o.signal.aborted) return;
  }
}
