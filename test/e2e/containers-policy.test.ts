// Restart policies through the kubelet: on-failure:N stops after N restarts (the engine ends the run the kubelet
// would restart once more), always restarts until docker stop, which keeps it stopped, as dockerd does.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type ContainersSetup, dockerOk, setupContainers } from '../helpers/containers.ts';

describe('restart policies', () => {
  let s: ContainersSetup;
  before(async () => {
    s = await setupContainers();
  });
  after(() => s?.stop());

  const state = async (name: string) =>
    JSON.parse(
      await dockerOk(
        ['inspect', '--format', '{"s":"{{.State.Status}}","c":{{.State.ExitCode}},"n":{{.RestartCount}}}', name],
        s.env,
      ),
    ) as { s: string; c: number; n: number };

  test('on-failure:1 restarts once, then stays exited with the exit code', async () => {
    await dockerOk(
      ['run', '-d', '--name', 'flaky', '--restart', 'on-failure:1', 'busybox', 'sh', '-c', 'exit 5'],
      s.env,
      120_000,
    );
    let st = await state('flaky');
    for (let i = 0; i < 300 && !(st.s === 'exited' && st.n >= 1); i++) {
      await delay(300);
      st = await state('flaky');
    }
    assert.deepEqual(st, { s: 'exited', c: 5, n: 1 });
    // It stays so (no further restart past the limit).
    await delay(15_000);
    assert.deepEqual(await state('flaky'), { s: 'exited', c: 5, n: 1 });
    await dockerOk(['rm', 'flaky'], s.env);
  });

  test('always: docker stop keeps it stopped; docker start runs it again', async () => {
    await dockerOk(['run', '-d', '--name', 'svc', '--restart', 'always', 'busybox', 'sleep', '300'], s.env, 120_000);
    await dockerOk(['stop', '-t', '1', 'svc'], s.env);
    assert.equal((await state('svc')).s, 'exited');
    await delay(12_000);
    assert.equal((await state('svc')).s, 'exited');
    await dockerOk(['start', 'svc'], s.env, 120_000);
    assert.equal((await state('svc')).s, 'running');
    await dockerOk(['rm', '-f', 'svc'], s.env);
  });
});
