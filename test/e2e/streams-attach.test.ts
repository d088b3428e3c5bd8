// docker run / attach / start -a with the real CLI: output of short runs (attach before start), piped stdin with
// EOF, stdout and stderr apart, exit codes, attach to a running container, an interactive -it session in tmux.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { docker, run } from '../helpers/badidea.ts';
import { type ContainersSetup, dockerOk, setupContainers } from '../helpers/containers.ts';
import { tmuxSession } from '../helpers/tmux.ts';

let s: ContainersSetup;
before(async () => {
  s = await setupContainers();
});
after(() => s?.stop());

const sh = (script: string) => run('sh', ['-c', script], s.env, 120_000);

describe('docker run (attached)', () => {
  test('docker run --rm busybox echo hi', async () => {
    const r = await docker(['run', '--rm', 'busybox', 'echo', 'hi'], s.env, 120_000);
    assert.equal(r.stdout, 'hi\n');
    assert.equal(r.code, 0);
  });

  test('echo hi | docker run -i --rm busybox cat', async () => {
    const r = await sh('echo hi | docker run -i --rm busybox cat');
    assert.equal(r.stdout, 'hi\n');
    assert.equal(r.code, 0);
  });

  test('more stdin than one read, delivered whole before EOF', async () => {
    const r = await sh('seq 1 20000 | docker run -i --rm busybox sh -c "wc -l; echo done >&2"');
    assert.equal(r.stdout.trim(), '20000');
    assert.equal(r.stderr, 'done\n');
  });

  test('stdout and stderr apart, exit code', async () => {
    const r = await docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3'], s.env, 120_000);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.code, 3);
  });

  test('-t: raw output with CRLF', async () => {
    const r = await docker(['run', '--rm', '-t', 'busybox', 'sh', '-c', 'sleep 1; echo tty-out'], s.env, 120_000);
    assert.equal(r.stdout, 'tty-out\r\n');
  });
});

describe('attach', () => {
  test('docker create + start -a (attach before start)', async () => {
    await dockerOk(['create', '--name', 'created1', 'busybox', 'sh', '-c', 'echo from-start; exit 5'], s.env);
    const r = await docker(['start', '-a', 'created1'], s.env, 120_000);
    assert.equal(r.stdout, 'from-start\n');
    assert.equal(r.code, 5);
  });

  test('docker attach to a running container sees new output and ends with it', async () => {
    await dockerOk(
      ['run', '-d', '--name', 'att1', 'busybox', 'sh', '-c', 'echo early; sleep 3; echo late; sleep 1'],
      s.env,
    );
    const r = await docker(['attach', 'att1'], s.env, 120_000);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'late\n');
  });

  test('-it interactive session in tmux, with resize and exit code', async () => {
    const t = tmuxSession('/usr/local/bin/docker run -it --rm busybox sh', s.env);
    try {
      t.send('echo "hi $((40+2))"; stty size');
      // The terminal's answer to ash's cursor query may be echoed in between (see exec-cli.test.ts).
      await t.waitFor(/hi 42\s*\n\s*(?:\^\[\[\d+;\d+R)?20 100/, 120_000);
      t.send('exit 3');
      await t.waitFor(/EXITED rc=3/);
    } finally {
      t.kill();
    }
  });
});
