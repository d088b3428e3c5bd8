import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import { sh, startTestNode, type TestNode } from './test-node.ts';

describe('kubelet pod lifecycle (real dockerd)', () => {
  let node: TestNode;
  before(async () => {
    // A 10 s back-off, as the kubelet's, so CrashLoopBackOff is observable even on a slow machine.
    node = await startTestNode({ backoffBaseMs: 10_000, backoffMaxMs: 20_000 });
  });
  after(async () => {
    await node?.close();
  });

  it('runs a pod within a second, with pod IP, conditions and container status', async () => {
    const t0 = Date.now();
    node.createPod('run', { containers: [sh('c', 'sleep 3600')] });
    const p = await node.waitPod('run', (p) => p.status?.phase === 'Running');
    // About a second on an idle machine; a loaded shared 2-core machine is many times slower.
    const busy = os.loadavg()[0] > os.cpus().length;
    assert.ok(Date.now() - t0 < (busy ? 60_000 : 1500), `took ${Date.now() - t0}ms`);
    const cs = p.status!.containerStatuses![0];
    assert.ok(cs.state.running?.startedAt);
    assert.match(cs.containerID ?? '', /^docker:\/\/[0-9a-f]{64}$/);
    assert.equal(cs.ready, true);
    assert.equal(cs.started, true);
    assert.equal(cs.image, 'docker.io/library/busybox:latest');
    assert.match(p.status!.podIP ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    const ready = p.status!.conditions!.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'True');
    const reasons = node.events('run').map((e) => e.reason);
    for (const r of ['Pulled', 'Created', 'Started']) assert.ok(reasons.includes(r), `${r} in ${reasons}`);
  });

  it('reports Completed / Error with exit codes and terminal phases', async () => {
    node.createPod('ok', { restartPolicy: 'Never', containers: [sh('c', 'exit 0')] });
    node.createPod('bad', { restartPolicy: 'Never', containers: [sh('c', 'exit 3')] });
    const ok = await node.waitPod('ok', (p) => p.status?.phase === 'Succeeded');
    const bad = await node.waitPod('bad', (p) => p.status?.phase === 'Failed');
    assert.equal(ok.status!.containerStatuses![0].state.terminated?.reason, 'Completed');
    assert.equal(bad.status!.containerStatuses![0].state.terminated?.reason, 'Error');
    assert.equal(bad.status!.containerStatuses![0].state.terminated?.exitCode, 3);
    const cr = ok.status!.conditions!.find((c) => c.type === 'ContainersReady');
    assert.equal(cr?.reason, 'PodCompleted');
  });

  it('restarts with CrashLoopBackOff back-off and keeps lastState', async () => {
    node.createPod('crash', { containers: [sh('c', 'echo boom; exit 1')] });
    const p = await node.waitPod(
      'crash',
      (p) => p.status?.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff',
    );
    const cs = p.status!.containerStatuses![0];
    assert.equal(p.status!.phase, 'Running');
    assert.ok(cs.restartCount >= 1);
    assert.equal(cs.lastState.terminated?.exitCode, 1);
    assert.match(cs.state.waiting?.message ?? '', /^back-off 10s restarting failed container=c pod=crash_default\(/);
    await node.waitPod('crash', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2);
    assert.ok(node.events('crash').some((e) => e.reason === 'BackOff'));
  });

  it('runs init containers in order before app containers', async () => {
    node.createPod('init', {
      restartPolicy: 'Never',
      volumes: [{ name: 'w', emptyDir: {} }],
      initContainers: [
        sh('i1', 'echo one >> /w/log', { volumeMounts: [{ name: 'w', mountPath: '/w' }] }),
        sh('i2', 'echo two >> /w/log', { volumeMounts: [{ name: 'w', mountPath: '/w' }] }),
      ],
      containers: [
        sh('c', 'echo app >> /w/log; test "$(cat /w/log | tr "\\n" " ")" = "one two app "', {
          volumeMounts: [{ name: 'w', mountPath: '/w' }],
        }),
      ],
    });
    const p = await node.waitPod('init', (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed');
    assert.equal(p.status!.phase, 'Succeeded');
    assert.deepEqual(
      p.status!.initContainerStatuses!.map((s) => [s.name, s.state.terminated?.reason]),
      [
        ['i1', 'Completed'],
        ['i2', 'Completed'],
      ],
    );
  });

  it('fails the pod when an init container fails with restartPolicy Never', async () => {
    node.createPod('initfail', {
      restartPolicy: 'Never',
      initContainers: [sh('i', 'exit 2')],
      containers: [sh('c', 'true')],
    });
    const p = await node.waitPod('initfail', (p) => p.status?.phase === 'Failed');
    assert.equal(p.status!.containerStatuses![0].state.waiting?.reason, 'PodInitializing');
    const init = p.status!.conditions!.find((c) => c.type === 'Initialized');
    assert.equal(init?.status, 'False');
  });

  it('fails a pod past activeDeadlineSeconds with DeadlineExceeded', async () => {
    node.createPod('deadline', { activeDeadlineSeconds: 1, containers: [sh('c', 'sleep 3600')] });
    const p = await node.waitPod('deadline', (p) => p.status?.phase === 'Failed');
    assert.equal(p.status!.reason, 'DeadlineExceeded');
    assert.equal(p.status!.message, 'Pod was active on the node longer than the specified deadline');
  });

  it('terminates gracefully on delete: SIGTERM, then SIGKILL after the grace period', async () => {
    node.createPod('term', {
      containers: [sh('c', 'trap "echo got TERM; exit 0" TERM; while true; do sleep 0.1; done')],
    });
    await node.waitPod('term', (p) => p.status?.phase === 'Running');
    node.createPod('stubborn', { containers: [sh('c', 'trap "" TERM; while true; do sleep 0.1; done')] });
    await node.waitPod('stubborn', (p) => p.status?.phase === 'Running');
    const t0 = Date.now();
    node.store.delete('pods', 'default', 'term');
    node.store.delete('pods', 'default', 'stubborn', { gracePeriodSeconds: 2 });
    const finalTerm = await node.waitPod(
      'term',
      (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed',
    );
    assert.equal(finalTerm.status!.phase, 'Succeeded');
    await node.waitGone('term');
    const finalStubborn = await node.waitPod('stubborn', (p) => p.status?.phase === 'Failed');
    assert.equal(finalStubborn.status!.containerStatuses![0].state.terminated?.exitCode, 137);
    await node.waitGone('stubborn');
    assert.ok(Date.now() - t0 >= 1900, 'SIGKILL came after the grace period');
    assert.ok(node.events('stubborn').some((e) => e.reason === 'Killing'));
  });
});
