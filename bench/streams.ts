// Stream throughput: `docker exec` writing BENCH_BYTES (default 1 GiB) to stdout, `docker logs` of a BENCH_LOG_BYTES
// log (default 16 MiB of 128-byte lines) and `docker attach` to a process writing BENCH_ATTACH_BYTES (default 64 MiB),
// each through badidea, on the local Docker Engine, and as the raw Kubernetes stream (exec, log or attach read
// straight from the simulated API with the project's own clients in src/kube/streams, on the pod of the same badidea
// container), BENCH_STREAM_ROUNDS (default 2) times each. Logs and attach are smaller than exec: both go through the
// log path at a few MiB/s here, and 1 GiB of them would not fit the run's 20 minutes.
//
//   node bench/streams.ts
//   BENCH_BYTES=67108864 BENCH_LOG_BYTES=8388608 BENCH_ATTACH_BYTES=8388608 BENCH_STREAM_ROUNDS=2 node bench/streams.ts
//
// The docker CLI's stdout is counted and dropped by this process. pctOfKube: badidea's median throughput over the raw
// stream's (goal: 80% or more). The server's peak RSS during each stream is printed too. A wrong byte count is
// printed under mismatches (and its round still counted) rather than failing the run.
import { PassThrough } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { attachToPod, execInPod, podLogs } from '../src/kube/streams/index.ts';
import { dockerOk, rssSampler } from '../test/e2e/cp-helpers.ts';
import {
  BENCH_LABEL,
  countingSink,
  dockerBytes,
  ENGINE,
  emit,
  MiB,
  round,
  runTag,
  setupBench,
  stats,
} from './helpers.ts';
import { podOfContainer } from './kube-baseline.ts';

const BYTES = Number(process.env.BENCH_BYTES ?? 1024 ** 3);
const LOG_BYTES = Number(process.env.BENCH_LOG_BYTES ?? 16 * MiB);
const ATTACH_BYTES = Number(process.env.BENCH_ATTACH_BYTES ?? 64 * MiB);
const ROUNDS = Number(process.env.BENCH_STREAM_ROUNDS ?? 2);
const LINE = `${'x'.repeat(127)}\n`;

type Target = 'badidea' | 'engine' | 'kube';
type Measure = (round: number) => Promise<{ bytes: number; seconds: number }>;

const s = await setupBench();
const kc = new KubeConfig();
kc.loadFromFile(s.cluster.kubeconfig);
const namespace = s.cluster.namespace;
const tag = runTag();
const both = async (args: string[]) => {
  await dockerOk(args, s.env, 300_000);
  await dockerOk(args, ENGINE, 300_000);
};
const podOf = async (name: string) => {
  const id = (await dockerOk(['inspect', '--format', '{{.Id}}', name], s.env)).trim();
  return (await podOfContainer(s.cluster, id)).metadata.name ?? '';
};
const timed = async (fn: () => Promise<number>) => {
  const t0 = performance.now();
  const bytes = await fn();
  return { bytes, seconds: (performance.now() - t0) / 1000 };
};

/** ROUNDS of each target, interleaved; one JSON line. */
async function measure(
  stream: string,
  expected: number,
  targets: Record<Target, Measure>,
  note?: string,
): Promise<void> {
  const mibps: Record<Target, number[]> = { badidea: [], engine: [], kube: [] };
  let peak = 0;
  const mismatches: string[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of ['badidea', 'engine', 'kube'] as const) {
      const sampler = t === 'badidea' ? rssSampler(s.pid) : undefined;
      const got = await targets[t](r);
      peak = Math.max(peak, sampler?.stop() ?? 0);
      // A wrong byte count is a finding to show, not a reason to stop the run.
      if (got.bytes !== expected) mismatches.push(`${t} round ${r + 1}: ${got.bytes} bytes of ${expected}`);
      mibps[t].push(got.bytes / MiB / got.seconds);
    }
  }
  const b = stats(mibps.badidea);
  const k = stats(mibps.kube);
  emit({
    bench: 'streams',
    stream,
    MiB: round(expected / MiB),
    badideaMiBps: b,
    kubeMiBps: k,
    engineMiBps: stats(mibps.engine),
    pctOfKube: round((b.median / k.median) * 100),
    serverPeakRssMiB: round(peak / MiB),
    ...(note ? { note } : {}),
    ...(mismatches.length ? { mismatches } : {}),
  });
}

try {
  const run = ['run', '-d', '--label', BENCH_LABEL];

  // exec: one sleeper per engine.
  const ex = `ex-${tag}`;
  await both([...run, '--name', ex, 'busybox', 'sleep', '3600']);
  const exPod = await podOf(ex);
  const head = ['head', '-c', String(BYTES), '/dev/zero'];
  await measure('docker exec head -c', BYTES, {
    badidea: () => dockerBytes(['exec', ex, ...head], s.env),
    engine: () => dockerBytes(['exec', ex, ...head], ENGINE),
    kube: () =>
      timed(async () => {
        const sink = countingSink();
        await execInPod({ kc, namespace, pod: exPod, command: head, stdout: sink, tty: false });
        return sink.bytes;
      }),
  });

  // logs: a container that wrote its log and exited, per engine.
  const lg = `lg-${tag}`;
  const lines = Math.floor(LOG_BYTES / LINE.length);
  const write = `yes '${LINE.slice(0, -1)}' | head -n ${lines}`;
  await Promise.all([
    dockerOk([...run, '--name', lg, 'busybox', 'sh', '-c', write], s.env),
    dockerOk([...run, '--name', lg, 'busybox', 'sh', '-c', write], ENGINE),
  ]);
  await Promise.all([dockerOk(['wait', lg], s.env, 600_000), dockerOk(['wait', lg], ENGINE, 600_000)]);
  const lgPod = await podOf(lg);
  await measure('docker logs', lines * LINE.length, {
    badidea: () => dockerBytes(['logs', lg], s.env),
    engine: () => dockerBytes(['logs', lg], ENGINE),
    kube: () =>
      timed(async () => {
        const sink = countingSink();
        const body = await podLogs({ kc, namespace, pod: lgPod });
        await new Promise<void>((resolve, reject) => body.pipe(sink).on('finish', resolve).on('error', reject));
        return sink.bytes;
      }),
  });

  // attach: per round a fresh container whose process waits for a line on stdin, then writes ATTACH_BYTES.
  const waitThenWrite = ['busybox', 'sh', '-c', `read x; head -c ${ATTACH_BYTES} /dev/zero`];
  const at = (r: number) => `at-${tag}-${r}`;
  for (let r = 0; r < ROUNDS; r++) {
    await both([...run, '-i', '--name', at(r), ...waitThenWrite]);
    await dockerOk([...run, '-i', '--name', `${at(r)}-k`, ...waitThenWrite], s.env);
  }
  await measure(
    'docker attach',
    ATTACH_BYTES,
    {
      badidea: (r) => dockerBytes(['attach', at(r)], s.env, 'go\n', { holdStdin: true }),
      engine: (r) => dockerBytes(['attach', at(r)], ENGINE, 'go\n', { holdStdin: true }),
      kube: async (r) => {
        const pod = await podOf(`${at(r)}-k`);
        return timed(async () => {
          const sink = countingSink();
          // Open until the process ends, as for the CLI above.
          const stdin = new PassThrough();
          stdin.write('go\n');
          await attachToPod({ kc, namespace, pod, stdin, stdout: sink, tty: false });
          stdin.end();
          return sink.bytes;
        });
      },
    },
    'badidea reads a non-TTY attach output from the followed log (stream=Stdout|Stderr); kube is pods/attach',
  );
} finally {
  await s.stop();
}
