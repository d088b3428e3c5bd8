// The simulated API server through real HTTPS, with @kubernetes/client-node as the client.
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, test } from 'node:test';
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { startTestServer, type TestServer } from './test-server.ts';

// biome-ignore lint/suspicious/noExplicitAny: test objects
type J = any;

let t: TestServer;
let kc: KubeConfig;
let core: CoreV1Api;

before(async () => {
  t = await startTestServer({ bookmarkIntervalMs: 50 });
  kc = new KubeConfig();
  kc.loadFromString(t.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
});
after(() => t.close());

/** Raw HTTPS request: [status, headers, body text]. */
function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}, token = t.token) {
  return new Promise<[number, Record<string, unknown>, string]>((resolve, reject) => {
    const req = https.request(
      `${t.server.url}${path}`,
      { method, ca: t.server.caPem, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve([res.statusCode ?? 0, res.headers, text]));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function apiError(p: Promise<unknown>): Promise<J> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiException, String(err));
    return typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
  }
  assert.fail('expected an ApiException');
}

const podBody = (name: string, labels?: Record<string, string>): V1Pod => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
});

test('401 without a token; /version and health are public', async () => {
  const [code, , body] = await raw('GET', '/api/v1/pods', undefined, {}, '');
  assert.equal(code, 401);
  assert.deepEqual(JSON.parse(body), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  });
  const [v, , version] = await raw('GET', '/version', undefined, {}, '');
  assert.equal(v, 200);
  assert.equal(JSON.parse(version).gitVersion, 'v1.34.0');
  assert.equal((await raw('GET', '/readyz', undefined, {}, ''))[0], 200);
});

test('discovery lists resources with subresources', async () => {
  const [, , body] = await raw('GET', '/api/v1');
  const list = JSON.parse(body);
  assert.equal(list.kind, 'APIResourceList');
  const names = list.resources.map((r: J) => r.name);
  for (const n of ['pods', 'pods/status', 'pods/log', 'pods/exec', 'pods/binding', 'services', 'namespaces/finalize'])
    assert.ok(names.includes(n), n);
  const groups = JSON.parse((await raw('GET', '/apis'))[2]).groups.map((g: J) => g.name);
  for (const g of ['discovery.k8s.io', 'storage.k8s.io', 'events.k8s.io', 'coordination.k8s.io', 'networking.k8s.io'])
    assert.ok(groups.includes(g), g);
  assert.ok(!groups.includes('metrics.k8s.io'), 'no metrics without a MetricsSource');
});

test('CoreV1Api: create, read, list with selectors, conflict and validation errors', async () => {
  const created = await core.createNamespacedPod({ namespace: 'default', body: podBody('api-a', { app: 'web' }) });
  assert.equal(created.spec?.restartPolicy, 'Always');
  assert.equal(created.status?.phase, 'Pending');
  await core.createNamespacedPod({ namespace: 'default', body: podBody('api-b', { app: 'db' }) });
  const list = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app in (web)' });
  assert.deepEqual(
    list.items.map((p) => p.metadata?.name),
    ['api-a'],
  );
  assert.ok(list.metadata?.resourceVersion);
  const [, , rawList] = await raw('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb');
  const parsed = JSON.parse(rawList);
  assert.equal(parsed.kind, 'PodList');
  assert.equal(parsed.items[0].kind, undefined, 'list items carry no kind');

  const exists = await apiError(core.createNamespacedPod({ namespace: 'default', body: podBody('api-a') }));
  assert.equal(exists.code, 409);
  assert.equal(exists.reason, 'AlreadyExists');
  assert.equal(exists.message, 'pods "api-a" already exists');

  const stale = { ...created, metadata: { ...created.metadata, labels: { app: 'x' } } };
  await core.replaceNamespacedPod({ namespace: 'default', name: 'api-a', body: stale });
  const conflict = await apiError(core.replaceNamespacedPod({ namespace: 'default', name: 'api-a', body: stale }));
  assert.equal(conflict.code, 409);
  assert.equal(
    conflict.message,
    'Operation cannot be fulfilled on pods "api-a": the object has been modified; please apply your changes to the latest version and try again',
  );

  const bad = await apiError(
    core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'bad' }, spec: { containers: [{ name: 'c' }] } } as V1Pod,
    }),
  );
  assert.equal(bad.code, 422);
  assert.equal(bad.message, 'Pod "bad" is invalid: spec.containers[0].image: Required value');
  assert.deepEqual(bad.details, {
    name: 'bad',
    kind: 'Pod',
    causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }],
  });

  const missing = await apiError(core.readNamespacedPod({ namespace: 'default', name: 'nope' }));
  assert.deepEqual(missing, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'pods "nope" not found',
    reason: 'NotFound',
    details: { name: 'nope', kind: 'pods' },
    code: 404,
  });

  const [typeCode, , typeBody] = await raw(
    'POST',
    '/api/v1/namespaces/default/pods',
    JSON.stringify({ metadata: { name: 't' }, spec: { containers: [{ name: 'c', image: 5 }] } }),
    { 'Content-Type': 'application/json' },
  );
  assert.equal(typeCode, 400);
  assert.match(
    JSON.parse(typeBody).message,
    /^Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field/,
  );
});

test('patch: json, merge, strategic merge, unsupported media type', async () => {
  await core.createNamespacedPod({ namespace: 'default', body: podBody('patchme') });
  const json = await core.patchNamespacedPod(
    { namespace: 'default', name: 'patchme', body: [{ op: 'add', path: '/metadata/labels', value: { a: '1' } }] },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  );
  assert.deepEqual(json.metadata?.labels, { a: '1' });
  const merge = await core.patchNamespacedPod(
    { namespace: 'default', name: 'patchme', body: { metadata: { labels: { a: null, b: '2' } } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  assert.deepEqual(merge.metadata?.labels, { b: '2' });
  const smp = await core.patchNamespacedPod(
    {
      namespace: 'default',
      name: 'patchme',
      body: { spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] }, metadata: { finalizers: ['x.io/f'] } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
  );
  assert.equal(smp.spec?.containers.length, 1, 'containers merged by name, not replaced');
  assert.equal(smp.spec?.containers[0]?.image, 'busybox:1.37');
  assert.equal(smp.spec?.containers[0]?.terminationMessagePath, '/dev/termination-log');
  const status = await core.patchNamespacedPodStatus(
    {
      namespace: 'default',
      name: 'patchme',
      body: { status: { conditions: [{ type: 'Ready', status: 'False' }] } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
  );
  assert.equal(status.status?.conditions?.[0]?.type, 'Ready');
  const [code, , body] = await raw('PATCH', '/api/v1/namespaces/default/pods/patchme', '{}', {
    'Content-Type': 'text/plain',
  });
  assert.equal(code, 415);
  assert.equal(JSON.parse(body).reason, 'UnsupportedMediaType');
  const forbidden = await apiError(
    core.patchNamespacedPod(
      { namespace: 'default', name: 'patchme', body: { spec: { restartPolicy: 'Never' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    ),
  );
  assert.equal(forbidden.code, 422);
  assert.match(
    forbidden.message,
    /^Pod "patchme" is invalid: spec: Forbidden: pod updates may not change fields other than/,
  );
});

test('limit and continue page through a consistent snapshot', async () => {
  await core.createNamespace({ body: { metadata: { name: 'paging' } } });
  for (const n of ['a', 'b', 'c', 'd', 'e'])
    await core.createNamespacedConfigMap({ namespace: 'paging', body: { metadata: { name: n } } as V1ConfigMap });
  const first = await core.listNamespacedConfigMap({ namespace: 'paging', limit: 2 });
  assert.deepEqual(
    first.items.map((c) => c.metadata?.name),
    ['a', 'b'],
  );
  assert.equal(first.metadata?.remainingItemCount, 3);
  await core.deleteNamespacedConfigMap({ namespace: 'paging', name: 'c' });
  const second = await core.listNamespacedConfigMap({
    namespace: 'paging',
    limit: 2,
    _continue: first.metadata?._continue,
  });
  assert.deepEqual(
    second.items.map((c) => c.metadata?.name),
    ['c', 'd'],
    'the deleted item is still in the snapshot',
  );
  assert.equal(second.metadata?.resourceVersion, first.metadata?.resourceVersion);
  const third = await core.listNamespacedConfigMap({
    namespace: 'paging',
    limit: 2,
    _continue: second.metadata?._continue,
  });
  assert.deepEqual(
    third.items.map((c) => c.metadata?.name),
    ['e'],
  );
  assert.equal(third.metadata?._continue, undefined);
  t.store.compact();
  const expiredErr = await apiError(
    core.listNamespacedConfigMap({ namespace: 'paging', limit: 2, _continue: first.metadata?._continue }),
  );
  assert.equal(expiredErr.code, 410);
  assert.equal(expiredErr.reason, 'Expired');
});

test('delete: pods return the object, configmaps a Success Status', async () => {
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'del' } } as V1ConfigMap });
  const [, , cmBody] = await raw('DELETE', '/api/v1/namespaces/default/configmaps/del');
  const s = JSON.parse(cmBody);
  assert.equal(s.kind, 'Status');
  assert.equal(s.status, 'Success');
  assert.equal(s.details.name, 'del');
  assert.equal(s.details.kind, 'configmaps');
  await core.createNamespacedPod({ namespace: 'default', body: podBody('del-pod') });
  const deleted = await core.deleteNamespacedPod({ namespace: 'default', name: 'del-pod' });
  assert.equal((deleted as J).kind, 'Pod');
});

test('Watch: events newline-terminated, DELETED on leaving the selector, 410 then close', async () => {
  const rv = (await core.listNamespacedPod({ namespace: 'default' })).metadata?.resourceVersion;
  const seen: string[] = [];
  let done!: (err: unknown) => void;
  const finished = new Promise((r) => {
    done = r;
  });
  const ctl = await new Watch(kc).watch(
    '/api/v1/namespaces/default/pods',
    { labelSelector: 'watch=me', resourceVersion: rv },
    (type, obj) => seen.push(`${type} ${obj.metadata.name}`),
    (err) => done(err),
  );
  await core.createNamespacedPod({ namespace: 'default', body: podBody('w1', { watch: 'me' }) });
  await core.patchNamespacedPod(
    { namespace: 'default', name: 'w1', body: { metadata: { labels: { watch: 'no' } } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  await new Promise((r) => setTimeout(r, 100));
  ctl.abort();
  await finished;
  assert.deepEqual(seen, ['ADDED w1', 'DELETED w1']);

  t.store.compact();
  const events: J[] = [];
  const closed = new Promise((resolve) => {
    new Watch(kc).watch(
      '/api/v1/namespaces/default/pods',
      { resourceVersion: rv },
      (type, obj) => events.push({ type, obj }),
      resolve,
    );
  });
  await closed;
  assert.equal(events.length, 1);
  assert.equal(events[0].type, 'ERROR');
  assert.equal(events[0].obj.code, 410);
  assert.equal(events[0].obj.reason, 'Expired');
});

test('bookmarks when asked', async () => {
  const [code, , body] = await raw(
    'GET',
    '/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true&timeoutSeconds=1',
  );
  assert.equal(code, 200);
  const lines = body
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const bookmarks = lines.filter((l) => l.type === 'BOOKMARK');
  assert.ok(bookmarks.length >= 2, `bookmarks: ${bookmarks.length}`);
  assert.equal(bookmarks[0].object.kind, 'ConfigMap');
  assert.equal(bookmarks[0].object.metadata.creationTimestamp, null);
  assert.match(bookmarks[0].object.metadata.resourceVersion, /^\d+$/);
});

test('makeInformer relists after a 410 and then follows the watch', async () => {
  await core.createNamespace({ body: { metadata: { name: 'informer' } } });
  const staleRV = t.store.resourceVersion();
  t.store.create('configmaps', { metadata: { name: 'one', namespace: 'informer' } });
  t.store.compact();
  let lists = 0;
  // the first list claims an old resourceVersion, so the informer's watch gets ERROR 410 and it relists
  const informer = makeInformer(kc, '/api/v1/namespaces/informer/configmaps', async () => {
    lists++;
    const list = await core.listNamespacedConfigMap({ namespace: 'informer' });
    if (lists === 1) list.metadata = { ...list.metadata, resourceVersion: staleRV };
    return list;
  });
  const added: string[] = [];
  informer.on('add', (o) => added.push(o.metadata?.name ?? ''));
  await informer.start();
  const waitFor = async (what: string, fn: () => boolean) => {
    const deadline = Date.now() + 5000;
    while (!fn()) {
      if (Date.now() > deadline) assert.fail(`timed out: ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await waitFor('relist after 410', () => lists >= 2);
  await core.createNamespacedConfigMap({ namespace: 'informer', body: { metadata: { name: 'two' } } as V1ConfigMap });
  await waitFor('add two', () => added.includes('two'));
  assert.deepEqual(
    informer
      .list('informer')
      .map((o) => o.metadata?.name)
      .sort(),
    ['one', 'two'],
  );
  await informer.stop();
});
