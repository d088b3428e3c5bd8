// docker cp throughput and the server's memory: BENCH_BYTES (default 1 GiB) into a container and back out, through
// badidea on a simulated cluster (or the cluster of KUBECONFIG with BADIDEA_TEST_REAL_CLUSTER=1), on the local Docker
// Engine, and as the raw Kubernetes stream badidea's copy rides on (an exec of tar in the same pod, straight through
// the API). The upload is a tar generated as it is sent (PUT /containers/{id}/archive, chunked, as the CLI sends
// it); the download is counted and dropped (GET …/archive). badidea's RSS is sampled every 50 ms. One JSON line per
// direction. The simulator's exec runs on the local Docker Engine, so the numbers include its cost and the load.
//
//   node bench/cp.ts            BENCH_BYTES=67108864 BENCH_CP_ROUNDS=1 node bench/cp.ts
import { KubeConfig } from '@kubernetes/client-node';
import { execInPod } from '../src/kube/streams/index.ts';
import {
  dockerOk,
  getStreamBytes,
  processMemory,
  putStream,
  rssSampler,
  syntheticTar,
} from '../test/e2e/cp-helpers.ts';
import { BENCH_LABEL, countingSink, ENGINE, emit, MiB, round, runTag, setupBench, stats } from './helpers.ts';
import { podOfContainer } from './kube-baseline.ts';

const BYTES = Number(process.env.BENCH_BYTES ?? 1024 ** 3);
// One round by default: 1 GiB each way through three targets already takes over a minute here.
const ROUNDS = Number(process.env.BENCH_CP_ROUNDS ?? 1);

type Target = 'badidea' | 'engine' | 'kube';

const s = await setupBench();
try {
  const name = `cp-${runTag()}`;
  const run = ['run', '-d', '--name', name, '--label', BENCH_LABEL, 'busybox', 'sleep', '100000'];
  await dockerOk(run, s.env);
  await dockerOk(run, ENGINE);
  const id = (await dockerOk(['inspect', '--format', '{{.Id}}', name], s.env)).trim();
  const pod = (await podOfContainer(s.cluster, id)).metadata.name ?? '';
  const kc = new KubeConfig();
  kc.loadFromFile(s.cluster.kubeconfig);
  const exec = (command: string[], io: Parameters<typeof execInPod>[0]['stdin'], sink = countingSink()) =>
    execInPod({ kc, namespace: s.cluster.namespace, pod, command, stdin: io, stdout: sink, tty: false }).then(
      () => sink.bytes,
    );
  const baseline = processMemory(s.pid).rss;

  const up: Record<Target, () => Promise<void>> = {
    badidea: async () => {
      const r = await putStream(s.env, `/containers/${name}/archive?path=/tmp`, syntheticTar('big.bin', BYTES));
      if (r.status !== 200) throw new Error(`PUT answered ${r.status}: ${r.body}`);
    },
    engine: async () => {
      const r = await putStream(ENGINE, `/containers/${name}/archive?path=/tmp`, syntheticTar('big.bin', BYTES));
      if (r.status !== 200) throw new Error(`PUT answered ${r.status}: ${r.body}`);
    },
    kube: async () => {
      await exec(['tar', 'xf', '-', '-C', '/tmp'], syntheticTar('big.bin', BYTES));
    },
  };
  const down: Record<Target, () => Promise<number>> = {
    badidea: async () => (await getStreamBytes(s.env, `/containers/${name}/archive?path=/tmp/big.bin`)).bytes,
    engine: async () => (await getStreamBytes(ENGINE, `/containers/${name}/archive?path=/tmp/big.bin`)).bytes,
    kube: () => exec(['tar', 'cf', '-', '-C', '/tmp', 'big.bin'], null),
  };

  const results = {
    toContainer: { badidea: [] as number[], engine: [] as number[], kube: [] as number[], peak: 0 },
    fromContainer: { badidea: [] as number[], engine: [] as number[], kube: [] as number[], peak: 0 },
  };
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of ['badidea', 'engine', 'kube'] as const) {
      for (const dir of ['toContainer', 'fromContainer'] as const) {
        const sampler = t === 'badidea' ? rssSampler(s.pid) : undefined;
        const t0 = performance.now();
        if (dir === 'toContainer') await up[t]();
        else {
          const got = await down[t]();
          if (got < BYTES) throw new Error(`cp from the container via ${t}: ${got} bytes of ${BYTES}`);
        }
        const secs = (performance.now() - t0) / 1000;
        results[dir][t].push(BYTES / MiB / secs);
        results[dir].peak = Math.max(results[dir].peak, sampler?.stop() ?? 0);
      }
    }
  }
  for (const dir of ['toContainer', 'fromContainer'] as const) {
    const x = results[dir];
    const b = stats(x.badidea);
    const k = stats(x.kube);
    emit({
      bench: 'streams',
      stream: `docker cp ${dir === 'toContainer' ? 'into' : 'out of'} a container`,
      MiB: round(BYTES / MiB),
      badideaMiBps: b,
      kubeMiBps: k,
      engineMiBps: stats(x.engine),
      pctOfKube: round((b.median / k.median) * 100),
      serverPeakRssMiB: round(x.peak / MiB),
      serverBaselineRssMiB: round(baseline / MiB),
      cluster: s.cluster.kind,
    });
  }
} finally {
  await s.stop();
}
