import assert from 'node:assert/strict';
import { test } from 'node:test';
import { desiredNames, networkLabels, networkPolicy, newNetwork } from './networks.ts';
import type { ContainerRecord } from './record.ts';

const N1 = '1'.repeat(64);
const N2 = '2'.repeat(64);
const rec = (
  id: string,
  name: string,
  nets: Record<string, { NetworkID: string; Aliases?: string[] }>,
): ContainerRecord => ({
  id: id.repeat(64).slice(0, 64),
  name,
  created: '',
  generation: 0,
  config: {},
  hostConfig: { NetworkMode: Object.keys(nets)[0] ?? 'default' },
  networkingConfig: { EndpointsConfig: nets },
  imageId: '',
  imageRef: '',
  stoppedByUser: false,
});

test('each container resolves the names of the networks it is on, the same alias per network', () => {
  const d1 = rec('a', 'd1', { net1: { NetworkID: N1, Aliases: ['db'] } });
  const d2 = rec('b', 'd2', { net2: { NetworkID: N2, Aliases: ['db'] } });
  const c1 = rec('c', 'c1', { net1: { NetworkID: N1 } });
  const odd = rec('e', 'Odd_Name', { net1: { NetworkID: N1 } });
  const out = desiredNames(
    [
      { record: d1, ip: '10.0.0.1' },
      { record: d2, ip: '10.0.0.2' },
      { record: c1, ip: '' },
      { record: odd, ip: '10.0.0.4' },
    ],
    new Set([N1, N2]),
  );
  const c1Names = out.get(c1.id)!;
  assert.deepEqual(
    c1Names.filter((e) => e.hostname === 'db'),
    [{ hostname: 'db', ip: '10.0.0.1' }],
  );
  assert.ok(c1Names.some((e) => e.hostname === 'aaaaaaaaaaaa'));
  assert.ok(!c1Names.some((e) => e.hostname === 'd2' || e.hostname.includes('_')));
  assert.deepEqual(
    out.get(d2.id)!.map((e) => e.hostname),
    ['bbbbbbbbbbbb', 'd2', 'db'],
  );
  assert.deepEqual(networkLabels(d1), { 'net.badidea.dev/n-111111111111': 'true' });
});

test('newNetwork: defaults, driver refusals, predefined names', () => {
  const { record } = newNetwork({ Name: 'n', Labels: { a: 'b' }, Internal: true }, N1, 't');
  assert.equal(record.Driver, 'bridge');
  assert.equal(record.Internal, true);
  assert.deepEqual(record.Labels, { a: 'b' });
  assert.throws(() => newNetwork({ Name: 'x', Driver: 'nope' }, N1, 't'), /plugin "nope" not found/);
  assert.throws(() => newNetwork({ Name: 'bridge' }, N1, 't'), /pre-defined/);
});

test('networkPolicy: members talk to each other; Internal limits egress to members and DNS', () => {
  const open = networkPolicy({ Id: N1, Name: 'n', Internal: false });
  assert.deepEqual(open.spec.egress, [{}]);
  const internal = networkPolicy({ Id: N1, Name: 'n', Internal: true });
  assert.equal(internal.spec.egress.length, 2);
  assert.deepEqual(internal.spec.podSelector, { matchLabels: { 'net.badidea.dev/n-111111111111': 'true' } });
});
