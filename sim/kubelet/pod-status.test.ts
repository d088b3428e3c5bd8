import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildConditions, getPhase } from './pod-status.ts';
import type { ContainerStatus, PodSpec } from './types.ts';

const cs = (name: string, state: ContainerStatus['state'], extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name,
  state,
  lastState: {},
  ready: false,
  restartCount: 0,
  image: 'busybox',
  imageID: '',
  ...extra,
});
const running = { running: { startedAt: 't' } };
const exited = (exitCode: number) => ({ terminated: { exitCode } });
const waiting = (reason: string) => ({ waiting: { reason } });

describe('getPhase (kubelet_pods.go)', () => {
  const spec = (restartPolicy: PodSpec['restartPolicy'], init = false): PodSpec => ({
    restartPolicy,
    containers: [{ name: 'a' }, { name: 'b' }],
    ...(init ? { initContainers: [{ name: 'i' }] } : {}),
  });
  it('Pending while waiting, Running with one running', () => {
    assert.equal(getPhase(spec('Always'), [cs('a', waiting('ContainerCreating')), cs('b', running)], false), 'Pending');
    assert.equal(getPhase(spec('Always'), [cs('a', running), cs('b', exited(1))], false), 'Running');
  });
  it('all terminated: by restart policy', () => {
    const all = [cs('a', exited(0)), cs('b', exited(1))];
    assert.equal(getPhase(spec('Always'), all, false), 'Running');
    assert.equal(getPhase(spec('OnFailure'), all, false), 'Running');
    assert.equal(getPhase(spec('Never'), all, false), 'Failed');
    assert.equal(getPhase(spec('Never'), [cs('a', exited(0)), cs('b', exited(0))], false), 'Succeeded');
    assert.equal(getPhase(spec('Always'), all, true), 'Failed');
  });
  it('a restarting container (waiting with lastState) counts as stopped', () => {
    const back = cs('a', waiting('CrashLoopBackOff'), { lastState: exited(1) });
    assert.equal(getPhase(spec('Always'), [back, cs('b', running)], false), 'Running');
  });
  it('init containers: pending, failed with Never', () => {
    const apps = [cs('a', waiting('PodInitializing')), cs('b', waiting('PodInitializing'))];
    assert.equal(getPhase(spec('Always', true), [cs('i', running), ...apps], false), 'Pending');
    assert.equal(getPhase(spec('Never', true), [cs('i', exited(1)), ...apps], false), 'Failed');
    assert.equal(getPhase(spec('OnFailure', true), [cs('i', exited(1)), ...apps], false), 'Pending');
  });
});

describe('pod conditions (status/generate.go)', () => {
  const spec: PodSpec = { containers: [{ name: 'c' }], initContainers: [{ name: 'i' }] };
  it('not initialized, not ready, with messages', () => {
    const list = buildConditions(
      spec,
      [],
      [cs('i', running), cs('c', waiting('PodInitializing'))],
      'Pending',
      true,
      'T',
    );
    const by = Object.fromEntries(list.map((c) => [c.type, c]));
    assert.deepEqual(
      list.map((c) => c.type),
      ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'],
    );
    assert.equal(by.Initialized.reason, 'ContainersNotInitialized');
    assert.equal(by.Initialized.message, 'containers with incomplete status: [i]');
    assert.equal(by.Ready.message, 'containers with unready status: [c]');
    assert.equal(by.Ready.lastTransitionTime, 'T');
  });
  it('keeps lastTransitionTime while the status holds; PodCompleted when Succeeded', () => {
    const old = [{ type: 'Ready', status: 'False' as const, lastTransitionTime: 'OLD' }];
    const list = buildConditions(spec, old, [cs('i', exited(0)), cs('c', exited(0))], 'Succeeded', false, 'NEW');
    const ready = list.find((c) => c.type === 'Ready')!;
    assert.equal(ready.reason, 'PodCompleted');
    assert.equal(ready.lastTransitionTime, 'OLD');
    assert.equal(list.find((c) => c.type === 'Initialized')!.status, 'True');
  });
});
