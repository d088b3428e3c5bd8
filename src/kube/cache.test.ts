import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Unavailable } from '../errors.ts';
import { silentLogger } from '../log.ts';
import { KubeCache } from './cache.ts';
import { KubeClient } from './client.ts';
import { KubeConnection } from './connection.ts';
import { loadKubeconfig } from './kubeconfig.ts';
import { FakeApiServer } from './testing/fake-apiserver.ts';
import { KubeTransport } from './transport.ts';
import type { KubeObject } from './types.ts';

const managed = (name: string, extra: Record<string, string> = {}): KubeObject => ({
  metadata: { name, labels: { 'badidea.dev/managed': 'true', ...extra } },
});

function connect(kubeconfig: string) {
  const target = loadKubeconfig({ kubeconfig });
  const connection = new KubeConnection(new KubeTransport(target), {
    log: silentLogger,
    probeInitialMs: 50,
    probeMaxMs: 200,
  });
  const client = new KubeClient(connection, { timeoutMs: 2000 });
  const cache = new KubeCache({
    client,
    log: silentLogger,
    kinds: ['pods', 'services'],
    backoffMaxMs: 200,
    idleTimeoutMs: 1500,
  });
  return { target, connection, client, cache };
}

describe('kube cache against a fake API server', () => {
  const api = new FakeApiServer();
  let k: ReturnType<typeof connect>;
  before(async () => {
    await api.start();
    api.put('pods', managed('p1'));
    api.put('pods', { metadata: { name: 'foreign', labels: {} } });
    k = connect(api.writeKubeconfig(mkdtempSync(join(tmpdir(), 'kube-'))));
    await k.connection.start();
    k.cache.start();
    await k.cache.hasSynced();
  });
  after(async () => {
    await k.cache.stop();
    await k.connection.stop();
    await k.connection.transport.close();
    await api.stop();
  });

  test('namespace and version come from the kubeconfig and the probe', () => {
    assert.equal(k.target.namespace, 'testns');
    assert.equal(k.target.name, 'fake');
    assert.equal(k.connection.version?.gitVersion, 'v1.32.0-fake');
  });

  test('lists only managed objects, then follows the watch', async () => {
    assert.deepEqual(
      k.cache.pods.list().map((p) => p.metadata.name),
      ['p1'],
    );
    const reads = () => api.requests.filter((r) => !r.includes('watch=1')).length;
    const before = reads();
    api.put('pods', managed('p2', { app: 'web' }));
    const got = await k.cache.waitFor('pods', (l) => l.get('p2'), { timeoutMs: 2000 });
    assert.equal(got.metadata.labels?.app, 'web');
    assert.deepEqual(
      k.cache.pods.list({ app: 'web' }).map((p) => p.metadata.name),
      ['p2'],
    );
    // Served from memory: no request reached the API server for these reads.
    assert.equal(reads(), before);
  });

  test('managedFields is dropped before caching (listed and watched objects)', async () => {
    const fields = [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:metadata': {} } }];
    api.put('pods', { metadata: { ...managed('p3').metadata, managedFields: fields } });
    const got = await k.cache.waitFor('pods', (l) => l.get('p3'), { timeoutMs: 2000 });
    assert.equal('managedFields' in got.metadata, false);
  });

  test('waitFor sees deletions and honours timeouts and aborts', async () => {
    const gone = k.cache.waitFor('pods', (l) => (l.get('p1') ? undefined : true), { timeoutMs: 2000 });
    api.remove('pods', 'testns', 'p1');
    assert.equal(await gone, true);
    await assert.rejects(
      k.cache.waitFor('pods', () => undefined, { timeoutMs: 50, what: 'nothing' }),
      /timed out after 50 ms waiting for nothing/,
    );
    const ac = new AbortController();
    const p = k.cache.waitFor('pods', () => undefined, { signal: ac.signal });
    ac.abort(new Error('client left'));
    await assert.rejects(p, /client left/);
  });

  test('resumes after dropped watches and relists after 410', async () => {
    api.dropWatches();
    api.put('services', managed('s1'));
    await k.cache.waitFor('services', (l) => l.get('s1'), { timeoutMs: 3000 });
    api.expireHistory();
    api.put('services', managed('s2'));
    await k.cache.waitFor('services', (l) => l.get('s2'), { timeoutMs: 3000 });
    assert.ok(api.requests.some((r) => r.startsWith('GET /api/v1/namespaces/testns/services?labelSelector=')));
  });

  test('a silent watch is ended by the idle timeout and re-established', async () => {
    const watches = () => api.requests.filter((r) => r.includes('/pods?') && r.includes('watch=1')).length;
    const n = watches();
    await delay(1800);
    assert.ok(watches() > n, 'a new watch was opened after the idle timeout');
  });
});

describe('cluster down at start, then up', () => {
  test('503 naming the cluster and the cause, then recovery without restart', async () => {
    const api = new FakeApiServer();
    const port = await api.reservePort();
    const k = connect(api.writeKubeconfig(mkdtempSync(join(tmpdir(), 'kube-')), 'testns', port));
    try {
      await k.connection.start();
      k.cache.start();
      assert.equal(k.connection.up, false);
      assert.throws(
        () => k.cache.pods.list(),
        (e: Error) =>
          e instanceof Unavailable &&
          e.message.startsWith(`Kubernetes cluster "fake" (http://127.0.0.1:${port}) is unreachable: `) &&
          /ECONNREFUSED/.test(e.message),
      );
      await assert.rejects(k.client.get(k.client.corePath('pods', 'x')), Unavailable);
      api.put('pods', managed('late'));
      await api.start(port);
      await k.cache.hasSynced();
      await k.cache.waitFor('pods', (l) => l.get('late'), { timeoutMs: 3000 });
      assert.equal(k.connection.up, true);
      assert.equal(k.cache.pods.list().length, 1);
      // and down again: reads fail with 503, then recover once more
      await api.stop();
      await assert.rejects(k.client.get('/api/v1/nodes'), Unavailable);
      assert.throws(() => k.cache.pods.list(), Unavailable);
      await api.start(port);
      for (let i = 0; i < 100 && !k.connection.up; i++) await delay(50);
      assert.equal(k.cache.pods.get('late')?.metadata.name, 'late');
    } finally {
      await k.cache.stop();
      await k.connection.stop();
      await k.connection.transport.close();
      await api.stop();
    }
  });
});
