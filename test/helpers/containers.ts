// Shared setup for the container end-to-end tests: a namespace on the test cluster, badidea serving it (with the
// local registry as Docker Hub mirror), and the docker CLI environment.

import { type BadideaServer, docker, startBadidea } from './badidea.ts';
import { getCluster, type TestCluster } from './cluster.ts';

export const MIRROR = 'http://127.0.0.1:5000';

export interface ContainersSetup {
  cluster: TestCluster;
  server: BadideaServer;
  env: NodeJS.ProcessEnv;
  /** Kills the server (SIGKILL, no shutdown) and starts a new one on the same namespace. */
  restartServer(): Promise<void>;
  stop(): Promise<void>;
}

export async function setupContainers(args: string[] = []): Promise<ContainersSetup> {
  const cluster = await getCluster();
  const start = () =>
    startBadidea({
      kubeconfig: cluster.kubeconfig,
      namespace: cluster.namespace,
      args: ['--registry-mirror', MIRROR, ...args],
      // A loaded test machine can take a while to load the server's modules.
      startTimeoutMs: 90_000,
    });
  let server = await start();
  const setup: ContainersSetup = {
    cluster,
    server,
    env: server.env,
    async restartServer() {
      const p = server.process;
      if (p.exitCode === null && p.signalCode === null) {
        const exited = new Promise((r) => p.once('exit', r));
        p.kill('SIGKILL');
        await exited;
      }
      server = await start();
      setup.server = server;
      // Same DOCKER_CONFIG, new address.
      setup.env = { ...setup.env, DOCKER_HOST: server.dockerHost };
    },
    async stop() {
      await server.stop();
      await cluster.stop();
    },
  };
  // Pull once so `docker run busybox` finds the image.
  const pull = await docker(['pull', 'busybox'], server.env, 120_000);
  if (pull.code !== 0) throw new Error(`docker pull busybox failed: ${pull.stderr}`);
  return setup;
}

export async function dockerOk(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<string> {
  const r = await docker(args, env, timeoutMs);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}
