import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPatch, patchTypeOf } from './patch.ts';
import { StatusError } from './status.ts';

const pod = {
  metadata: { name: 'p', labels: { a: '1' }, finalizers: ['x.io/a'], ownerReferences: [{ uid: 'u1', name: 'o' }] },
  spec: {
    containers: [
      { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'b', image: 'b:1' },
    ],
    volumes: [{ name: 'v', emptyDir: {} }],
  },
  status: { conditions: [{ type: 'Ready', status: 'False' }] },
};

const smp = (patch: unknown) => applyPatch('strategic', pod, Buffer.from(JSON.stringify(patch))) as typeof pod;

test('strategic merge: lists merge by key', () => {
  const out = smp({
    spec: {
      containers: [
        { name: 'b', image: 'b:2' },
        { name: 'c', image: 'c:1' },
      ],
    },
  });
  assert.deepEqual(
    out.spec.containers.map((c) => `${c.name}=${c.image}`),
    ['a=a:1', 'b=b:2', 'c=c:1'],
  );
  const env = smp({ spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }] }] } });
  assert.deepEqual(env.spec.containers[0]?.env, [
    { name: 'X', value: '1' },
    { name: 'Y', value: '2' },
  ]);
  const cond = smp({
    status: {
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'Initialized', status: 'True' },
      ],
    },
  });
  assert.deepEqual(cond.status.conditions, [
    { type: 'Ready', status: 'True' },
    { type: 'Initialized', status: 'True' },
  ]);
  const fin = smp({ metadata: { finalizers: ['x.io/b'] } });
  assert.deepEqual(fin.metadata.finalizers, ['x.io/a', 'x.io/b']);
});

test('strategic merge directives: $patch delete/replace, $deleteFromPrimitiveList, $setElementOrder, null', () => {
  const del = smp({ spec: { containers: [{ name: 'a', $patch: 'delete' }] } });
  assert.deepEqual(
    del.spec.containers.map((c) => c.name),
    ['b'],
  );
  const rep = smp({ spec: { volumes: [{ $patch: 'replace' }, { name: 'w', emptyDir: {} }] } });
  assert.deepEqual(rep.spec.volumes, [{ name: 'w', emptyDir: {} }]);
  const prim = smp({ metadata: { '$deleteFromPrimitiveList/finalizers': ['x.io/a'] } });
  assert.deepEqual(prim.metadata.finalizers, []);
  const order = smp({ spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } });
  assert.deepEqual(
    order.spec.containers.map((c) => c.name),
    ['b', 'a'],
  );
  const nul = smp({ metadata: { labels: { a: null } } });
  assert.deepEqual(nul.metadata.labels, {});
  const mapReplace = smp({ metadata: { labels: { $patch: 'replace', b: '2' } } });
  assert.deepEqual(mapReplace.metadata.labels, { b: '2' });
});

test('merge patch replaces lists; json patch applies operations', () => {
  const merge = applyPatch(
    'merge',
    pod,
    Buffer.from('{"spec":{"containers":[{"name":"z","image":"z"}]}}'),
  ) as typeof pod;
  assert.deepEqual(merge.spec.containers, [{ name: 'z', image: 'z' }]);
  const json = applyPatch(
    'json',
    pod,
    Buffer.from(
      '[{"op":"replace","path":"/spec/containers/0/image","value":"a:9"},{"op":"remove","path":"/metadata/labels/a"}]',
    ),
  ) as typeof pod;
  assert.equal(json.spec.containers[0]?.image, 'a:9');
  assert.deepEqual(json.metadata.labels, {});
  assert.throws(
    () => applyPatch('json', pod, Buffer.from('[{"op":"test","path":"/metadata/name","value":"q"}]')),
    (e: unknown) => e instanceof StatusError && e.code === 422,
  );
});

test('content types', () => {
  assert.equal(patchTypeOf('application/strategic-merge-patch+json; charset=utf-8'), 'strategic');
  assert.equal(patchTypeOf('application/apply-patch+yaml'), 'apply');
  assert.throws(
    () => patchTypeOf('application/json'),
    (e: unknown) =>
      e instanceof StatusError &&
      e.code === 415 &&
      e.message.startsWith('the body of the request was in an unknown format - accepted media types include:'),
  );
});
