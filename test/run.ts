// `npm test` after typecheck and lint: every unit test (beside the code in src/ and sim/) and every
// end-to-end test (test/), in one node:test run so the closing summary counts them all.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const dockerUp =
  spawnSync('docker', ['-H', 'unix:///var/run/docker.sock', 'version'], { stdio: 'ignore' }).status === 0;
// A run pointed at a real cluster (see test/helpers/cluster.ts) needs no local Docker Engine.
if (!dockerUp && process.env.BADIDEA_TEST_REAL_CLUSTER !== '1') {
  console.error('test: no Docker Engine for the simulated cluster. Run `npm run sim:setup` (as root) first.');
  process.exit(2);
}

const patterns = ['src/**/*.test.ts', 'sim/**/*.test.ts', 'test/**/*.test.ts'];
const args = [
  '--test',
  `--test-concurrency=${process.env.TEST_CONCURRENCY ?? '2'}`,
  '--test-timeout=300000',
  ...(process.env.TEST_ONLY ? [process.env.TEST_ONLY] : patterns),
];
if (!existsSync('node_modules')) {
  console.error('test: run `npm ci` first.');
  process.exit(2);
}
// A hang (a hook has no timeout in node:test) must fail the run in bounded time, well inside CI's limit.
const limitMinutes = Number(process.env.TEST_RUN_LIMIT_MINUTES ?? '45');
const run = spawnSync(process.execPath, args, {
  stdio: 'inherit',
  timeout: limitMinutes * 60_000,
  killSignal: 'SIGKILL',
});
if (run.error) console.error(`test: the run was stopped after ${limitMinutes} minutes (${run.error.message})`);
process.exit(run.status ?? 1);
