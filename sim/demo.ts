// `npm run demo`: a simulated cluster and the badidea server in front of it, in the foreground.
// Prints the `export DOCKER_HOST=...` line to paste into another shell; Ctrl-C stops both and
// removes everything they created.
//
//   DEMO_LISTEN   where badidea listens (default tcp://127.0.0.1:2375; BADIDEA_LISTEN works too)
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from './cluster.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const listen = process.env.DEMO_LISTEN ?? process.env.BADIDEA_LISTEN ?? 'tcp://127.0.0.1:2375';

if (spawnSync('docker', ['image', 'inspect', 'busybox:latest'], { stdio: 'ignore' }).status !== 0) {
  console.error('demo: the machine is not prepared; run `npm run sim:setup` (as root) first');
  process.exit(2);
}

const cluster = await startCluster({
  kubeconfigPath: join(repo, '.sim', 'demo-kubeconfig'),
  log: (msg) => console.error(msg),
  handleSignals: false,
});

const server: ChildProcess = spawn(
  process.execPath,
  // The local registry stands in for Docker Hub, for badidea's image lookups as for the simulated node's pulls.
  [
    join(repo, 'src', 'main.ts'),
    ...['--kubeconfig', cluster.kubeconfigPath, '--listen', listen],
    ...['--registry-mirror', 'http://127.0.0.1:5000'],
  ],
  { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, BADIDEA_LISTEN: listen } },
);

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  server.kill('SIGTERM');
  await new Promise((r) => (server.exitCode === null ? server.once('exit', r) : r(undefined)));
  await cluster.close();
  process.exit(code);
}
process.on('SIGINT', () => void stop(130));
process.on('SIGTERM', () => void stop(143));
server.on('exit', (code) => {
  if (!stopping) {
    console.error(`demo: badidea exited (${code}); stopping the cluster`);
    void stop(code ?? 1);
  }
});

// Ready when the listener accepts connections.
const where = new URL(listen);
const probe = () =>
  new Promise<boolean>((res) => {
    const s =
      where.protocol === 'unix:'
        ? net.connect(where.pathname)
        : net.connect(Number(where.port || 2375), where.hostname || '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
for (let i = 0; i < 100 && !(await probe()); i++) await new Promise((r) => setTimeout(r, 100));
console.log(
  `demo: ready. In another shell:\n  export DOCKER_HOST=${listen}\n  export KUBECONFIG=${cluster.kubeconfigPath}`,
);
