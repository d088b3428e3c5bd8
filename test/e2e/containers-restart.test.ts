// badidea keeps no state: killing the server (SIGKILL, no shutdown) and starting a new one loses nothing — between
// create and start, while running, after exit — and a `--rm` container that exits while no server runs is removed
// by the next one. `docker events --since` on the new server replays what the pods still tell.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { docker } from '../helpers/badidea.ts';
import { type ContainersSetup, dockerOk, setupContainers } from '../helpers/containers.ts';

const psAll = (s: ContainersSetup) =>
  dockerOk(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Names}} {{.State}} {{.Image}} {{.Command}}'], s.env);

describe('a server restart loses nothing', () => {
  let s: ContainersSetup;
  before(async () => {
    s = await setupContainers();
  });
  after(() => s?.stop());

  test('created, running and exited containers survive; start after a restart works', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await dockerOk(['create', '--name', 'created1', 'busybox', 'sh', '-c', 'echo from-created; exit 5'], s.env);
    await dockerOk(['run', '-d', '--name', 'running1', 'busybox', 'sleep', '300'], s.env, 120_000);
    await dockerOk(['run', '-d', '--name', 'exited1', 'busybox', 'sh', '-c', 'exit 7'], s.env, 120_000);
    assert.equal((await dockerOk(['wait', 'exited1'], s.env)).trim(), '7');
    const before = await psAll(s);
    const inspectBefore = await dockerOk(['inspect', 'created1', 'running1', 'exited1'], s.env);

    await s.restartServer();

    assert.equal(await psAll(s), before);
    const inspectAfter = await dockerOk(['inspect', 'created1', 'running1', 'exited1'], s.env);
    assert.deepEqual(JSON.parse(inspectAfter), JSON.parse(inspectBefore));

    // The created container starts on the new server; the running one stops; the exited one restarts.
    assert.equal((await dockerOk(['start', 'created1'], s.env, 120_000)).trim(), 'created1');
    assert.equal((await dockerOk(['wait', 'created1'], s.env)).trim(), '5');
    assert.match((await docker(['logs', 'created1'], s.env)).stdout, /from-created/);
    await dockerOk(['stop', '-t', '1', 'running1'], s.env);
    assert.match(await psAll(s), / running1 exited /);

    // Events of the previous server's time, replayed from the pods.
    const ev = await dockerOk(
      [
        'events',
        '--since',
        String(since),
        '--until',
        String(Math.floor(Date.now() / 1000)),
        '--filter',
        'container=exited1',
        '--format',
        '{{.Action}} {{index .Actor.Attributes "exitCode"}}',
      ],
      s.env,
    );
    assert.match(ev, /^create /m);
    assert.match(ev, /^start /m);
    assert.match(ev, /^die 7$/m);
    await dockerOk(['rm', '-f', 'created1', 'running1', 'exited1'], s.env);
  });

  test('a --rm container that exits while no server runs is removed by the next server', async () => {
    const id = (
      await dockerOk(['run', '-d', '--rm', '--name', 'rm1', 'busybox', 'sh', '-c', 'sleep 3'], s.env, 120_000)
    ).trim();
    const exited = new Promise((r) => s.server.process.once('exit', r));
    s.server.process.kill('SIGKILL');
    await exited;
    // Let the container exit while nothing watches it.
    const pods = `/api/v1/namespaces/${s.cluster.namespace}/pods?labelSelector=badidea.dev/id=${id.slice(0, 63)}`;
    for (let i = 0; i < 200; i++) {
      const list = await s.cluster.api.request<{ items: { status?: { phase?: string } }[] }>('GET', pods);
      if (list.items.every((p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await s.restartServer();
    // The new server's reaper removes it on its first sync; docker wait --condition=removed is what run --rm uses.
    for (let i = 0; i < 100; i++) {
      if ((await docker(['inspect', id], s.env)).code === 1) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal((await docker(['inspect', id], s.env)).code, 1);
    const left = await s.cluster.api.request<{ items: unknown[] }>('GET', pods);
    assert.equal(left.items.length, 0);
  });
});
