// docker exec, top and stats with the real CLI against badidea: exit codes (0, 3, 126, 127), -e/-w/-u, -i with
// EOF, -it in tmux, -d, inspect, errors; docker top; docker stats --no-stream.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { docker, run } from '../helpers/badidea.ts';
import { type ContainersSetup, dockerOk, setupContainers } from '../helpers/containers.ts';
import { tmuxSession } from '../helpers/tmux.ts';

let s: ContainersSetup;
before(async () => {
  s = await setupContainers();
  await dockerOk(['run', '-d', '--name', 'ex', 'busybox', 'sleep', '3600'], s.env, 120_000);
});
after(() => s?.stop());

const sh = (script: string) => run('sh', ['-c', script], s.env, 120_000);

describe('docker exec', () => {
  test('output and exit code 0', async () => {
    const r = await docker(['exec', 'ex', 'echo', 'hi'], s.env);
    assert.equal(r.stdout, 'hi\n');
    assert.equal(r.code, 0);
  });

  test('exit code 3, stderr apart', async () => {
    const r = await docker(['exec', 'ex', 'sh', '-c', 'echo o; echo e >&2; exit 3'], s.env);
    assert.equal(r.stdout, 'o\n');
    assert.equal(r.stderr, 'e\n');
    assert.equal(r.code, 3);
  });

  test('127: command not found, with dockerd text', async () => {
    const r = await docker(['exec', 'ex', 'nosuchcmd'], s.env);
    assert.equal(r.code, 127);
    assert.equal(
      r.stdout,
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown\r\n',
    );
  });

  test('126: not executable', async () => {
    const r = await docker(['exec', 'ex', '/etc/passwd'], s.env);
    assert.equal(r.code, 126);
    assert.match(r.stdout, /^OCI runtime exec failed: .*permission denied/);
  });

  test('-e, -w take effect', async () => {
    const r = await docker(['exec', '-e', 'FOO=bar baz', '-w', '/tmp', 'ex', 'sh', '-c', 'echo "$FOO"; pwd'], s.env);
    assert.equal(r.stdout, 'bar baz\n/tmp\n');
    const missing = await docker(['exec', '-e', 'X=1', 'ex', 'nosuchcmd'], s.env);
    assert.equal(missing.code, 127);
    const badDir = await docker(['exec', '-w', '/nonexistent', 'ex', 'pwd'], s.env);
    assert.equal(badDir.code, 126);
    assert.match(badDir.stdout, /chdir to cwd \("\/nonexistent"\)/);
  });

  test('-u switches user (root container, su in the image)', async () => {
    const r = await docker(['exec', '-u', 'nobody', 'ex', 'id', '-un'], s.env);
    assert.equal(r.stdout, 'nobody\n');
    const unknown = await docker(['exec', '-u', 'nosuchuser', 'ex', 'id'], s.env);
    assert.equal(unknown.code, 126);
    assert.match(unknown.stdout, /unable to find user nosuchuser/);
  });

  test('-i with EOF', async () => {
    const r = await sh('echo x | docker exec -i ex cat');
    assert.equal(r.stdout, 'x\n');
    assert.equal(r.code, 0);
  });

  test('-d runs in the background', async () => {
    const r = await docker(['exec', '-d', 'ex', 'sh', '-c', 'sleep 1; echo bg > /tmp/bg'], s.env);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const c = await docker(['exec', 'ex', 'cat', '/tmp/bg'], s.env);
      if (c.stdout === 'bg\n') break;
      assert.ok(Date.now() < deadline, 'the detached exec ran');
      await new Promise((res) => setTimeout(res, 300));
    }
  });

  test('-it in tmux: a terminal, resized as the window changes, exit code', async () => {
    const t = tmuxSession('/usr/local/bin/docker exec -it ex sh', s.env);
    try {
      t.send('echo "tty $((6*7))"; tty');
      // The terminal may echo its answer to ash's cursor query here (see the next test).
      await t.waitFor(/tty 42\s*\n(?:\^\[\[\d+;\d+R)?\/dev\/pts/, 120_000);
      t.resize(90, 15);
      await new Promise((r) => setTimeout(r, 1000));
      t.send('stty size');
      await t.waitFor(/\n15 90\s*\n/);
      t.send('exit 4');
      await t.waitFor(/EXITED rc=4/);
    } finally {
      t.kill();
    }
  });

  // `stty size` is typed before the shell runs: it must see the size the CLI sent (ConsoleSize, then a resize), so the
  // size has to be applied before the typed-ahead stdin reaches the shell (sim: remote-command.test.ts). busybox ash
  // asks the terminal where the cursor is (ESC[6n) when no input is waiting at its prompt; tmux's answer (ESC[6;5R)
  // can arrive while stty runs, and the pty's echo then shows `^[[6;5R` right before `20 100` (on the simulated
  // cluster the typed-ahead stdin waits for the size, so ash has usually printed its prompt before it arrives).
  test('-it in tmux: the initial terminal size', async () => {
    const t = tmuxSession('/usr/local/bin/docker exec -it ex sh', s.env);
    try {
      t.send('stty size');
      await t.waitFor(/(?:\n|\^\[\[\d+;\d+R)20 100\s*\n/, 60_000);
    } finally {
      t.kill();
    }
  });

  test('privileged is refused, stopped container 409, unknown exec 404', async () => {
    const p = await docker(['exec', '--privileged', 'ex', 'true'], s.env);
    assert.notEqual(p.code, 0);
    assert.match(p.stderr, /privileged exec is not possible/);
    await dockerOk(['create', '--name', 'notrunning', 'busybox', 'true'], s.env);
    const stopped = await docker(['exec', 'notrunning', 'true'], s.env);
    assert.match(stopped.stderr, /Container [0-9a-f]{64} is not running/);
    const base = s.env.DOCKER_HOST?.replace('tcp://', 'http://');
    const r = await run('curl', ['-s', '-w', '\n%{http_code}', `${base}/exec/nosuch/json`], s.env);
    assert.equal(r.stdout, '{"message":"No such exec instance: nosuch"}\n\n404');
  });
});

describe('docker top and stats', () => {
  test('docker top lists the container processes', async () => {
    const r = await docker(['top', 'ex'], s.env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /PID\s+USER\s+COMMAND/);
    assert.ok(lines.some((l) => /sleep 3600/.test(l)));
    assert.ok(!lines.some((l) => /\bps -ef\b/.test(l)), 'the ps itself is left out');
  });

  test('docker stats --no-stream', async () => {
    const r = await docker(['stats', '--no-stream', '--format', '{{.Name}} {{.CPUPerc}} {{.MemUsage}}', 'ex'], s.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ex \d+\.\d\d% \d+(\.\d+)?[KMG]?i?B \/ \d+(\.\d+)?[KMGT]iB\n$/);
  });
});
