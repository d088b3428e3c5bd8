// Scale and soak (issue 11, item 5), in one server process and one ten-minute window:
// 1. BENCH_CONCURRENT (default 200) `docker run -d busybox sleep` calls started together through badidea: how many
//    succeed, the total time, each call's latency, the server's RSS before and at its peak, the Kubernetes API
//    requests made; then `docker rm -f` of them all (timed).
// 2. The soak: mixed operations (bench/soak.ts) until BENCH_SOAK_SECONDS (default 600) after the burst began, with the
//    server's RSS every BENCH_SOAK_SAMPLE_SECONDS (default 30): the growth from before the burst to the end, and the
//    slope after the burst (a leak grows steadily; a heap that grew for the burst and stays does not).
// The burst counts in the soak's ten minutes so that the whole of `npm run bench` stays under 20 minutes on a 2-core
// machine. BENCH_SCALE_ENGINE=1 then repeats the burst on the local Docker Engine (about two more minutes).
//
//   node bench/scale.ts        BENCH_CONCURRENT=20 BENCH_SOAK_SECONDS=60 BENCH_SOAK_SAMPLE_SECONDS=10 node bench/scale.ts
//
// With a simulated cluster each pod is two containers on the local Docker Engine (sandbox and main): the burst's time
// is mostly the engine starting 400 containers on this machine. badidea runs with --start-timeout 600 (default 120 s):
// a start that waits longer than that for the node is the node's capacity, not something to measure here.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dockerOk, rssSampler } from '../test/e2e/cp-helpers.ts';
import { docker } from '../test/helpers/badidea.ts';
import {
  BENCH_LABEL,
  type BenchSetup,
  cleanEngine,
  countRequests,
  ENGINE,
  emit,
  MiB,
  round,
  rssMiB,
  runTag,
  setupBench,
  stats,
} from './helpers.ts';
import { mixedOperations, rssTimeline, slopeMiBPerHour } from './soak.ts';

const N = Number(process.env.BENCH_CONCURRENT ?? 200);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const SAMPLE_SECONDS = Number(process.env.BENCH_SOAK_SAMPLE_SECONDS ?? 30);
const ENGINE_TOO = process.env.BENCH_SCALE_ENGINE === '1';
const START_TIMEOUT = 600;

interface Call {
  ok: boolean;
  ms: number;
  error: string;
}

/**
 * `docker run -d` of each name, all at once, from a small child process (this file with --launch): spawning 200
 * processes from this one, which hosts the simulated cluster, stalls its event loop for seconds (a fork of a large
 * process each), long enough for badidea's connections to the API server to time out.
 */
function launch(env: NodeJS.ProcessEnv, names: string[]): Promise<Call[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--launch', ...names], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out) as Call[]) : reject(new Error(`launcher exited ${code}`)),
    );
  });
}

async function launched(names: string[]): Promise<void> {
  const calls = await Promise.all(
    names.map(async (name): Promise<Call> => {
      const t = performance.now();
      const args = ['run', '-d', '--name', name, '--label', BENCH_LABEL, 'busybox', 'sleep', '3600'];
      const r = await docker(args, process.env, (START_TIMEOUT + 60) * 1000);
      return { ok: r.code === 0, ms: performance.now() - t, error: r.stderr.trim().split('\n')[0] ?? '' };
    }),
  );
  process.stdout.write(JSON.stringify(calls));
}

/** N concurrent `docker run -d`, then `docker rm -f` of them all. */
async function burst(env: NodeJS.ProcessEnv, s: BenchSetup, onBadidea: boolean) {
  const names = Array.from({ length: N }, (_, i) => `sc-${runTag()}-${i}`);
  const before = rssMiB(s.pid);
  const sampler = onBadidea ? rssSampler(s.pid) : undefined;
  const t0 = performance.now();
  const counted = await countRequests(onBadidea ? s.cluster.sim : undefined, () => launch(env, names));
  const seconds = (performance.now() - t0) / 1000;
  const peak = sampler?.stop() ?? 0;
  const t1 = performance.now();
  if (onBadidea) {
    for (let i = 0; i < N; i += 50) await dockerOk(['rm', '-f', ...names.slice(i, i + 50)], env, 600_000);
  } else await cleanEngine();
  const runs = counted.result;
  const failed = runs.filter((r) => !r.ok);
  return {
    succeeded: runs.length - failed.length,
    failed: failed.length,
    totalSeconds: round(seconds),
    perCallMs: stats(
      runs.map((r) => r.ms),
      0,
    ),
    removeAllSeconds: round((performance.now() - t1) / 1000),
    ...(failed.length ? { firstErrors: [...new Set(failed.map((r) => r.error))].slice(0, 3) } : {}),
    ...(onBadidea
      ? {
          startTimeoutSeconds: START_TIMEOUT,
          serverRssBeforeMiB: before,
          serverPeakRssMiB: round(peak / MiB),
          serverRssAfterMiB: rssMiB(s.pid),
          apiRequests: counted.requests,
          apiRequestsByKind: counted.byKind,
        }
      : {}),
  };
}

async function main(): Promise<void> {
  const s = await setupBench(['--start-timeout', String(START_TIMEOUT)]);
  try {
    const soak = mixedOperations(s);
    await soak.warmUp();
    const timeline = rssTimeline(s.pid, SAMPLE_SECONDS);
    const start = performance.now();
    const line: Record<string, unknown> = { bench: 'scale', command: `${N} concurrent docker run -d busybox sleep` };
    line.badidea = await burst(s.env, s, true);
    const burstSeconds = (performance.now() - start) / 1000;
    const result = await soak.run(start + SOAK_SECONDS * 1000);
    const samples = timeline.stop();
    const first = samples[0]?.[1] ?? 0;
    const last = samples.at(-1)?.[1] ?? 0;
    emit({
      bench: 'soak',
      seconds: round((performance.now() - start) / 1000, 0),
      burstSeconds: round(burstSeconds, 0),
      ...result,
      rssStartMiB: first,
      rssPeakMiB: Math.max(...samples.map(([, r]) => r)),
      rssEndMiB: last,
      growthMiB: round(last - first),
      slopeAfterBurstMiBPerHour: slopeMiBPerHour(samples, burstSeconds),
      rssSamples: samples,
    });
    if (ENGINE_TOO) line.engine = await burst(ENGINE, s, false);
    emit(line);
  } finally {
    await s.stop();
  }
}

if (process.argv[2] === '--launch') await launched(process.argv.slice(3));
else await main();
