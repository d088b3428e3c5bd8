// `npm run bench`: runs each benchmark script in turn (each prints JSON lines), then writes the results with the
// date, machine and versions to bench/results/latest.json and a table to BENCHMARKS.md. Not part of `npm test`:
// figures here are measurements, never assertions. The machine's load shows in them; the JSON keeps it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';

interface Bench {
  name: string;
  script: string;
  env?: Record<string, string>;
  what: string;
}

const BENCHES: Bench[] = [
  {
    name: 'cp',
    script: 'bench/cp.ts',
    what: 'docker cp of 1 GiB into a container and back out through badidea; the server’s peak RSS',
  },
  {
    name: 'ports',
    script: 'bench/ports.ts',
    what: 'a published port in each mode against a direct connection to the pod IP: throughput of a 64 MiB GET, p50 latency of a new connection',
  },
  {
    name: 'kube-streams',
    script: 'bench/kube-streams.ts',
    env: { BENCH_ROUNDS: '2' },
    what: 'the exec stream client alone: 1 GiB of stdout from a channel-protocol server (client cost only)',
  },
];

function version(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n')[0] : 'unavailable';
}

async function run(b: Bench): Promise<{ lines: unknown[]; seconds: number; ok: boolean }> {
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
    .map((l) => JSON.parse(l) as unknown);
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

const results: Record<string, unknown> = {};
for (const b of BENCHES) {
  console.error(`bench: ${b.name} …`);
  results[b.name] = await run(b);
}
const report = { date: new Date().toISOString(), machine, versions, results };
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', `${JSON.stringify(report, null, 2)}\n`);

const md = [
  '# Benchmarks',
  '',
  `Latest run: ${report.date}, reproduced with \`npm run bench\` (as root, after \`npm run sim:setup\`).`,
  `Machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, load ${machine.loadAverageAtStart.toFixed(1)} at start;`,
  `Node ${versions.node}, Docker Engine ${versions.dockerEngine} (the simulated cluster's node), docker CLI ${versions.dockerCli}.`,
  'The raw figures, one JSON object per measurement, are in `bench/results/latest.json`.',
  '',
  '| benchmark | what it measures | result (JSON lines as printed) | took |',
  '|---|---|---|---|',
  ...BENCHES.map((b) => {
    const r = results[b.name] as { lines: unknown[]; seconds: number; ok: boolean };
    const cell = r.ok ? r.lines.map((l) => `\`${JSON.stringify(l)}\``).join('<br>') : '**failed** (see the run log)';
    return `| ${b.name} | ${b.what} | ${cell} | ${r.seconds.toFixed(0)} s |`;
  }),
  '',
  'Not measured yet (issue 11): reads at 10/100/1,000 containers against the Docker Engine, lifecycle latency',
  'against the cluster’s own cost, logs/exec/attach throughput against the raw Kubernetes stream, 200 concurrent',
  'runs, and RSS at scale and after a soak.',
  '',
];
writeFileSync('BENCHMARKS.md', md.join('\n'));
const failed = BENCHES.filter((b) => !(results[b.name] as { ok: boolean }).ok);
if (failed.length > 0) {
  console.error(`bench: failed: ${failed.map((b) => b.name).join(', ')}`);
  process.exit(1);
}
