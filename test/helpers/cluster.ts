// Picks the cluster an end-to-end test runs against, and gives each test its own namespace.
//
// - Default: a simulated cluster (sim/cluster.ts) started in this process, shared by the tests of one
//   test file (one process under node:test) and closed a moment after the last test lets go of it.
// - BADIDEA_TEST_REAL_CLUSTER=1: the cluster of KUBECONFIG (or ~/.kube/config), e.g. a real cluster,
//   or a simulated one started apart with `npm run sim`. A KUBECONFIG alone does not switch: it is
//   often set in a shell for other reasons, and a test run must not touch a cluster by surprise.
//
// Namespaces are created through the API and deleted (without waiting) when the test stops.
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SimCluster } from '../../sim/cluster.ts';
import { type KubeClient, kubeClient } from './kube-client.ts';

export interface TestCluster {
  /** Path of a kubeconfig for the cluster (its current context). */
  kubeconfig: string;
  /** A namespace made for this test, deleted by stop(). */
  namespace: string;
  kind: 'sim' | 'real';
  /** Fault injection, on a simulated cluster only. */
  sim?: SimCluster;
  /** Raw JSON access to the API with the kubeconfig's credentials. */
  api: KubeClient;
  /** Runs kubectl against the cluster, in the test's namespace unless args name one. Never throws. */
  kubectl(args: string[], options?: KubectlOptions): Promise<KubectlResult>;
  stop(): Promise<void>;
}

export interface KubectlOptions {
  stdin?: string | Buffer;
  timeoutMs?: number;
  /** Called with each chunk of stdout as it arrives (for `get -w`). */
  onStdout?: (chunk: string) => void;
  signal?: AbortSignal;
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

interface Shared {
  sim?: SimCluster;
  kubeconfig: string;
  kind: 'sim' | 'real';
  api: KubeClient;
  users: number;
  closeTimer?: NodeJS.Timeout;
}

// One cluster per test process: a test helper's process-wide cache, not product state.
let shared: Promise<Shared> | undefined;

async function acquire(): Promise<Shared> {
  if (!shared) {
    shared = (async (): Promise<Shared> => {
      if (process.env.BADIDEA_TEST_REAL_CLUSTER === '1') {
        const kubeconfig = process.env.KUBECONFIG?.split(':')[0] || join(homedir(), '.kube', 'config');
        return { kubeconfig, kind: 'real', api: await kubeClient(kubeconfig), users: 0 };
      }
      const { startCluster } = await import('../../sim/cluster.ts');
      const sim = await startCluster({ log: process.env.SIM_LOG ? (m) => console.error(m) : undefined });
      return { sim, kubeconfig: sim.kubeconfigPath, kind: 'sim', api: await kubeClient(sim.kubeconfigPath), users: 0 };
    })();
    shared.catch(() => {
      shared = undefined;
    });
  }
  const s = await shared;
  s.users++;
  if (s.closeTimer) clearTimeout(s.closeTimer);
  s.closeTimer = undefined;
  return s;
}

function release(s: Shared): Promise<void> {
  s.users--;
  if (s.users > 0 || !s.sim) return Promise.resolve();
  // A moment's grace: node:test runs a file's tests one after another, and the next one reuses the cluster.
  return new Promise((resolve) => {
    s.closeTimer = setTimeout(() => {
      if (s.users > 0) return resolve();
      shared = undefined;
      s.sim
        ?.close()
        .catch((err) => console.error(`test: closing the simulated cluster: ${err}`))
        .finally(resolve);
    }, 300);
    // The promise resolves at once; the timer alone keeps the process up until the cluster is closed.
    resolve();
  });
}

export async function getCluster(): Promise<TestCluster> {
  const s = await acquire();
  const namespace = `t-${Date.now().toString(36).slice(-4)}${Math.random().toString(36).slice(2, 7)}`;
  try {
    await s.api.request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { 'badidea.dev/test': 'true' } },
    });
  } catch (err) {
    await release(s);
    throw err;
  }
  let stopped = false;
  return {
    kubeconfig: s.kubeconfig,
    namespace,
    kind: s.kind,
    sim: s.sim,
    api: s.api,
    kubectl: (args, options) =>
      // A simulated cluster's discovery cache lives (and goes) with it: ports are reused across runs.
      runKubectl(
        s.kubeconfig,
        namespace,
        s.sim ? ['--cache-dir', join(dirname(s.kubeconfig), 'kube-cache'), ...args] : args,
        options,
      ),
    async stop() {
      if (stopped) return;
      stopped = true;
      await s.api.request('DELETE', `/api/v1/namespaces/${namespace}`).catch(() => {});
      await release(s);
    },
  };
}

export function runKubectl(
  kubeconfig: string,
  namespace: string | undefined,
  args: string[],
  options: KubectlOptions = {},
): Promise<KubectlResult> {
  const started = performance.now();
  const full = ['--kubeconfig', kubeconfig, ...(namespace && !hasNamespace(args) ? ['-n', namespace] : []), ...args];
  return new Promise((resolve) => {
    // Always asynchronous: the simulated API server may be serving from this very process.
    const child = spawn(KUBECTL, full, { stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      options.onStdout?.(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (err) => {
      stderr += String(err);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
    child.stdin.on('error', () => {});
    if (options.stdin !== undefined) child.stdin.end(options.stdin);
    else child.stdin.end();
  });
}

function hasNamespace(args: string[]): boolean {
  return args.some((a) => a === '-n' || a === '--namespace' || a.startsWith('--namespace=') || a === '-A');
}
