import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerState, healthStatus, startFailureExitCode, stateResponse, ZERO_TIME } from './container-state.ts';
import { validateCreateRequest } from './create-request.ts';
import type { ContainerStatus, Pod, PodStatus } from './kube-types.ts';
import { newContainer } from './new-container.ts';
import type { ContainerRecord } from './record.ts';

const ID = `abcd${'0'.repeat(60)}`;
const now = Date.parse('2026-11-28T17:00:00Z');

function make(body: Record<string, unknown> = {}): { pod: Pod; record: ContainerRecord } {
  const c = newContainer({
    id: ID,
    name: 'c',
    created: '2026-11-28T16:00:00.000Z',
    request: validateCreateRequest({ Image: 'busybox', Cmd: ['true'], ...body }, {}),
    image: { id: 'sha256:1', ref: 'busybox', config: {} },
    pod: { claimNameFor: (v) => v },
  });
  return { pod: c.pod, record: c.record };
}

function started(pod: Pod, status: PodStatus, main?: Partial<ContainerStatus>): Pod {
  return {
    ...pod,
    spec: { ...pod.spec, schedulingGates: [] },
    status: {
      ...status,
      ...(main ? { containerStatuses: [{ name: 'main', ready: false, restartCount: 0, ...main }] } : {}),
    },
  };
}

describe('containerState', () => {
  it('a gated pod is created', () => {
    const { pod, record } = make();
    const s = containerState({ pod, record, now });
    assert.equal(s.status, 'created');
    assert.deepEqual(stateResponse(s), {
      Status: 'created',
      Running: false,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: 0,
      ExitCode: 0,
      Error: '',
      StartedAt: ZERO_TIME,
      FinishedAt: ZERO_TIME,
    });
  });

  it('a gated pod with a last state is an exited tombstone', () => {
    const { pod, record } = make();
    const last = {
      exitCode: 137,
      startedAt: '2026-11-28T16:10:00Z',
      finishedAt: '2026-11-28T16:11:00Z',
      oomKilled: false,
      error: '',
    };
    const s = containerState({ pod, record: { ...record, lastState: last }, now });
    assert.equal(s.status, 'exited');
    assert.equal(s.exitCode, 137);
    assert.equal(s.finishedAt, '2026-11-28T16:11:00Z');
  });

  it('ungated and pending is created and starting, with the scheduler’s reason', () => {
    const { pod, record } = make();
    const s = containerState({
      pod: started(pod, {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' },
        ],
      }),
      record,
      now,
    });
    assert.equal(s.status, 'created');
    assert.ok(s.status === 'created' && s.starting);
    assert.equal(s.error, 'Unschedulable: 0/1 nodes are available');
  });

  it('image pull errors show in Error', () => {
    const { pod, record } = make();
    const s = containerState({
      pod: started(pod, { phase: 'Pending' }, { state: { waiting: { reason: 'ErrImagePull', message: 'not found' } } }),
      record,
      now,
    });
    assert.equal(s.status, 'created');
    assert.equal(s.error, 'ErrImagePull: not found');
  });

  it('running, with the previous exit as FinishedAt and the restart count', () => {
    const { pod, record } = make();
    const s = containerState({
      pod: started(
        pod,
        { phase: 'Running' },
        {
          restartCount: 2,
          state: { running: { startedAt: '2026-11-28T16:59:55Z' } },
          lastState: { terminated: { exitCode: 1, finishedAt: '2026-11-28T16:59:50Z' } },
        },
      ),
      record,
      now,
    });
    assert.equal(s.status, 'running');
    const r = stateResponse(s);
    assert.equal(r.Running, true);
    assert.equal(r.Pid, 1);
    assert.equal(r.ExitCode, 0);
    assert.equal(r.StartedAt, '2026-11-28T16:59:55Z');
    assert.equal(r.FinishedAt, '2026-11-28T16:59:50Z');
    assert.equal(s.restartCount, 2);
    assert.equal(r.Health, undefined);
  });

  it('exited with the exit code, times and OOMKilled', () => {
    const { pod, record } = make();
    const terminated = {
      exitCode: 137,
      reason: 'OOMKilled',
      startedAt: '2026-11-28T16:00:01Z',
      finishedAt: '2026-11-28T16:00:05Z',
    };
    const s = containerState({ pod: started(pod, { phase: 'Failed' }, { state: { terminated } }), record, now });
    assert.equal(s.status, 'exited');
    assert.deepEqual(
      [s.exitCode, s.oomKilled, s.startedAt, s.finishedAt],
      [137, true, '2026-11-28T16:00:01Z', '2026-11-28T16:00:05Z'],
    );
  });

  it('terminated while the pod still runs, or in back-off, is restarting', () => {
    const { pod, record } = make();
    const a = containerState({
      pod: started(
        pod,
        { phase: 'Running' },
        { state: { terminated: { exitCode: 3, finishedAt: '2026-11-28T16:59:59Z' } } },
      ),
      record,
      now,
    });
    assert.equal(a.status, 'restarting');
    const b = containerState({
      pod: started(
        pod,
        { phase: 'Running' },
        {
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 3, finishedAt: '2026-11-28T16:59:59Z' } },
        },
      ),
      record,
      now,
    });
    assert.equal(b.status, 'restarting');
    assert.equal(b.exitCode, 3);
    assert.equal(stateResponse(b).Running, true);
    assert.equal(stateResponse(b).Restarting, true);
  });

  it('a start failure is created with Docker’s exit code and error', () => {
    const { pod, record } = make();
    const message = 'exec: "nosuchcmd": executable file not found in $PATH';
    const s = containerState({
      pod: started(
        pod,
        { phase: 'Failed' },
        { state: { terminated: { exitCode: 128, reason: 'StartError', message } } },
      ),
      record,
      now,
    });
    assert.equal(s.status, 'created');
    assert.equal(s.exitCode, 127);
    assert.equal(s.error, message);
    assert.equal(startFailureExitCode('permission denied'), 126);
    assert.equal(startFailureExitCode('boom'), 128);
  });

  it('deadline kills, evictions, lost nodes and deletions', () => {
    const { pod, record } = make();
    const deadline = containerState({
      pod: started(pod, { phase: 'Failed', reason: 'DeadlineExceeded' }),
      record,
      now,
    });
    assert.deepEqual([deadline.status, deadline.exitCode], ['exited', 137]);
    const evicted = containerState({
      pod: started(pod, { phase: 'Failed', reason: 'Evicted', message: 'low on memory' }),
      record,
      now,
    });
    assert.deepEqual([evicted.status, evicted.exitCode, evicted.error], ['exited', 255, 'low on memory']);
    assert.equal(containerState({ pod: started(pod, { phase: 'Unknown' }), record, now }).status, 'dead');
    const deleting = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2026-11-28T17:00:00Z' } };
    assert.equal(containerState({ pod: deleting, record, now }).status, 'removing');
  });
});

describe('health from readiness', () => {
  const hc = { Healthcheck: { Test: ['CMD', 'check'], Retries: 2, StartPeriod: 0 } };
  const running = (ready: boolean) => ({ state: { running: { startedAt: '2026-11-28T16:59:00Z' } }, ready });

  it('ready → healthy with a success in the log', () => {
    const { pod, record } = make(hc);
    const p = started(
      pod,
      { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-28T16:59:02Z' }] },
      running(true),
    );
    const s = containerState({ pod: p, record, now });
    assert.equal(healthStatus(s), 'healthy');
    assert.deepEqual(stateResponse(s).Health, {
      Status: 'healthy',
      FailingStreak: 0,
      Log: [{ Start: '2026-11-28T16:59:02Z', End: '2026-11-28T16:59:02Z', ExitCode: 0, Output: '' }],
    });
  });

  it('not ready: starting until Retries failures, then unhealthy', () => {
    const { pod, record } = make(hc);
    const p = started(pod, { phase: 'Running' }, running(false));
    assert.equal(healthStatus(containerState({ pod: p, record, now })), 'starting');
    const events = [
      { reason: 'Unhealthy', message: 'Readiness probe failed: nope', count: 2, lastTimestamp: '2026-11-28T16:59:30Z' },
      {
        reason: 'Unhealthy',
        message: 'Readiness probe failed: old run',
        count: 5,
        lastTimestamp: '2026-11-28T16:00:00Z',
      },
      { reason: 'Killing', message: 'x', lastTimestamp: '2026-11-28T16:59:40Z' },
    ];
    const s = containerState({ pod: p, record, now, events });
    assert.equal(healthStatus(s), 'unhealthy');
    assert.ok(s.status === 'running' && s.health);
    assert.equal(s.status === 'running' && s.health?.FailingStreak, 2);
    assert.deepEqual(s.status === 'running' && s.health?.Log, [
      { Start: '2026-11-28T16:59:30Z', End: '2026-11-28T16:59:30Z', ExitCode: 1, Output: 'nope' },
    ]);
  });

  it('failures within the start period keep it starting', () => {
    const { pod, record } = make({ Healthcheck: { Test: ['CMD', 'check'], Retries: 1, StartPeriod: 300e9 } });
    const p = started(pod, { phase: 'Running' }, running(false));
    const events = [
      { reason: 'Unhealthy', message: 'Readiness probe failed: x', count: 3, lastTimestamp: '2026-11-28T16:59:30Z' },
    ];
    assert.equal(healthStatus(containerState({ pod: p, record, now, events })), 'starting');
  });

  it('no healthcheck (or NONE) → no Health, ps health none', () => {
    const { pod, record } = make({ Healthcheck: { Test: ['NONE'] } });
    const s = containerState({ pod: started(pod, { phase: 'Running' }, running(true)), record, now });
    assert.equal(healthStatus(s), 'none');
    assert.equal(stateResponse(s).Health, undefined);
  });
});
