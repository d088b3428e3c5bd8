// How fast a pod runs when its image is present, and 100 pods at once. Loose bounds: the numbers
// themselves are recorded by the benchmark suite, not asserted here.
import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import { getCluster, type TestCluster } from '../helpers/cluster.ts';

interface Pod {
  metadata: { name: string };
  status?: { phase?: string };
}

const pod = (name: string, command: string[]) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { batch: 'scale' } },
  spec: {
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: 0,
    containers: [{ name: 'main', image: 'busybox', imagePullPolicy: 'IfNotPresent', command }],
  },
});

describe('pods: startup and scale', () => {
  let c: TestCluster;
  before(async () => {
    c = await getCluster();
  });
  after(async () => {
    await c?.stop();
  });

  it('a pod whose image is present is Running within about a second', async () => {
    // Warm-up: the first pod of a cluster pays for its network and the image inspection cache.
    const path = `/api/v1/namespaces/${c.namespace}/pods`;
    const timings: number[] = [];
    for (const name of ['warm', 'fast-1', 'fast-2']) {
      const t0 = performance.now();
      const created = await c.api.request<Pod & { metadata: { resourceVersion: string } }>(
        'POST',
        path,
        pod(name, ['sleep', '3600']),
      );
      await c.api.watchUntil<Pod>(
        `${path}?fieldSelector=metadata.name%3D${name}&resourceVersion=${created.metadata.resourceVersion}`,
        (_type, o) => o.status?.phase === 'Running',
        30_000,
      );
      timings.push(performance.now() - t0);
    }
    const best = Math.min(...timings.slice(1));
    console.log(`pod create → Running: ${timings.map((t) => `${Math.round(t)} ms`).join(', ')} (first is warm-up)`);
    // Loose, and looser on a loaded machine (other test files share its 2 cores): the benchmark
    // suite records the number; this only catches a pod start gone pathologically slow.
    const load = Math.max(1, os.loadavg()[0] / os.availableParallelism());
    const bound = 5000 * load;
    assert.ok(
      best < bound,
      `pod took ${Math.round(best)} ms to run (target: about 1 s; bound at load ${load.toFixed(1)}/core: ${Math.round(bound)} ms)`,
    );
  });

  it('100 pods at once all reach Succeeded or Running', { timeout: 660_000 }, async () => {
    const path = `/api/v1/namespaces/${c.namespace}/pods`;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        c.api.request('POST', path, pod(`p${i}`, i % 2 ? ['sleep', '3600'] : ['sh', '-c', 'echo done'])),
      ),
    );
    // Generous: 200 containers on a 2-core machine that other test files share.
    const deadline = Date.now() + 600_000;
    let phases: Record<string, number> = {};
    for (;;) {
      const list = await c.api.request<{ items: Pod[] }>('GET', `${path}?labelSelector=batch%3Dscale`);
      const byName = new Map(list.items.map((p) => [p.metadata.name, p.status?.phase ?? '']));
      phases = {};
      for (let i = 0; i < 100; i++) {
        const ph = byName.get(`p${i}`) ?? 'missing';
        phases[ph] = (phases[ph] ?? 0) + 1;
      }
      const done = [...Array(100).keys()].every((i) =>
        (i % 2 ? ['Running'] : ['Succeeded']).includes(byName.get(`p${i}`) ?? ''),
      );
      if (done) break;
      assert.ok(Date.now() < deadline, `not all pods done after 600 s: ${JSON.stringify(phases)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`100 pods done in ${Math.round(performance.now() - t0)} ms`);
  });
});
