// Reads at scale: `docker ps -a` and `docker inspect` latency with 10, 100 and 1,000 containers, badidea against the
// local Docker Engine, and the Kubernetes API requests each badidea read made (goal: none, reads hit the cache).
// The server's RSS at 0 containers and at each size is printed too (issue 11, item 5).
//
//   node bench/reads.ts        BENCH_READ_SIZES=10,100 BENCH_READ_ROUNDS=5 node bench/reads.ts
//
// Containers are created (not started) through the Docker API, ~20 at a time: in badidea a created container is a
// gated pod. On the Docker Engine they carry the label badidea-bench=1 and are removed by it at the end; its
// `docker ps -a` also lists whatever else runs there (the count is printed as engineListed).
import { dockerOk } from '../test/e2e/cp-helpers.ts';
import {
  BENCH_LABEL,
  countRequests,
  dockerApi,
  ENGINE,
  emit,
  pool,
  round,
  rssMiB,
  runTag,
  setupBench,
  stats,
  timeDocker,
} from './helpers.ts';

const SIZES = (process.env.BENCH_READ_SIZES ?? '10,100,1000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_READ_ROUNDS ?? 10);
const CONCURRENCY = 20;

const s = await setupBench();
const tag = runTag();
try {
  const pid = s.pid;
  emit({ bench: 'server rss', containers: 0, rssMiB: rssMiB(pid) });
  const targets = [
    { name: 'badidea', env: s.env, api: dockerApi(s.env) },
    { name: 'engine', env: ENGINE, api: dockerApi(ENGINE) },
  ];
  let have = 0;
  for (const size of SIZES) {
    const t0 = performance.now();
    for (const t of targets)
      await pool(size - have, CONCURRENCY, async (i) => {
        await t.api.createContainer({
          name: `bench-${tag}-${have + i}`,
          Image: 'busybox',
          Cmd: ['true'],
          Labels: { [BENCH_LABEL.split('=')[0]]: '1' },
        });
      });
    const createSeconds = round((performance.now() - t0) / 1000);
    have = size;
    const listed = async (env: NodeJS.ProcessEnv) => (await dockerOk(['ps', '-aq'], env)).split('\n').filter(Boolean);
    // badidea's cache learns of the last creates through its watch: wait until ps shows them all.
    for (let i = 0; (await listed(s.env)).length < size; i++) {
      if (i > 100) throw new Error(`badidea lists fewer than ${size} containers`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const reads = [
      ['ps', '-a'],
      ['inspect', `bench-${tag}-0`],
    ];
    for (const args of reads) {
      const ms: Record<string, number[]> = { badidea: [], engine: [] };
      let requests = 0;
      const byKind: Record<string, number> = {};
      for (const t of targets) {
        await timeDocker(args, t.env); // warm-up
        for (let r = 0; r < ROUNDS; r++) {
          const c = await countRequests(s.cluster.sim, () => timeDocker(args, t.env));
          ms[t.name]?.push(c.result);
          if (t.name !== 'badidea') continue;
          requests += c.requests;
          for (const [k, v] of Object.entries(c.byKind)) byKind[k] = (byKind[k] ?? 0) + v;
        }
      }
      emit({
        bench: 'reads',
        command: `docker ${args[0]}${args[0] === 'ps' ? ' -a' : ''}`,
        containers: size,
        badideaMs: stats(ms.badidea ?? []),
        engineMs: stats(ms.engine ?? []),
        engineListed: (await listed(ENGINE)).length,
        apiRequestsPerRead: requests / ROUNDS,
        ...(requests ? { apiRequestsByKind: byKind } : {}),
      });
    }
    emit({ bench: 'server rss', containers: size, rssMiB: rssMiB(pid), createSecondsBothEngines: createSeconds });
  }
} finally {
  await s.stop();
}
