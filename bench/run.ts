// `npm run bench`: runs each benchmark script in turn (each prints JSON lines), then writes the results with the
// date, machine and versions to bench/results/latest.json and tables to BENCHMARKS.md (bench/report.ts), keeping
// that file's hand-written notes. Not part of `npm test`: figures here are measurements, never assertions. The
// machine's load shows in them; the JSON keeps it.
//
//   npm run bench       BENCH_ONLY=reads,lifecycle BENCH_MD=/tmp/b.md BENCH_JSON=/tmp/b.json npm run bench
//
// Each script has its own size knobs (see its header), e.g. BENCH_BYTES, BENCH_SOAK_SECONDS.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { type BenchRun, type Report, renderMarkdown } from './report.ts';

interface Bench {
  name: string;
  script: string;
  env?: Record<string, string>;
  what: string;
}

// In this order: scale (with the soak) last but one, so a failure elsewhere shows before its ten minutes.
const BENCHES: Bench[] = [
  {
    name: 'reads',
    script: 'bench/reads.ts',
    what: '`docker ps -a` and `docker inspect` with 10, 100 and 1,000 created containers against the Docker Engine; API requests per read; server RSS at each size',
  },
  {
    name: 'lifecycle',
    script: 'bench/lifecycle.ts',
    what: '`docker run --rm busybox true` and `docker run -d` + `docker rm -f` against the same pod lifecycle through the Kubernetes API and the Docker Engine; API requests per command',
  },
  {
    name: 'streams',
    script: 'bench/streams.ts',
    what: '`docker exec` of 1 GiB of stdout, `docker logs` of a 16 MiB log, `docker attach` of 64 MiB, against the raw Kubernetes stream and the Docker Engine',
  },
  {
    name: 'cp',
    script: 'bench/cp.ts',
    what: '`docker cp` (the archive API) of 1 GiB into a container and back out, against tar over a raw Kubernetes exec and the Docker Engine; server peak RSS',
  },
  {
    name: 'ports',
    script: 'bench/ports.ts',
    what: 'a published port in each mode against a direct connection to the pod IP: throughput of a 64 MiB GET, latency of a new connection',
  },
  {
    name: 'scale',
    script: 'bench/scale.ts',
    what: '200 concurrent `docker run -d` through badidea (`BENCH_SCALE_ENGINE=1`: on the Docker Engine too), then mixed commands to 10 minutes from the burst; server RSS over time',
  },
  {
    name: 'kube-streams',
    script: 'bench/kube-streams.ts',
    env: { BENCH_ROUNDS: '2' },
    what: 'The exec stream client alone (src/kube/streams), 1 GiB of stdout from a channel-protocol server in another process (client cost only)',
  },
];
// Knobs for development runs: a subset, and output files elsewhere than the committed ones.
const ONLY = process.env.BENCH_ONLY?.split(',');
const MD = process.env.BENCH_MD ?? 'BENCHMARKS.md';
const JSON_OUT = process.env.BENCH_JSON ?? 'bench/results/latest.json';

function version(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n')[0] : 'unavailable';
}

async function run(b: Bench): Promise<BenchRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [b.script], {
    env: { ...process.env, ...b.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    process.stdout.write(d);
  });
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  const lines = out
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines, seconds: (performance.now() - started) / 1000, ok: code === 0 };
}

const machine = {
  cpus: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
  loadAverageAtStart: os.loadavg()[0],
};
const versions = {
  node: process.version,
  dockerEngine: version('docker', ['version', '--format', '{{.Server.Version}}']),
  dockerCli: version('docker', ['version', '--format', '{{.Client.Version}}']),
};

const started = performance.now();
const results: Record<string, BenchRun> = {};
for (const b of BENCHES.filter((x) => !ONLY || ONLY.includes(x.name))) {
  console.error(`bench: ${b.name} …`);
  results[b.name] = await run(b);
  console.error(`bench: ${b.name} took ${results[b.name]?.seconds.toFixed(0)} s`);
}
const report: Report = {
  date: new Date().toISOString(),
  machine,
  versions,
  totalSeconds: (performance.now() - started) / 1000,
  results,
};
mkdirSync(dirname(JSON_OUT), { recursive: true });
writeFileSync(JSON_OUT, `${JSON.stringify(report, null, 2)}\n`);
const previous = existsSync(MD) ? readFileSync(MD, 'utf8') : '';
writeFileSync(MD, renderMarkdown(report, previous, Object.fromEntries(BENCHES.map((b) => [b.name, b.what]))));
const failed = Object.entries(results).filter(([, r]) => !r.ok);
if (failed.length > 0) {
  console.error(`bench: failed: ${failed.map(([name]) => name).join(', ')}`);
  process.exit(1);
}
