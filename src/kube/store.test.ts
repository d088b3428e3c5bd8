import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Store, type StoreEvent } from './store.ts';
import type { KubeObject } from './types.ts';

const obj = (name: string, rv: string, labels: Record<string, string> = {}): KubeObject => ({
  metadata: { name, resourceVersion: rv, labels },
});

test('store applies events, ignores repeats, and diffs a relist', () => {
  const s = new Store();
  const events: string[] = [];
  s.subscribe((e: StoreEvent) =>
    events.push(`${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`),
  );
  s.apply('ADDED', obj('a', '1', { app: 'x' }));
  s.apply('MODIFIED', obj('a', '1', { app: 'x' }));
  s.apply('ADDED', obj('b', '2'));
  s.apply('MODIFIED', obj('a', '3', { app: 'x' }));
  assert.deepEqual(
    s.list({ app: 'x' }).map((o) => o.metadata.name),
    ['a'],
  );
  s.replace([obj('a', '3', { app: 'x' }), obj('c', '5')]);
  s.apply('DELETED', obj('zzz', '6'));
  assert.deepEqual(events, ['ADDED a@1', 'ADDED b@2', 'MODIFIED a@3', 'DELETED b@2', 'ADDED c@5']);
  assert.equal(s.get('c')?.metadata.resourceVersion, '5');
  assert.equal(s.size, 2);
});
