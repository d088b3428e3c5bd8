import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { MemoryStore } from '../store/memory-store.ts';
import { newStore, pod } from '../store/test-helpers.ts';
import { startControllers } from './index.ts';

// biome-ignore lint/suspicious/noExplicitAny: test objects
type J = any;

const stateDir = mkdtempSync(join(tmpdir(), 'sim-controllers-'));
after(() => rmSync(stateDir, { recursive: true, force: true }));

async function until<T>(what: string, fn: () => T | undefined | false, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function withCluster(fn: (store: MemoryStore) => Promise<void>) {
  return async () => {
    const store = newStore();
    const c = startControllers(store, { stateDir });
    try {
      await fn(store);
    } finally {
      c.stop();
    }
  };
}

const get = (store: MemoryStore, r: string, name: string, ns: string | undefined = 'default'): J =>
  store.get(r, ns, name);

test(
  'scheduler binds pods; gated pods stay Pending until the gate is removed',
  withCluster(async (store) => {
    store.create('pods', pod('free'));
    const p: J = await until(
      'free bound',
      () => get(store, 'pods', 'free')?.spec.nodeName && get(store, 'pods', 'free'),
    );
    assert.equal(p.spec.nodeName, 'sim-node-1');
    assert.deepEqual(
      p.status.conditions.map((c: J) => [c.type, c.status]),
      [['PodScheduled', 'True']],
    );
    const ev = await until(
      'Scheduled event',
      () => store.list('events', 'default', { fieldSelector: 'involvedObject.name=free,reason=Scheduled' }).items[0],
    );
    assert.equal((ev as J).message, 'Successfully assigned default/free to sim-node-1');

    store.create('pods', pod('gated', { schedulingGates: [{ name: 'example.com/wait' }] }));
    const gated: J = await until(
      'gated condition',
      () =>
        get(store, 'pods', 'gated')?.status.conditions?.find((c: J) => c.reason === 'SchedulingGated') &&
        get(store, 'pods', 'gated'),
    );
    assert.equal(gated.spec.nodeName, undefined);
    assert.equal(gated.status.phase, 'Pending');
    const cond = gated.status.conditions.find((c: J) => c.type === 'PodScheduled');
    assert.equal(cond.status, 'False');
    assert.equal(cond.message, 'Scheduling is blocked due to non-empty scheduling gates');
    store.update('pods', { ...gated, spec: { ...gated.spec, schedulingGates: [] } });
    await until('gated pod bound', () => get(store, 'pods', 'gated')?.spec.nodeName === 'sim-node-1');
  }),
);

test(
  'a pod with a missing claim is Unschedulable until the claim appears; WaitForFirstConsumer provisions on scheduling',
  withCluster(async (store) => {
    const spec = { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] };
    store.create('pods', pod('user', spec));
    const cond: J = await until('Unschedulable', () =>
      get(store, 'pods', 'user')?.status.conditions?.find((c: J) => c.reason === 'Unschedulable'),
    );
    assert.match(cond.message, /persistentvolumeclaim "data" not found/);
    store.create('persistentvolumeclaims', {
      metadata: { name: 'data', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    const bound: J = await until(
      'pod bound',
      () => get(store, 'pods', 'user')?.spec.nodeName && get(store, 'pods', 'user'),
    );
    assert.equal(bound.spec.nodeName, 'sim-node-1');
    const pvc: J = get(store, 'persistentvolumeclaims', 'data');
    assert.equal(pvc.status.phase, 'Bound');
    assert.equal(pvc.spec.volumeName, `pvc-${pvc.metadata.uid}`);
    assert.equal(pvc.metadata.annotations['volume.kubernetes.io/selected-node'], 'sim-node-1');
    const pv: J = get(store, 'persistentvolumes', pvc.spec.volumeName, undefined);
    assert.equal(pv.status.phase, 'Bound');
    assert.equal(pv.spec.hostPath.path, join(stateDir, 'pv', pv.metadata.name));
    // pvc-protection: deleting the claim waits for the pod
    store.delete('persistentvolumeclaims', 'default', 'data');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(get(store, 'persistentvolumeclaims', 'data')?.metadata.deletionTimestamp, 'held while in use');
    store.delete('pods', 'default', 'user', { gracePeriodSeconds: 0 });
    await until('claim gone', () => !get(store, 'persistentvolumeclaims', 'data'));
    await until('volume deleted (reclaim Delete)', () => !get(store, 'persistentvolumes', pv.metadata.name, undefined));
  }),
);

test(
  'garbage collection: background, foreground and orphan',
  withCluster(async (store) => {
    const owner: J = store.create('configmaps', { metadata: { name: 'owner', namespace: 'default' } });
    const ref = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'owner',
      uid: owner.metadata.uid,
      blockOwnerDeletion: true,
    };
    store.create('secrets', { metadata: { name: 'dep', namespace: 'default', ownerReferences: [ref] } });
    store.delete('configmaps', 'default', 'owner');
    await until('background dependent deleted', () => !get(store, 'secrets', 'dep'));

    const fg: J = store.create('configmaps', { metadata: { name: 'fg', namespace: 'default' } });
    store.create('secrets', {
      metadata: {
        name: 'fg-dep',
        namespace: 'default',
        ownerReferences: [{ ...ref, name: 'fg', uid: fg.metadata.uid }],
      },
    });
    const deleting: J = store.delete('configmaps', 'default', 'fg', { propagationPolicy: 'Foreground' });
    assert.deepEqual(deleting.metadata.finalizers, ['foregroundDeletion']);
    await until('foreground owner gone', () => !get(store, 'configmaps', 'fg'));
    assert.equal(get(store, 'secrets', 'fg-dep'), undefined);

    const or: J = store.create('configmaps', { metadata: { name: 'or', namespace: 'default' } });
    store.create('secrets', {
      metadata: {
        name: 'or-dep',
        namespace: 'default',
        ownerReferences: [{ ...ref, name: 'or', uid: or.metadata.uid }],
      },
    });
    store.delete('configmaps', 'default', 'or', { propagationPolicy: 'Orphan' });
    await until('orphan owner gone', () => !get(store, 'configmaps', 'or'));
    const orphan: J = get(store, 'secrets', 'or-dep');
    assert.ok(orphan);
    assert.equal(orphan.metadata.ownerReferences, undefined);
  }),
);

test(
  'namespaces: default ServiceAccount, and deletion removes the contents first',
  withCluster(async (store) => {
    store.create('namespaces', { metadata: { name: 'team' } });
    await until('default SA', () => store.get('serviceaccounts', 'team', 'default'));
    store.create('configmaps', { metadata: { name: 'c', namespace: 'team' } });
    store.create('pods', { ...pod('p'), metadata: { name: 'p', namespace: 'team' } });
    const ns: J = store.delete('namespaces', undefined, 'team');
    assert.equal(ns.status.phase, 'Terminating');
    // the kubelet's part: a scheduled pod is terminated and then deleted with grace 0
    await until('pod terminating', () => store.get('pods', 'team', 'p')?.metadata.deletionTimestamp);
    store.delete('pods', 'team', 'p', { gracePeriodSeconds: 0 });
    await until('namespace gone', () => !store.get('namespaces', undefined, 'team'));
    assert.equal(store.list('configmaps', 'team').items.length, 0);
  }),
);

test(
  'endpoints and endpointslices follow pod readiness',
  withCluster(async (store) => {
    store.create('services', {
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    const p: J = store.create(
      'pods',
      pod(
        'web-1',
        { containers: [{ name: 'c', image: 'nginx:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
        { app: 'web' },
      ),
    );
    const bound: J = await until(
      'bound',
      () => get(store, 'pods', 'web-1')?.spec.nodeName && get(store, 'pods', 'web-1'),
    );
    store.update(
      'pods',
      {
        ...bound,
        status: {
          ...bound.status,
          phase: 'Running',
          podIP: '10.244.0.5',
          conditions: [{ type: 'Ready', status: 'False' }],
        },
      },
      { subresource: 'status' },
    );
    const ep: J = await until(
      'notReady endpoint',
      () => get(store, 'endpoints', 'web')?.subsets?.[0]?.notReadyAddresses && get(store, 'endpoints', 'web'),
    );
    assert.deepEqual(ep.subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const running: J = get(store, 'pods', 'web-1');
    store.update(
      'pods',
      { ...running, status: { ...running.status, conditions: [{ type: 'Ready', status: 'True' }] } },
      { subresource: 'status' },
    );
    const ready: J = await until(
      'ready endpoint',
      () => get(store, 'endpoints', 'web')?.subsets?.[0]?.addresses && get(store, 'endpoints', 'web'),
    );
    assert.equal(ready.subsets[0].addresses[0].ip, '10.244.0.5');
    assert.equal(ready.subsets[0].addresses[0].targetRef.uid, p.metadata.uid);
    const slice: J = await until('slice ready', () =>
      store
        .list('endpointslices', 'default', { labelSelector: 'kubernetes.io/service-name=web' })
        .items.find((s: J) => s.endpoints?.[0]?.conditions.ready),
    );
    assert.match(slice.metadata.name, /^web-[a-z0-9]{5}$/);
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.equal(slice.metadata.ownerReferences[0].kind, 'Service');
    store.delete('services', 'default', 'web');
    await until('slice collected', () => store.list('endpointslices', 'default').items.length === 0);
    await until('endpoints removed', () => !get(store, 'endpoints', 'web'));
  }),
);
