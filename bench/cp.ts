// docker cp throughput and the server's memory: BENCH_BYTES (default 1 GiB) into a container and back out, through
// badidea on a simulated cluster (or the cluster of KUBECONFIG with BADIDEA_TEST_REAL_CLUSTER=1). The upload is a
// tar generated as it is sent (PUT /containers/{id}/archive, chunked, as the CLI sends it); the download is counted
// and dropped (GET …/archive). badidea runs as a child process; its RSS is sampled every 50 ms. Prints one JSON
// object. The simulator's exec runs on the local Docker Engine, so the numbers include its cost and the machine's
// load.
//
//   node bench/cp.ts            BENCH_BYTES=67108864 node bench/cp.ts
import {
  dockerOk,
  getStreamBytes,
  processMemory,
  putStream,
  rssSampler,
  setupCp,
  syntheticTar,
} from '../test/e2e/cp-helpers.ts';

const BYTES = Number(process.env.BENCH_BYTES ?? 1024 ** 3);
const MiB = 1024 * 1024;

const s = await setupCp();
try {
  await dockerOk(['run', '-d', '--name', 'bench', 'busybox', 'sleep', '100000'], s.env);
  const pid = s.server.process.pid ?? 0;
  const baseline = processMemory(pid).rss;

  let sampler = rssSampler(pid);
  let t = performance.now();
  const put = await putStream(s.env, '/containers/bench/archive?path=/tmp', syntheticTar('big.bin', BYTES));
  const upSeconds = (performance.now() - t) / 1000;
  const upPeak = sampler.stop();
  if (put.status !== 200) throw new Error(`PUT answered ${put.status}: ${put.body}`);

  sampler = rssSampler(pid);
  t = performance.now();
  const get = await getStreamBytes(s.env, '/containers/bench/archive?path=/tmp/big.bin');
  const downSeconds = (performance.now() - t) / 1000;
  const downPeak = sampler.stop();
  if (get.status !== 200 || get.bytes < BYTES) throw new Error(`GET answered ${get.status} with ${get.bytes} bytes`);

  const round = (n: number) => Math.round(n * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'cp',
      bytes: BYTES,
      cluster: s.cluster.kind,
      toContainer: {
        seconds: round(upSeconds),
        MiBps: round(BYTES / MiB / upSeconds),
        serverPeakRssMiB: round(upPeak / MiB),
      },
      fromContainer: {
        seconds: round(downSeconds),
        MiBps: round(BYTES / MiB / downSeconds),
        serverPeakRssMiB: round(downPeak / MiB),
      },
      serverBaselineRssMiB: round(baseline / MiB),
      serverHighWaterMiB: round(processMemory(pid).peak / MiB),
    })}\n`,
  );
} finally {
  await s.stop();
}
