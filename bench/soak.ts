// The soak's mixed operations and the server's RSS over time, used by bench/scale.ts (which starts the soak's ten
// minutes with its burst of concurrent runs). Each iteration, by two workers at a time: run -d, exec, logs, ps -a,
// inspect, cp into the container, run --rm, rm -f. Failures are counted by message, never thrown.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from '../test/helpers/badidea.ts';
import { BENCH_LABEL, type BenchSetup, round, rssMiB, runTag, type Stats, stats } from './helpers.ts';

const WORKERS = 2;

export interface SoakResult {
  iterations: number;
  dockerCommands: number;
  failed: number;
  errors?: Record<string, number>;
  containersLeft: number;
  commandMs: Record<string, Stats>;
}

export function mixedOperations(s: BenchSetup) {
  const tag = runTag();
  const file = join(mkdtempSync(join(tmpdir(), 'bench-soak-')), 'small.txt');
  writeFileSync(file, 'x'.repeat(64 * 1024));
  let ops = 0;
  let iterations = 0;
  const errors = new Map<string, number>();
  const ms = new Map<string, number[]>();
  const op = async (args: string[]) => {
    const t0 = performance.now();
    const r = await docker(args, s.env, 120_000);
    const what = args[0] === 'run' ? `run ${args[1]}` : (args[0] ?? '');
    ms.set(what, [...(ms.get(what) ?? []), performance.now() - t0]);
    ops++;
    if (r.code !== 0) {
      const key = `docker ${args[0]}: ${r.stderr.trim().split('\n')[0]}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
  };
  const iteration = async (worker: number, i: number) => {
    const name = `soak-${tag}-${worker}-${i}`;
    const loop = 'while :; do date; sleep 1; done';
    await op(['run', '-d', '--name', name, '--label', BENCH_LABEL, 'busybox', 'sh', '-c', loop]);
    await op(['exec', name, 'sh', '-c', 'echo exec; ls / >/dev/null']);
    await op(['logs', name]);
    await op(['ps', '-a']);
    await op(['inspect', name]);
    await op(['cp', file, `${name}:/tmp/`]);
    await op(['run', '--rm', '--label', BENCH_LABEL, 'busybox', 'echo', 'hello']);
    await op(['rm', '-f', name]);
    iterations++;
  };
  return {
    /** One iteration (first CLI start, first pod, JIT), not counted. */
    async warmUp() {
      await iteration(WORKERS, 0);
      iterations = 0;
      ops = 0;
      errors.clear();
      ms.clear();
    },
    /** Iterations until `endAt` (performance.now() time). */
    async run(endAt: number): Promise<SoakResult> {
      await Promise.all(
        Array.from({ length: WORKERS }, async (_, w) => {
          for (let i = 0; performance.now() < endAt; i++) await iteration(w, i);
        }),
      );
      const left = (await docker(['ps', '-aq'], s.env)).stdout.split('\n').filter(Boolean).length;
      return {
        iterations,
        dockerCommands: ops,
        failed: [...errors.values()].reduce((a, b) => a + b, 0),
        ...(errors.size ? { errors: Object.fromEntries([...errors].slice(0, 5)) } : {}),
        containersLeft: left,
        commandMs: Object.fromEntries([...ms].map(([k, v]) => [k, stats(v, 0)])),
      };
    },
  };
}

/** The RSS of a process every `everySeconds`, as [seconds since start, MiB]. */
export function rssTimeline(pid: number, everySeconds: number) {
  const start = performance.now();
  const samples: [number, number][] = [];
  const take = () => samples.push([round((performance.now() - start) / 1000, 0), rssMiB(pid)]);
  take();
  const timer = setInterval(take, everySeconds * 1000);
  return {
    stop(): [number, number][] {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** Least-squares slope of the samples from `fromSeconds` on, in MiB per hour. */
export function slopeMiBPerHour(samples: [number, number][], fromSeconds = 0): number {
  const xs = samples.filter(([t]) => t >= fromSeconds);
  if (xs.length < 2) return 0;
  const mt = xs.reduce((a, [t]) => a + t, 0) / xs.length;
  const mr = xs.reduce((a, [, r]) => a + r, 0) / xs.length;
  const cov = xs.reduce((a, [t, r]) => a + (t - mt) * (r - mr), 0);
  const vt = xs.reduce((a, [t]) => a + (t - mt) ** 2, 0);
  return vt ? round((cov / vt) * 3600) : 0;
}
