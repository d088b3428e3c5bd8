// Starts a store, the bootstrap objects and an API server on a free port with a kubeconfig, for tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap } from '../store/bootstrap.ts';
import { MemoryStore, type StoreOptions } from '../store/memory-store.ts';
import { kubeconfigYaml } from './kubeconfig.ts';
import type { MetricsSource } from './metrics.ts';
import type { PodSubresources } from './pod-subresources.ts';
import { type ApiServer, startApiServer } from './server.ts';

export { kubeconfigYaml } from './kubeconfig.ts';

export interface TestServer {
  store: MemoryStore;
  server: ApiServer;
  token: string;
  kubeconfigPath: string;
  kubeconfig: string;
  close(): Promise<void>;
}

export async function startTestServer(
  options: {
    store?: StoreOptions;
    subresources?: PodSubresources;
    metrics?: MetricsSource;
    bookmarkIntervalMs?: number;
    watchTimeoutMs?: () => number;
    tlsDir?: string;
  } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sim-apiserver-'));
  const store = new MemoryStore(options.store);
  bootstrap(store);
  const token = 'test-token';
  const server = await startApiServer({
    store,
    token,
    tlsDir: options.tlsDir ?? join(dir, 'tls'),
    subresources: options.subresources,
    metrics: options.metrics,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
    watchTimeoutMs: options.watchTimeoutMs,
  });
  const kubeconfig = kubeconfigYaml(server.url, server.caPem, token);
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig);
  return {
    store,
    server,
    token,
    kubeconfigPath,
    kubeconfig,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
