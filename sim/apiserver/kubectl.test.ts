// The simulated API server with kubectl 1.32 as the client, and the events.k8s.io/v1 view.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import https from 'node:https';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from './test-server.ts';

// biome-ignore lint/suspicious/noExplicitAny: test objects
type J = any;

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  return new Promise<[number, string]>((resolve, reject) => {
    const req = https.request(
      `${t.server.url}${path}`,
      { method, ca: t.server.caPem, headers: { Authorization: `Bearer ${t.token}`, ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve([res.statusCode ?? 0, text]));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('kubectl: run, apply (client-side, strategic merge), get with server-side columns, delete, create (protobuf)', {
  skip: !hasKubectl(),
}, async () => {
  const { writeFileSync } = await import('node:fs');
  const { join, dirname } = await import('node:path');
  const env = { ...process.env, KUBECONFIG: t.kubeconfigPath };
  const kubectl = async (...args: string[]) =>
    (await promisify(execFile)('kubectl', args, { env, encoding: 'utf8' })).stdout;
  assert.match(await kubectl('run', 'kc', '--image=nginx:1.27', '-l', 'app=kc'), /pod\/kc created/);
  const manifest = join(dirname(t.kubeconfigPath), 'cm.yaml');
  writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kc-cfg\ndata:\n  a: "1"\n');
  assert.match(await kubectl('apply', '-f', manifest), /configmap\/kc-cfg created/);
  writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kc-cfg\ndata:\n  a: "2"\n');
  assert.match(await kubectl('apply', '-f', manifest), /configmap\/kc-cfg configured/);
  assert.equal(await kubectl('get', 'cm', 'kc-cfg', '-o', 'jsonpath={.data.a}'), '2');
  assert.match(
    await kubectl('get', 'pods', 'kc'),
    /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nkc\s+0\/1\s+Pending\s+0\s+\d+s\n$/,
  );
  assert.match(await kubectl('delete', 'configmap', 'kc-cfg'), /configmap "kc-cfg" deleted/);
  // typed clients send protobuf bodies
  assert.match(await kubectl('create', 'namespace', 'kc-ns'), /namespace\/kc-ns created/);
  assert.match(
    await kubectl('create', 'configmap', 'kc-cm', '-n', 'kc-ns', '--from-literal=k=v'),
    /configmap\/kc-cm created/,
  );
  assert.match(
    await kubectl('create', 'secret', 'generic', 'kc-s', '-n', 'kc-ns', '--from-literal=k=v'),
    /secret\/kc-s created/,
  );
  assert.equal(
    await kubectl('get', 'secret', 'kc-s', '-n', 'kc-ns', '-o', 'jsonpath={.data.k}'),
    Buffer.from('v').toString('base64'),
  );
  assert.equal(await kubectl('get', 'cm', 'kc-cm', '-n', 'kc-ns', '-o', 'jsonpath={.data.k}'), 'v');
});

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('events.k8s.io/v1 is the core Events storage in another shape', async () => {
  const pod: J = t.store.create('pods', {
    metadata: { name: 'ev-pod', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'i:1' }] },
  });
  t.store.create('events', {
    metadata: { name: 'ev-pod.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'ev-pod', namespace: 'default', uid: pod.metadata.uid },
    reason: 'Pulled',
    message: 'pulled',
    type: 'Normal',
    source: { component: 'kubelet' },
    count: 1,
  });
  const [code, body] = await raw(
    'GET',
    '/apis/events.k8s.io/v1/namespaces/default/events?fieldSelector=regarding.name%3Dev-pod',
  );
  assert.equal(code, 200);
  const list = JSON.parse(body);
  assert.equal(list.kind, 'EventList');
  assert.equal(list.apiVersion, 'events.k8s.io/v1');
  assert.equal(list.items.length, 1);
  assert.equal(list.items[0].note, 'pulled');
  assert.equal(list.items[0].regarding.name, 'ev-pod');
  assert.deepEqual(list.items[0].deprecatedSource, { component: 'kubelet' });
  const [created] = await raw(
    'POST',
    '/apis/events.k8s.io/v1/namespaces/default/events',
    JSON.stringify({
      metadata: { name: 'ev-pod.2' },
      eventTime: '2026-01-01T00:00:00.000000Z',
      reportingController: 'example.com/ctl',
      reportingInstance: 'x',
      action: 'Act',
      reason: 'Tested',
      note: 'from v1',
      type: 'Normal',
      regarding: { kind: 'Pod', name: 'ev-pod', namespace: 'default' },
    }),
    { 'Content-Type': 'application/json' },
  );
  assert.equal(created, 201);
  const core: J = t.store.get('events', 'default', 'ev-pod.2');
  assert.equal(core.message, 'from v1');
  assert.equal(core.reportingComponent, 'example.com/ctl');
  assert.equal(core.involvedObject.name, 'ev-pod');
});
