import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sh, startTestNode, type TestNode } from './test-node.ts';

// Probe periods run at 0.2× (probeTimeScale), so periodSeconds: 1 is 200 ms.
describe('kubelet probes (real dockerd)', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode();
  });
  after(async () => {
    await node?.close();
  });

  it('readiness: not ready until the exec probe passes, then Ready', async () => {
    node.createPod('ready', {
      containers: [
        sh('c', 'sleep 1; touch /tmp/ready; sleep 3600', {
          readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1 },
        }),
      ],
    });
    const running = await node.waitPod('ready', (p) => p.status?.phase === 'Running');
    assert.equal(running.status!.containerStatuses![0].ready, false);
    const ready = await node.waitPod(
      'ready',
      (p) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
    );
    assert.equal(ready.status!.containerStatuses![0].ready, true);
  });

  it('liveness: failing httpGet restarts the container with Unhealthy and Killing events', async () => {
    node.createPod('live', {
      containers: [
        sh('c', 'mkdir -p /www; echo ok > /www/index.html; httpd -f -p 8080 -h /www', {
          livenessProbe: { httpGet: { path: '/missing', port: 8080 }, periodSeconds: 1, failureThreshold: 2 },
        }),
      ],
    });
    await node.waitPod('live', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 60000);
    const ev = node.events('live');
    assert.ok(
      ev.some(
        (e) =>
          e.reason === 'Unhealthy' && /Liveness probe failed: HTTP probe failed with statuscode: 404/.test(e.message),
      ),
    );
    assert.ok(ev.some((e) => e.reason === 'Killing' && /failed liveness probe, will be restarted/.test(e.message)));
  });

  it('startup probe gates readiness; tcpSocket works', async () => {
    node.createPod('startup', {
      containers: [
        sh('c', 'sleep 1; nc -ll -p 9000 -e cat', {
          startupProbe: { tcpSocket: { port: 9000 }, periodSeconds: 1, failureThreshold: 30 },
          readinessProbe: { tcpSocket: { port: 9000 }, periodSeconds: 1 },
        }),
      ],
    });
    const running = await node.waitPod('startup', (p) => p.status?.phase === 'Running');
    assert.equal(running.status!.containerStatuses![0].started, false);
    const started = await node.waitPod('startup', (p) => p.status?.containerStatuses?.[0]?.ready === true);
    assert.equal(started.status!.containerStatuses![0].started, true);
  });
});
