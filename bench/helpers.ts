// Shared by the benchmark scripts: statistics, timed docker CLI calls, the local Docker Engine as reference (only
// ever touching containers labelled `badidea-bench=1`), Kubernetes API requests counted at the simulated API server,
// the server's RSS, and bounded concurrency. Each script prints one JSON object per line (see emit).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import Docker from 'dockerode';
import type { SimCluster } from '../sim/cluster.ts';
import { processMemory, setupCp } from '../test/e2e/cp-helpers.ts';
import { type BadideaServer, DOCKER, docker } from '../test/helpers/badidea.ts';
import type { TestCluster } from '../test/helpers/cluster.ts';

export const MiB = 1024 * 1024;
/** Label of everything a benchmark creates on the local Docker Engine; cleanup removes by it. */
export const BENCH_LABEL = 'badidea-bench=1';
/** The local Docker Engine, the reference (its own socket, no DOCKER_HOST of the caller). */
export const ENGINE: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DOCKER_HOST: 'unix:///var/run/docker.sock',
};

export function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

export interface Stats {
  n: number;
  median: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
}

/** Median and spread; nearest-rank percentiles (few samples: p10/p90 close to min/max). */
export function stats(xs: number[], digits = 1): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? Number.NaN;
  const mid = s.length % 2 ? s[(s.length - 1) / 2] : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
  return {
    n: s.length,
    median: round(mid ?? Number.NaN, digits),
    p10: round(at(0.1), digits),
    p90: round(at(0.9), digits),
    min: round(s[0] ?? Number.NaN, digits),
    max: round(s[s.length - 1] ?? Number.NaN, digits),
  };
}

/** Milliseconds of one successful docker CLI call (throws with its stderr otherwise). */
export async function timeDocker(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<number> {
  const t0 = performance.now();
  const r = await docker(args, env, timeoutMs);
  const ms = performance.now() - t0;
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return ms;
}

/** Kubernetes API requests made while fn ran: total and by `verb resource` (0 on a real cluster: not counted). */
export async function countRequests<T>(
  sim: SimCluster | undefined,
  fn: () => Promise<T>,
): Promise<{ result: T; requests: number; byKind: Record<string, number> }> {
  const before = sim?.apiRequests() ?? {};
  const result = await fn();
  const after = sim?.apiRequests() ?? {};
  const byKind: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v !== (before[k] ?? 0)) byKind[k] = v - (before[k] ?? 0);
  return { result, requests: Object.values(byKind).reduce((a, b) => a + b, 0), byKind };
}

/** Adds up request counts by kind. */
export function addCounts(into: Record<string, number>, from: Record<string, number>): Record<string, number> {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  return into;
}

export function rssMiB(pid: number): number {
  return round(processMemory(pid).rss / MiB);
}

/** Runs fn over 0..n-1 with at most `limit` at a time. */
export async function pool(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

/** A dockerode client for the Docker API at env's DOCKER_HOST (tcp:// or unix://). */
export function dockerApi(env: NodeJS.ProcessEnv): Docker {
  const host = env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return new Docker({ host: url.hostname, port: Number(url.port), protocol: 'http' });
}

/** A short random suffix, so names never collide with another run's. */
export const runTag = () => randomBytes(3).toString('hex');

/** Removes every container labelled BENCH_LABEL from the local Docker Engine. */
export async function cleanEngine(): Promise<void> {
  const ids = (await docker(['ps', '-aq', '--filter', `label=${BENCH_LABEL}`], ENGINE, 60_000)).stdout
    .split('\n')
    .filter(Boolean);
  for (let i = 0; i < ids.length; i += 100) await docker(['rm', '-f', ...ids.slice(i, i + 100)], ENGINE, 300_000);
}

/** Makes sure the local Docker Engine has busybox (through its mirror on a fresh machine). */
export async function engineBusybox(): Promise<void> {
  if ((await docker(['image', 'inspect', 'busybox'], ENGINE)).code === 0) return;
  const r = await docker(['pull', 'busybox'], ENGINE, 180_000);
  if (r.code !== 0) throw new Error(`docker pull busybox on the local engine: ${r.stderr}`);
}

export interface BenchSetup {
  cluster: TestCluster;
  server: BadideaServer;
  /** The docker CLI's environment for badidea. */
  env: NodeJS.ProcessEnv;
  /** The server's process id (for RSS). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * A namespace on the (simulated) cluster, badidea serving it at log level info (the test harness's debug level
 * costs a log line per stream event), busybox pulled on both engines, no leftover bench containers on the local
 * engine.
 */
export async function setupBench(args: string[] = []): Promise<BenchSetup> {
  await cleanEngine();
  await engineBusybox();
  const s = await setupCp(args, {
    // BENCH_PROFILE_DIR: CPU and sampling heap profiles of the server (written when it stops), to find where a
    // miss goes (open them in Chrome DevTools).
    env: {
      BADIDEA_LOG_LEVEL: 'info',
      ...(process.env.BENCH_PROFILE_DIR
        ? {
            NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE_DIR} --heap-prof --heap-prof-dir=${process.env.BENCH_PROFILE_DIR}`,
          }
        : {}),
    },
    startTimeoutMs: 120_000,
  });
  return {
    cluster: s.cluster,
    server: s.server,
    env: s.env,
    pid: s.server.process.pid ?? 0,
    async stop() {
      await cleanEngine();
      await s.stop();
    },
  };
}

/**
 * Runs the docker CLI, counting (and dropping) its stdout. stdin is written, then closed at once, or with `holdStdin`
 * only once stdout ended (dockerd ends an attach's output when its stdin closes).
 */
export function dockerBytes(
  args: string[],
  env: NodeJS.ProcessEnv,
  stdin = '',
  o: { holdStdin?: boolean; timeoutMs?: number } = {},
): Promise<{ bytes: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(DOCKER, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let bytes = 0;
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
    });
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    p.stdin.on('error', () => {});
    if (o.holdStdin) {
      p.stdin.write(stdin);
      p.stdout.on('end', () => p.stdin.end());
    } else p.stdin.end(stdin);
    const t = setTimeout(() => p.kill('SIGKILL'), o.timeoutMs ?? 600_000);
    p.on('close', (code) => {
      clearTimeout(t);
      if (code !== 0) reject(new Error(`docker ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ bytes, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

/** A writable that counts and drops what it is given. */
export function countingSink(): Writable & { bytes: number } {
  const sink = new Writable({
    highWaterMark: MiB,
    write(chunk: Buffer, _enc, cb) {
      sink.bytes += chunk.length;
      cb();
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
}
