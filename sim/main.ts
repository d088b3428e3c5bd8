// `npm run sim`: a simulated cluster in the foreground. Prepares the machine when needed
// (sim/env/setup.sh, as root), writes the kubeconfig, prints one ready line, and cleans up
// everything it started on SIGINT/SIGTERM.
//
//   SIM_KUBECONFIG   where to write the kubeconfig (default .sim/kubeconfig in the repo)
//   SIM_PORT         API server port on 127.0.0.1 (default 0: a free port)
//   SIM_SETUP=0      never run setup.sh (fail with a hint instead)
//   SIM_QUIET=1      no log lines, only the ready line
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from './cluster.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function usage(): never {
  console.log(`usage: npm run sim [-- --kubeconfig PATH] [--port N] [--no-setup]

Starts a simulated Kubernetes cluster (API server, controllers, one node running pods on the local
Docker Engine, cluster DNS, ClusterIP services) and writes its kubeconfig.

  --kubeconfig PATH  where to write the kubeconfig (env SIM_KUBECONFIG; default .sim/kubeconfig)
  --port N           API server port on 127.0.0.1 (env SIM_PORT; default: a free port)
  --no-setup         do not run sim/env/setup.sh when the machine is not ready (env SIM_SETUP=0)
  --quiet            only the ready line (env SIM_QUIET=1)`);
  process.exit(0);
}

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (args.includes('--help') || args.includes('-h')) usage();
const kubeconfigPath = resolve(flag('--kubeconfig') ?? process.env.SIM_KUBECONFIG ?? join(repo, '.sim', 'kubeconfig'));
const port = Number(flag('--port') ?? process.env.SIM_PORT ?? 0);
const setup = !args.includes('--no-setup') && process.env.SIM_SETUP !== '0';
const quiet = args.includes('--quiet') || process.env.SIM_QUIET === '1';

/** dockerd answers, busybox:latest is there, and the registry (dockerd's Docker Hub mirror) is up. */
function machineReady(): boolean {
  const docker = spawnSync('docker', ['-H', 'unix:///var/run/docker.sock', 'image', 'inspect', 'busybox:latest'], {
    stdio: 'ignore',
  });
  const registry = spawnSync('curl', ['-fsS', '-o', '/dev/null', '--max-time', '2', 'http://127.0.0.1:5000/v2/'], {
    stdio: 'ignore',
  });
  return docker.status === 0 && registry.status === 0;
}

if (!machineReady()) {
  if (!setup) {
    console.error(
      'sim: the Docker Engine is not running or busybox:latest is missing; run `npm run sim:setup` as root',
    );
    process.exit(2);
  }
  if (process.getuid?.() !== 0) {
    console.error('sim: this machine is not prepared; run `sudo npm run sim:setup` first');
    process.exit(2);
  }
  console.error('sim: preparing the machine (sim/env/setup.sh)');
  const r = spawnSync('bash', [join(repo, 'sim', 'env', 'setup.sh')], { stdio: 'inherit' });
  if (r.status !== 0 || !machineReady()) {
    console.error('sim: sim/env/setup.sh failed');
    process.exit(2);
  }
}

const cluster = await startCluster({
  port,
  kubeconfigPath,
  log: quiet ? undefined : (msg) => console.error(msg),
});
console.log(`sim: ready, KUBECONFIG=${cluster.kubeconfigPath} (API ${cluster.url}, DNS ${cluster.dnsIP})`);
