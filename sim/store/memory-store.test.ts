import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../apiserver/status.ts';
import { collect, newStore, pod } from './test-helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: test objects
type J = any;

function statusOf(fn: () => unknown): J {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected StatusError, got ${err}`);
    return err.status;
  }
  assert.fail('expected an error');
}

test('create defaults a pod like the API server', () => {
  const store = newStore();
  const p: J = store.create('pods', pod('a', {}, { app: 'x' }));
  assert.equal(p.spec.restartPolicy, 'Always');
  assert.equal(p.spec.dnsPolicy, 'ClusterFirst');
  assert.equal(p.spec.terminationGracePeriodSeconds, 30);
  assert.equal(p.spec.schedulerName, 'default-scheduler');
  assert.equal(p.spec.serviceAccountName, 'default');
  assert.equal(p.spec.enableServiceLinks, true);
  assert.equal(p.spec.priority, 0);
  assert.deepEqual(p.spec.securityContext, {});
  assert.equal(p.spec.containers[0].imagePullPolicy, 'IfNotPresent');
  assert.equal(p.spec.containers[0].terminationMessagePath, '/dev/termination-log');
  assert.equal(p.spec.containers[0].terminationMessagePolicy, 'File');
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
  assert.match(p.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.match(p.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(p.kind, 'Pod');
  const latest: J = store.create('pods', pod('b', { containers: [{ name: 'c', image: 'nginx' }] }));
  assert.equal(latest.spec.containers[0].imagePullPolicy, 'Always');
});

test('stale resourceVersion is a 409 Conflict with the real message', () => {
  const store = newStore();
  const p: J = store.create('pods', pod('x'));
  store.update('pods', { ...p, metadata: { ...p.metadata, labels: { a: 'b' } } });
  const s = statusOf(() => store.update('pods', { ...p, metadata: { ...p.metadata, labels: { a: 'c' } } }));
  assert.equal(s.code, 409);
  assert.equal(s.reason, 'Conflict');
  assert.equal(
    s.message,
    'Operation cannot be fulfilled on pods "x": the object has been modified; please apply your changes to the latest version and try again',
  );
  assert.deepEqual(s.details, { name: 'x', kind: 'pods' });
});

test('validation errors match the real Status', () => {
  const store = newStore();
  const s = statusOf(() => store.create('pods', pod('X', { containers: [{ name: 'c' }] })));
  assert.equal(s.code, 422);
  assert.equal(s.reason, 'Invalid');
  assert.equal(
    s.message,
    `Pod "X" is invalid: [metadata.name: Invalid value: "X": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), spec.containers[0].image: Required value]`,
  );
  assert.deepEqual(s.details.causes[1], {
    reason: 'FieldValueRequired',
    message: 'Required value',
    field: 'spec.containers[0].image',
  });
  const one = statusOf(() => store.create('pods', pod('y', { containers: [{ name: 'c' }] })));
  assert.equal(one.message, 'Pod "y" is invalid: spec.containers[0].image: Required value');
  const svc = statusOf(() =>
    store.create('services', { metadata: { name: '1abc', namespace: 'default' }, spec: { ports: [{ port: 80 }] } }),
  );
  assert.equal(
    svc.message,
    `Service "1abc" is invalid: metadata.name: Invalid value: "1abc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
  );
  const mounts = statusOf(() =>
    store.create(
      'pods',
      pod('m', {
        containers: [
          {
            name: 'a',
            image: 'i',
            volumeMounts: [{ name: 'nope', mountPath: '/x' }],
            ports: [{ containerPort: 70000 }],
          },
          { name: 'a', image: 'i' },
        ],
      }),
    ),
  );
  assert.equal(
    mounts.message,
    'Pod "m" is invalid: [spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.containers[0].volumeMounts[0].name: Not found: "nope", spec.containers[1].name: Duplicate value: "a"]',
  );
  const noName = statusOf(() => store.create('configmaps', { metadata: { namespace: 'default' } }));
  assert.equal(
    noName.message,
    'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
  );
});

test('pod spec is immutable except the allowed fields', () => {
  const store = newStore();
  const p: J = store.create('pods', pod('x'));
  p.spec.containers[0].image = 'busybox:1.37';
  const updated: J = store.update('pods', p);
  assert.equal(updated.spec.containers[0].image, 'busybox:1.37');
  assert.equal(updated.metadata.generation, 2);
  updated.spec.restartPolicy = 'Never';
  const s = statusOf(() => store.update('pods', updated));
  assert.equal(s.code, 422);
  assert.ok(
    s.message.startsWith(
      'Pod "x" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n',
    ),
    s.message,
  );
});

test('status subresource semantics', () => {
  const store = newStore();
  const p: J = store.create('pods', pod('x'));
  const withStatus: J = store.update('pods', { ...p, status: { phase: 'Running' } });
  assert.equal(withStatus.status.phase, 'Pending', 'main resource ignores .status');
  const s: J = store.update(
    'pods',
    { ...p, spec: { ...p.spec, restartPolicy: 'Never' }, status: { phase: 'Running' } },
    { subresource: 'status' },
  );
  assert.equal(s.status.phase, 'Running');
  assert.equal(s.spec.restartPolicy, 'Always', 'status update ignores spec');
});

test('generateName appends five characters', () => {
  const store = newStore();
  const p: J = store.create('pods', { ...pod(''), metadata: { generateName: 'web-', namespace: 'default' } });
  assert.match(p.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});

test('create in missing or terminating namespace', () => {
  const store = newStore();
  const missing = statusOf(() => store.create('pods', { ...pod('a'), metadata: { name: 'a', namespace: 'nope' } }));
  assert.equal(missing.code, 404);
  assert.equal(missing.message, 'namespaces "nope" not found');
  store.create('namespaces', { metadata: { name: 'gone' } });
  store.delete('namespaces', undefined, 'gone');
  const term = statusOf(() => store.create('configmaps', { metadata: { name: 'a', namespace: 'gone' } }));
  assert.equal(term.code, 403);
  assert.equal(
    term.message,
    'configmaps "a" is forbidden: unable to create new content in namespace gone because it is being terminated',
  );
  const exists = statusOf(() => store.create('pods', pod('dup')) && store.create('pods', pod('dup')));
  assert.equal(exists.message, 'pods "dup" already exists');
});

test('graceful pod deletion: deletionTimestamp, then the kubelet deletes with grace 0', () => {
  const store = newStore();
  const p: J = store.create('pods', pod('x', { nodeName: 'sim-node-1' }));
  const w = collect(store, 'pods', { resourceVersion: p.metadata.resourceVersion });
  const d = store.deleteDetailed('pods', 'default', 'x');
  assert.equal(d.deleted, false);
  assert.equal(d.object.metadata.deletionGracePeriodSeconds, 30);
  assert.ok(d.object.metadata.deletionTimestamp);
  const again = store.deleteDetailed('pods', 'default', 'x', { gracePeriodSeconds: 0 });
  assert.equal(again.deleted, true);
  assert.equal(store.get('pods', 'default', 'x'), undefined);
  assert.deepEqual(w.summary(), ['MODIFIED x', 'DELETED x']);
  const unscheduled = store.create('pods', pod('u'));
  assert.equal(store.deleteDetailed('pods', 'default', unscheduled.metadata.name!).deleted, true);
});

test('finalizers hold the object until removed', () => {
  const store = newStore();
  store.create('configmaps', { metadata: { name: 'f', namespace: 'default', finalizers: ['example.com/hold'] } });
  const d = store.deleteDetailed('configmaps', 'default', 'f');
  assert.equal(d.deleted, false);
  assert.ok(d.object.metadata.deletionTimestamp);
  assert.equal(d.object.metadata.deletionGracePeriodSeconds, 0);
  const held: J = store.get('configmaps', 'default', 'f');
  const s = statusOf(() =>
    store.update('configmaps', {
      ...held,
      metadata: { ...held.metadata, finalizers: ['example.com/hold', 'x.io/new'] },
    }),
  );
  assert.match(s.message, /no new finalizers can be added if the object is being deleted/);
  store.update('configmaps', { ...held, metadata: { ...held.metadata, finalizers: [] } });
  assert.equal(store.get('configmaps', 'default', 'f'), undefined);
});

test('delete preconditions', () => {
  const store = newStore();
  store.create('configmaps', { metadata: { name: 'p', namespace: 'default' } });
  const s = statusOf(() => store.delete('configmaps', 'default', 'p', { preconditions: { uid: 'nope' } }));
  assert.equal(s.code, 409);
  assert.match(
    s.message,
    /^Operation cannot be fulfilled on configmaps "p": Precondition failed: UID in precondition: nope, UID in object meta: /,
  );
});

test('services get a ClusterIP and defaults; PVCs the default class and protection finalizer', () => {
  const store = newStore();
  const svc: J = store.create('services', {
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  });
  assert.match(svc.spec.clusterIP, /^10\.96\.\d+\.\d+$/);
  assert.deepEqual(svc.spec.clusterIPs, [svc.spec.clusterIP]);
  assert.equal(svc.spec.type, 'ClusterIP');
  assert.equal(svc.spec.sessionAffinity, 'None');
  assert.deepEqual(svc.spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  const headless: J = store.create('services', {
    metadata: { name: 'h', namespace: 'default' },
    spec: { clusterIP: 'None', selector: { app: 'web' } },
  });
  assert.equal(headless.spec.clusterIP, 'None');
  const pvc: J = store.create('persistentvolumeclaims', {
    metadata: { name: 'data', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  });
  assert.equal(pvc.spec.storageClassName, 'standard');
  assert.equal(pvc.spec.volumeMode, 'Filesystem');
  assert.deepEqual(pvc.status, { phase: 'Pending' });
  assert.deepEqual(pvc.metadata.finalizers, ['kubernetes.io/pvc-protection']);
});

test('label and field selectors', () => {
  const store = newStore();
  store.create('pods', pod('a', {}, { app: 'web', tier: 'front' }));
  store.create('pods', pod('b', { nodeName: 'sim-node-1' }, { app: 'db' }));
  store.create('pods', pod('c', {}, { env: 'prod' }));
  const names = (labelSelector?: string, fieldSelector?: string) =>
    store.list('pods', 'default', { labelSelector, fieldSelector }).items.map((p) => p.metadata.name);
  assert.deepEqual(names('app=web'), ['a']);
  assert.deepEqual(names('app==web'), ['a']);
  assert.deepEqual(names('app!=web'), ['b', 'c']);
  assert.deepEqual(names('app in (web,db)'), ['a', 'b']);
  assert.deepEqual(names('app notin (web)'), ['b', 'c']);
  assert.deepEqual(names('app'), ['a', 'b']);
  assert.deepEqual(names('!app'), ['c']);
  assert.deepEqual(names('app,tier=front'), ['a']);
  assert.deepEqual(names(undefined, 'spec.nodeName=sim-node-1'), ['b']);
  assert.deepEqual(names(undefined, 'metadata.name!=a,status.phase=Pending'), ['b', 'c']);
  const bad = statusOf(() => names(undefined, 'spec.foo=bar'));
  assert.equal(bad.code, 400);
  assert.equal(bad.message, 'field label not supported: spec.foo');
  const badLabel = statusOf(() => names('a b c'));
  assert.equal(badLabel.code, 400);
  assert.match(badLabel.message, /^unable to parse requirement: /);
});

test('watch: DELETED when an object leaves the selector, ADDED when it enters', () => {
  const store = newStore();
  const a: J = store.create('pods', pod('a', {}, { app: 'web' }));
  const w = collect(store, 'pods', { labelSelector: 'app=web' });
  store.update('pods', { ...a, metadata: { ...a.metadata, labels: { app: 'other' } } });
  const moved: J = store.get('pods', 'default', 'a');
  store.update('pods', { ...moved, metadata: { ...moved.metadata, labels: { app: 'web' } } });
  assert.deepEqual(w.summary(), ['ADDED a', 'DELETED a', 'ADDED a']);
  const deleted = w.events[1]!.object;
  assert.equal(deleted.metadata.labels?.app, 'web', 'DELETED carries the last matching state');
  assert.equal(deleted.metadata.resourceVersion, String(Number(a.metadata.resourceVersion) + 1));
});

test('watch from a compacted resourceVersion: one ERROR 410 Expired', () => {
  const store = newStore();
  const p: J = store.create('pods', pod('a'));
  store.create('pods', pod('b'));
  store.compact();
  const w = collect(store, 'pods', { resourceVersion: p.metadata.resourceVersion });
  assert.equal(w.events.length, 1);
  const e: J = w.events[0];
  assert.equal(e.type, 'ERROR');
  assert.equal(e.object.code, 410);
  assert.equal(e.object.reason, 'Expired');
  assert.match(e.object.message, /^too old resource version: \d+ \(\d+\)$/);
});

test('watch resumes from a resourceVersion in order, and replays the initial state for "0"', () => {
  const store = newStore();
  const a: J = store.create('pods', pod('a'));
  store.create('pods', pod('b'));
  store.delete('pods', 'default', 'a');
  const from = collect(store, 'pods', { resourceVersion: a.metadata.resourceVersion });
  assert.deepEqual(from.summary(), ['ADDED b', 'DELETED a']);
  const zero = collect(store, 'pods', { resourceVersion: '0' });
  assert.deepEqual(zero.summary(), ['ADDED b']);
  store.create('pods', pod('c'));
  assert.deepEqual(zero.summary(), ['ADDED b', 'ADDED c']);
  zero.stop();
  store.create('pods', pod('d'));
  assert.deepEqual(zero.summary(), ['ADDED b', 'ADDED c']);
});

test('list at an older resourceVersion rebuilds the snapshot', () => {
  const store = newStore();
  store.create('configmaps', { metadata: { name: 'a', namespace: 'default' } });
  const rv = Number(store.resourceVersion());
  store.create('configmaps', { metadata: { name: 'b', namespace: 'default' } });
  store.delete('configmaps', 'default', 'a');
  const then = store.list('configmaps', 'default', { atResourceVersion: rv });
  assert.deepEqual(
    then.items.map((o) => o.metadata.name),
    ['a'],
  );
});

test('namespaces always get the kubernetes finalizer and go Terminating on delete', () => {
  const store = newStore();
  const ns: J = store.create('namespaces', { metadata: { name: 'n' }, spec: { finalizers: [] } });
  assert.deepEqual(ns.spec.finalizers, ['kubernetes']);
  assert.equal(ns.metadata.labels['kubernetes.io/metadata.name'], 'n');
  const d = store.deleteDetailed('namespaces', undefined, 'n');
  assert.equal(d.deleted, false);
  assert.equal((d.object as J).status.phase, 'Terminating');
  store.update('namespaces', { ...d.object, spec: { finalizers: [] } }, { subresource: 'finalize' });
  assert.equal(store.get('namespaces', undefined, 'n'), undefined);
});
