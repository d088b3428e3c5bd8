// Image records in Kubernetes: a pull writes ConfigMaps (and a pull Secret) that a second engine — as after a
// server restart — reads back from its own watch cache; rmi removes them, and the Secret goes with the last image.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ImagesEngine } from '../../src/engine/images/images-engine.ts';
import { kubeObjectApi } from '../../src/engine/images/kube-objects.ts';
import type { ConfigMap, Secret } from '../../src/engine/images/objects.ts';
import { ImageService } from '../../src/engine/images/service.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { KubeConnection } from '../../src/kube/connection.ts';
import { Informer } from '../../src/kube/informer.ts';
import { loadKubeconfig } from '../../src/kube/kubeconfig.ts';
import { KubeTransport } from '../../src/kube/transport.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { MANAGED_SELECTOR } from '../../src/kube/types.ts';
import { silentLogger } from '../../src/log.ts';
import { RegistryClient } from '../../src/registry/client.ts';
import { getCluster, type TestCluster } from '../helpers/cluster.ts';

const LOCAL = 'http://127.0.0.1:5000';

async function startEngine(cluster: TestCluster) {
  const target = loadKubeconfig({ kubeconfig: cluster.kubeconfig, namespace: cluster.namespace });
  const connection = new KubeConnection(new KubeTransport(target), { log: silentLogger });
  const client = new KubeClient(connection);
  const informer = <T extends KubeObject>(resource: string) =>
    new Informer<T>({ client, path: client.corePath(resource), labelSelector: MANAGED_SELECTOR, log: silentLogger });
  const cms = informer<KubeObject>('configmaps');
  const secs = informer<KubeObject>('secrets');
  cms.start();
  secs.start();
  await Promise.all([cms.hasSynced(), secs.hasSynced()]);
  const registry = new RegistryClient({ mirrors: [LOCAL], insecureRegistries: [] });
  const svc = new ImageService({
    kube: {
      configMaps: kubeObjectApi<ConfigMap>(client, 'configmaps', () => cms.store.list() as unknown as ConfigMap[]),
      secrets: kubeObjectApi<Secret>(client, 'secrets', () => secs.store.list() as unknown as Secret[]),
    },
    registry,
    platform: () => ({ os: 'linux', architecture: 'amd64' }),
    users: { containersUsing: () => [], pullSecretsInUse: () => new Set() },
  });
  return {
    engine: new ImagesEngine(svc),
    cms,
    secs,
    async stop() {
      await Promise.all([cms.stop(), secs.stop(), registry.close()]);
    },
  };
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('image records kept in Kubernetes', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await getCluster();
  });
  after(() => cluster?.stop());

  test('a pull survives a restart; rmi removes the objects and the unused pull Secret', async () => {
    const first = await startEngine(cluster);
    let id: string;
    try {
      const res = await first.engine.resolvePull({
        fromImage: 'busybox',
        tag: 'latest',
        auth: { username: 'u', password: 'p' },
      });
      assert.deepEqual(await first.engine.recordPull(res), { upToDate: false });
      // Read-your-writes: usable at once, before the watch delivers the objects.
      const c = await first.engine.resolveImageForContainer('busybox');
      id = c.imageId;
      assert.match(c.pullSecretName ?? '', /^badidea-pull-/);
    } finally {
      await first.stop();
    }

    const second = await startEngine(cluster);
    try {
      const img = second.engine.inspect('busybox:latest');
      assert.equal(img.Id, id);
      assert.deepEqual(img.RepoTags, ['busybox:latest']);
      const c = await second.engine.resolveImageForContainer(id);
      assert.match(c.digestRef, /^docker\.io\/library\/busybox@sha256:[a-f0-9]{64}$/);
      assert.equal(second.secs.store.list().length, 1);

      const removed = await second.engine.remove('busybox', false);
      assert.deepEqual(removed.at(-1), { Deleted: id });
      await eventually(() => second.cms.store.list().length === 0, 'the image ConfigMaps to go');
      await eventually(() => second.secs.store.list().length === 0, 'the pull Secret to go');
      assert.deepEqual(second.engine.list(new Map(), false), []);
    } finally {
      await second.stop();
    }
  });
});
