// The simulated cluster's fault injection hooks, as the harness hands them to tests, and the
// in-cluster path to the API server (the `kubernetes` Service).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getCluster, type TestCluster } from '../helpers/cluster.ts';
import { KubeError } from '../helpers/kube-client.ts';

interface Pod {
  metadata: { name: string; resourceVersion: string };
  status?: {
    phase?: string;
    reason?: string;
    containerStatuses?: { state?: { waiting?: { reason?: string; message?: string } } }[];
  };
}

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    terminationGracePeriodSeconds: 0,
    containers: [
      { name: 'main', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'], ...extra },
    ],
  },
});

describe('simulated cluster: fault injection', { skip: process.env.BADIDEA_TEST_REAL_CLUSTER === '1' }, () => {
  let c: TestCluster;
  before(async () => {
    c = await getCluster();
  });
  after(async () => {
    await c?.stop();
  });
  const path = () => `/api/v1/namespaces/${c.namespace}/pods`;
  const until = (name: string, check: (p: Pod) => boolean, ms = 60_000) =>
    c.api.watchUntil<Pod>(`${path()}?fieldSelector=metadata.name%3D${name}`, (_t, p) => check(p), ms);

  it('stopApi/startApi: the API goes away and comes back with its state; pods keep running', async () => {
    await c.api.request('POST', path(), pod('survivor'));
    await until('survivor', (p) => p.status?.phase === 'Running');
    await c.sim!.stopApi();
    const down = await c.kubectl(['get', 'pods', '--request-timeout=3s']);
    assert.notEqual(down.code, 0);
    assert.match(down.stderr, /connection refused|connect: /);
    await c.sim!.startApi();
    const up = await c.kubectl(['get', 'pod', 'survivor', '-o', 'jsonpath={.status.phase}']);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(up.stdout, 'Running');
  });

  it('compactWatches: a watch from an older resourceVersion gets 410 Gone', async () => {
    const created = await c.api.request<Pod>('POST', path(), pod('old-rv'));
    await c.api.request('DELETE', `${path()}/old-rv`);
    c.sim!.compactWatches();
    const outcome = await c.api
      .watchUntil<{ code?: number }>(
        `${path()}?resourceVersion=${created.metadata.resourceVersion}`,
        (type) => type === 'ERROR',
        10_000,
      )
      .then((ev) => ev.object.code)
      .catch((err: unknown) => (err instanceof KubeError ? err.status : String(err)));
    assert.equal(outcome, 410);
  });

  it('expireWatches: open watches end, and resuming from the last version seen gets 410 Gone', async () => {
    const list = await c.api.request<{ metadata: { resourceVersion: string } }>('GET', path());
    const rv = list.metadata.resourceVersion;
    const open = c.api
      .watchUntil(`${path()}?resourceVersion=${rv}`, () => false, 30_000)
      .catch((e: Error) => e.message);
    await new Promise((r) => setTimeout(r, 200));
    await c.sim!.expireWatches();
    assert.match(String(await open), /ended|ECONNRESET|socket hang up/);
    const resumed = await c.api
      .watchUntil<{ code?: number }>(`${path()}?resourceVersion=${rv}`, (type) => type === 'ERROR', 10_000)
      .then((ev) => ev.object.code)
      .catch((err: unknown) => (err instanceof KubeError ? err.status : String(err)));
    assert.equal(resumed, 410);
  });

  it('failImagePull: pulls fail with ErrImagePull until cleared', async () => {
    const clear = c.sim!.failImagePull('busybox');
    try {
      await c.api.request('POST', path(), pod('no-pull', { imagePullPolicy: 'Always' }));
      const ev = await until('no-pull', (p) =>
        ['ErrImagePull', 'ImagePullBackOff'].includes(p.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? ''),
      );
      assert.match(ev.object.status?.containerStatuses?.[0]?.state?.waiting?.message ?? '', /injected failure|pull/);
    } finally {
      clear();
    }
  });

  it('evictPod: the pod fails with reason Evicted', async () => {
    await c.api.request('POST', path(), pod('evictee'));
    await until('evictee', (p) => p.status?.phase === 'Running');
    assert.equal(c.sim!.evictPod(c.namespace, 'evictee'), true);
    const ev = await until('evictee', (p) => p.status?.phase === 'Failed');
    assert.equal(ev.object.status?.reason, 'Evicted');
  });

  it('pods reach the API server through the kubernetes Service', async () => {
    await c.api.request('POST', path(), pod('in-cluster'));
    await until('in-cluster', (p) => p.status?.phase === 'Running');
    const r = await c.kubectl([
      'exec',
      'in-cluster',
      '--',
      'sh',
      '-c',
      'echo $KUBERNETES_SERVICE_HOST; timeout 5 nc -w 3 kubernetes.default.svc 443 </dev/null && echo connected',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const [host, connected] = r.stdout.trim().split('\n');
    const svc = await c.api.request<{ spec: { clusterIP: string } }>(
      'GET',
      '/api/v1/namespaces/default/services/kubernetes',
    );
    assert.equal(host, svc.spec.clusterIP);
    assert.equal(connected, 'connected');
  });
});
