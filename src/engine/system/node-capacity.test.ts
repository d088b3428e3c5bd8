import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseByteQuantity as parseBytes, parseCpuQuantity as parseCpu } from '../../translate/quantity.ts';
import { nodeCapacity } from './node-capacity.ts';

test('quantities', () => {
  assert.equal(parseCpu('3500m'), 3.5);
  assert.equal(parseCpu('4'), 4);
  assert.equal(parseBytes('16Ki'), 16384);
  assert.equal(parseBytes('2Gi'), 2 * 2 ** 30);
  assert.equal(parseBytes('8G'), 8e9);
  assert.equal(parseBytes('123'), 123);
});

test('sums allocatable over schedulable nodes', () => {
  const node = (cpu: string, memory: string, unschedulable = false) => ({
    metadata: { name: cpu },
    spec: { unschedulable },
    status: { allocatable: { cpu, memory }, nodeInfo: { kernelVersion: '6.1.0', architecture: 'amd64' } },
  });
  const c = nodeCapacity([node('3500m', '1Gi'), node('2', '1Gi'), node('64', '1Ti', true)]);
  assert.deepEqual(c, {
    nodes: 2,
    ncpu: 5,
    memTotal: 2 * 2 ** 30,
    kernelVersion: '6.1.0',
    architecture: 'amd64',
    warnings: [],
  });
  assert.deepEqual(nodeCapacity(undefined, 'no RBAC').warnings, ['no RBAC']);
});
