// metrics.k8s.io PodMetrics from `docker stats --no-stream` of the pod's running containers,
// in the units metrics-server reports: CPU in nanocores (n), memory working set in Ki.
import { containerUsage } from '../runtime/container-io.ts';
import type { DockerRuntime } from '../runtime/docker-runtime.ts';
import type { Pod } from './types.ts';

export interface PodMetrics {
  containers: { name: string; usage: { cpu: string; memory: string } }[];
  timestamp: string;
  window: string;
}

/** Undefined when no container of the pod is running (metrics-server then has no entry: 404). */
export async function podMetrics(runtime: DockerRuntime, pod: Pod): Promise<PodMetrics | undefined> {
  const running = (pod.status?.containerStatuses ?? []).filter((s) => s.state.running && s.containerID);
  if (running.length === 0) return undefined;
  const results = await Promise.all(
    running.map(async (s) => {
      try {
        const u = await containerUsage(runtime, s.containerID!.replace(/^docker:\/\//, ''));
        return { name: s.name, u };
      } catch {
        return undefined;
      }
    }),
  );
  const ok = results.filter((r): r is NonNullable<typeof r> => !!r);
  if (ok.length === 0) return undefined;
  const window = Math.max(...ok.map((r) => r.u.windowSeconds));
  return {
    containers: ok.map((r) => ({
      name: r.name,
      usage: { cpu: `${r.u.cpuNanoCores}n`, memory: `${Math.round(r.u.memoryWorkingSetBytes / 1024)}Ki` },
    })),
    timestamp: ok[0].u.timestamp,
    window: `${Number(window.toFixed(3))}s`,
  };
}
