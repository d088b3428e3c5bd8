// Container lifecycle end to end: `docker run --rm busybox true`, and `docker run -d busybox sleep` + `docker rm -f`,
// through badidea, on the local Docker Engine, and as the same pod lifecycle straight through the Kubernetes API
// (the cluster's own cost: bench/kube-baseline.ts); the Kubernetes API requests each badidea command made.
//
//   node bench/lifecycle.ts        BENCH_LIFECYCLE_ROUNDS=3 node bench/lifecycle.ts
//
// Rounds interleave the three targets, so the machine's load weighs on each alike. overheadPct: badidea's median
// over the cluster's own median (goal: under 10%).
import { dockerOk } from '../test/e2e/cp-helpers.ts';
import {
  addCounts,
  BENCH_LABEL,
  countRequests,
  ENGINE,
  emit,
  round,
  runTag,
  setupBench,
  stats,
  timeDocker,
} from './helpers.ts';
import { podOfContainer, podTemplate, rawPods } from './kube-baseline.ts';

const ROUNDS = Number(process.env.BENCH_LIFECYCLE_ROUNDS ?? 7);

const s = await setupBench();
try {
  const tag = runTag();
  const raw = rawPods(s.cluster);
  // badidea's pods for the two commands, replayed as the baseline.
  const template = async (cmd: string[]) => {
    const id = (await dockerOk(['create', '--label', BENCH_LABEL, 'busybox', ...cmd], s.env)).trim();
    const pod = podTemplate(await podOfContainer(s.cluster, id));
    await dockerOk(['rm', '-f', id], s.env);
    return pod;
  };
  const truePod = await template(['true']);
  const sleepPod = await template(['sleep', '3600']);

  const series = () => ({ badidea: [] as number[], engine: [] as number[], kube: [] as number[] });
  const runRm = series();
  const runD = series();
  const rmF = series();
  const requests = {
    runRm: {} as Record<string, number>,
    runD: {} as Record<string, number>,
    rmF: {} as Record<string, number>,
  };
  const time = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  // A warm-up of each path (first CLI start, first pod on the node).
  await timeDocker(['run', '--rm', '--label', BENCH_LABEL, 'busybox', 'true'], s.env);
  await timeDocker(['run', '--rm', '--label', BENCH_LABEL, 'busybox', 'true'], ENGINE);
  for (let r = 0; r < ROUNDS; r++) {
    const runArgs = ['run', '--rm', '--label', BENCH_LABEL, 'busybox', 'true'];
    const c = await countRequests(s.cluster.sim, () => timeDocker(runArgs, s.env));
    runRm.badidea.push(c.result);
    addCounts(requests.runRm, c.byKind);
    runRm.engine.push(await timeDocker(runArgs, ENGINE));
    const kname = `raw-${tag}-${r}`;
    runRm.kube.push(
      await time(async () => {
        await raw.start(truePod(kname), 'completed');
        await raw.remove(kname);
      }),
    );

    const name = `lc-${tag}-${r}`;
    const dArgs = ['run', '-d', '--name', name, '--label', BENCH_LABEL, 'busybox', 'sleep', '3600'];
    const cd = await countRequests(s.cluster.sim, () => timeDocker(dArgs, s.env));
    const cr = await countRequests(s.cluster.sim, () => timeDocker(['rm', '-f', name], s.env));
    runD.badidea.push(cd.result);
    rmF.badidea.push(cr.result);
    addCounts(requests.runD, cd.byKind);
    addCounts(requests.rmF, cr.byKind);
    runD.engine.push(await timeDocker(dArgs, ENGINE));
    rmF.engine.push(await timeDocker(['rm', '-f', name], ENGINE));
    const sname = `raw-${tag}-d${r}`;
    runD.kube.push(await time(() => raw.start(sleepPod(sname), 'running')));
    rmF.kube.push(await time(() => raw.remove(sname)));
  }

  // The CLI's own start and exit, which the raw Kubernetes baseline does not pay.
  const cli: number[] = [];
  for (let r = 0; r < ROUNDS; r++) cli.push(await timeDocker(['--version'], ENGINE));
  emit({ bench: 'docker cli', command: 'docker --version', ms: stats(cli, 0) });

  const perCommand = (counts: Record<string, number>) => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return {
      apiRequestsPerCommand: round(total / ROUNDS),
      apiRequestsByKind: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, round(v / ROUNDS)])),
    };
  };
  const line = (
    command: string,
    x: { badidea: number[]; engine: number[]; kube: number[] },
    counts: Record<string, number>,
  ) => {
    const b = stats(x.badidea, 0);
    const k = stats(x.kube, 0);
    emit({
      bench: 'lifecycle',
      command,
      badideaMs: b,
      kubeMs: k,
      engineMs: stats(x.engine, 0),
      overheadPct: round(((b.median - k.median) / k.median) * 100),
      ...perCommand(counts),
    });
  };
  line('docker run --rm busybox true', runRm, requests.runRm);
  line('docker run -d busybox sleep 3600', runD, requests.runD);
  line('docker rm -f', rmF, requests.rmF);
  const sum = (a: number[], b: number[]) => a.map((v, i) => v + (b[i] ?? 0));
  line(
    'docker run -d + docker rm -f',
    { badidea: sum(runD.badidea, rmF.badidea), engine: sum(runD.engine, rmF.engine), kube: sum(runD.kube, rmF.kube) },
    addCounts({ ...requests.runD }, requests.rmF),
  );
} finally {
  await s.stop();
}
