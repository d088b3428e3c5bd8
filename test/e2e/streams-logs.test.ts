// docker logs with the real CLI against badidea on the test cluster: stdout and stderr apart, -f, --tail, -t,
// --since, logs after docker stop and across runs (generations), and the 400 for no stream.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { docker, run } from '../helpers/badidea.ts';
import { type ContainersSetup, dockerOk, setupContainers } from '../helpers/containers.ts';

let s: ContainersSetup;
before(async () => {
  s = await setupContainers();
});
after(() => s?.stop());

const sh = (script: string) => run('sh', ['-c', script], s.env, 120_000);

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('docker logs', () => {
  // Three lines on each stream, a pause between them so their timestamps order them for certain.
  const script = 'for i in 1 2 3; do echo out $i; sleep 0.2; echo err $i >&2; sleep 0.2; done; sleep 600';

  before(async () => {
    await dockerOk(['run', '-d', '--name', 'logs1', 'busybox', 'sh', '-c', script], s.env);
    await until(async () => (await docker(['logs', 'logs1'], s.env)).stderr.includes('err 3'), 'the six lines');
  });

  test('stdout and stderr stay apart', async () => {
    const r = await docker(['logs', 'logs1'], s.env);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'out 1\nout 2\nout 3\n');
    assert.equal(r.stderr, 'err 1\nerr 2\nerr 3\n');
    const only = await sh('docker logs logs1 2>/dev/null');
    assert.equal(only.stdout, 'out 1\nout 2\nout 3\n');
  });

  test('merged in time order', async () => {
    const r = await sh('docker logs logs1 2>&1');
    assert.equal(r.stdout, 'out 1\nerr 1\nout 2\nerr 2\nout 3\nerr 3\n');
  });

  test('--tail counts both streams together', async () => {
    const r = await sh('docker logs --tail 3 logs1 2>&1');
    assert.equal(r.stdout, 'err 2\nout 3\nerr 3\n');
    const zero = await docker(['logs', '--tail', '0', 'logs1'], s.env);
    assert.equal(zero.stdout + zero.stderr, '');
  });

  test('-t prefixes RFC 3339 timestamps with nanoseconds', async () => {
    const r = await docker(['logs', '-t', 'logs1'], s.env);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z out \d$/);
  });

  test('--since and --until', async () => {
    const future = await docker(['logs', '--since', String(Math.floor(Date.now() / 1000) + 60), 'logs1'], s.env);
    assert.equal(future.stdout + future.stderr, '');
    const past = await docker(['logs', '--since', '1h', 'logs1'], s.env);
    assert.equal(past.stdout, 'out 1\nout 2\nout 3\n');
    const before = await docker(['logs', '--until', '2000-01-01T00:00:00Z', 'logs1'], s.env);
    assert.equal(before.stdout + before.stderr, '');
  });

  test('a line longer than the runtime’s 16 KiB records comes back whole, without inner timestamps', async () => {
    // 40,000 bytes on one line: three log records on the node, each with its own timestamp in pods/log.
    const r = await docker(
      ['run', '--name', 'longline', 'busybox', 'sh', '-c', 'head -c 40000 /dev/zero | tr "\\0" a; echo; echo after'],
      s.env,
      120_000,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${'a'.repeat(40_000)}\nafter\n`, 'the attached run');
    const logs = await docker(['logs', 'longline'], s.env);
    assert.equal(logs.stdout, `${'a'.repeat(40_000)}\nafter\n`);
  });

  test('no stream asked: 400', async () => {
    const r = await run(
      'curl',
      ['-s', '-w', '\n%{http_code}', `${s.env.DOCKER_HOST?.replace('tcp://', 'http://')}/containers/logs1/logs`],
      s.env,
    );
    assert.match(r.stdout, /Bad parameters: you must choose at least one stream/);
    assert.match(r.stdout, /\n400$/);
  });

  test('missing container: 404', async () => {
    const r = await docker(['logs', 'nosuch-container'], s.env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No such container: nosuch-container/);
  });
});

describe('docker logs -f', () => {
  test('streams output as it comes and ends when the container stops', async () => {
    await dockerOk(
      [
        'run',
        '-d',
        '--name',
        'follow1',
        'busybox',
        'sh',
        '-c',
        'sleep 2; for i in 1 2 3; do echo tick $i; sleep 1; done',
      ],
      s.env,
    );
    const started = Date.now();
    const r = await docker(['logs', '-f', 'follow1'], s.env, 120_000);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'tick 1\ntick 2\ntick 3\n');
    assert.ok(Date.now() - started >= 2000, 'followed the live output');
  });

  test('--tail 0 -f shows only new lines', async () => {
    await dockerOk(
      ['run', '-d', '--name', 'follow2', 'busybox', 'sh', '-c', 'echo old; sleep 4; echo new; sleep 1'],
      s.env,
    );
    await until(async () => (await docker(['logs', 'follow2'], s.env)).stdout.includes('old'), 'the first line');
    const r = await docker(['logs', '-f', '--tail', '0', 'follow2'], s.env, 120_000);
    assert.equal(r.stdout, 'new\n');
  });
});

describe('logs after the run', () => {
  test('after docker stop', async () => {
    await dockerOk(
      [
        'run',
        '-d',
        '--name',
        'stopped1',
        'busybox',
        'sh',
        '-c',
        'trap "echo bye; exit 0" TERM; echo hello; while true; do sleep 0.2; done',
      ],
      s.env,
    );
    await until(async () => (await docker(['logs', 'stopped1'], s.env)).stdout.includes('hello'), 'hello');
    await dockerOk(['stop', 'stopped1'], s.env, 120_000);
    const r = await docker(['logs', 'stopped1'], s.env);
    assert.equal(r.stdout, 'hello\nbye\n');
  });

  test('after exit, and across a restart (generations in order)', async () => {
    await dockerOk(['run', '--name', 'gens1', 'busybox', 'sh', '-c', 'echo run; date +%N >&2'], s.env, 120_000);
    const first = await docker(['logs', 'gens1'], s.env);
    assert.equal(first.stdout, 'run\n');
    await dockerOk(['start', '-a', 'gens1'], s.env, 120_000);
    const both = await docker(['logs', 'gens1'], s.env);
    assert.equal(both.stdout, 'run\nrun\n');
    assert.equal(both.stderr.trim().split('\n').length, 2);
  });
});
