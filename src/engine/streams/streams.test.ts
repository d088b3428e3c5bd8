import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import { dockerTimestamp, parseTail, parseUnixTime } from '../../api/containers/streams-handlers.ts';
import { DetachKeys, parseDetachKeys } from './detach-keys.ts';
import { execCommand, runtimeFailureText, startFailureCode, userSwitch } from './exec-command.ts';
import { type LogEntry, mergeByTime } from './log-entries.ts';
import { OutputHolds } from './output-holds.ts';
import { StatsAccumulator } from './stats.ts';
import { StdinBuffer } from './stdin-buffer.ts';
import { parsePsOutput } from './top.ts';

const entry = (stream: 1 | 2, ns: number, text: string): LogEntry => ({
  stream,
  ns: BigInt(ns),
  time: { raw: '', seconds: 0, nanos: ns },
  line: Buffer.from(text),
});

async function* seq(items: LogEntry[], delayMs = 0) {
  for (const e of items) {
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    yield e;
  }
}

test('mergeByTime puts two streams back in time order', async () => {
  const out = seq([entry(1, 1, 'o1'), entry(1, 3, 'o3'), entry(1, 5, 'o5')]);
  const err = seq([entry(2, 2, 'e2'), entry(2, 4, 'e4')], 5);
  const merged: string[] = [];
  for await (const e of mergeByTime(out, err)) merged.push(e.line.toString());
  assert.deepEqual(merged, ['o1', 'e2', 'o3', 'e4', 'o5']);
});

test('mergeByTime surfaces a failure of either side', async () => {
  async function* failing(): AsyncGenerator<LogEntry> {
    yield entry(2, 1, 'x');
    throw new Error('boom');
  }
  await assert.rejects(async () => {
    for await (const _ of mergeByTime(seq([entry(1, 5, 'a')]), failing())) {
      // drain
    }
  }, /boom/);
});

test('logs query: tail, since/until, Docker timestamps', () => {
  assert.equal(parseTail('all'), undefined);
  assert.equal(parseTail('-1'), undefined);
  assert.equal(parseTail('5'), 5);
  assert.equal(parseTail('0'), 0);
  assert.equal(parseUnixTime('0', 'since'), undefined);
  assert.equal(parseUnixTime('1700000000.5', 'since'), 1_700_000_000_500_000_000n);
  assert.throws(() => parseUnixTime('yesterday', 'since'), /not a unix timestamp/);
  assert.equal(dockerTimestamp({ seconds: 1795884916, nanos: 977544207 }), '2026-11-28T16:55:16.977544207Z');
  assert.equal(dockerTimestamp({ seconds: 1795884916, nanos: 5 }), '2026-11-28T16:55:16.000000005Z');
});

test('ps output parsed as moby does, the ps itself left out', () => {
  const out = 'PID   USER     COMMAND\n    1 root     sleep 3600\n   12 root     ps -ef\n';
  assert.deepEqual(parsePsOutput(out, 'ps -ef'), {
    Titles: ['PID', 'USER', 'COMMAND'],
    Processes: [['1', 'root', 'sleep 3600']],
  });
  const full = 'UID PID PPID C STIME TTY TIME CMD\nroot 1 0 0 16:54 ? 00:00:00 httpd -f -p 80\n';
  assert.deepEqual(parsePsOutput(full).Processes[0], [
    'root',
    '1',
    '0',
    '0',
    '16:54',
    '?',
    '00:00:00',
    'httpd -f -p 80',
  ]);
  assert.throws(() => parsePsOutput('COMMAND\nsleep\n'), /Couldn't find PID field/);
});

test('detach keys: parsing and the sequence held back', async () => {
  assert.deepEqual(parseDetachKeys(undefined), [16, 17]);
  assert.deepEqual(parseDetachKeys('ctrl-a,x'), [1, 120]);
  assert.throws(() => parseDetachKeys('ctrl-??'), /Invalid detach keys/);
  const got: Buffer[] = [];
  const dest = new Writable({
    write(chunk, _e, cb) {
      got.push(chunk);
      cb();
    },
  });
  const d = new DetachKeys([16, 17]);
  let detached = false;
  d.on('detach', () => {
    detached = true;
  });
  const w = d.through(dest);
  w.write(Buffer.from([104, 16, 105]));
  w.write(Buffer.from([16, 17, 120]));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(Buffer.concat(got), Buffer.from([104, 16, 105]));
  assert.ok(detached);
});

test('exec exit codes for start failures (moby translateContainerdStartErr)', () => {
  assert.equal(startFailureCode('exec: "nosuch": executable file not found in $PATH', 'nosuch'), 127);
  assert.equal(startFailureCode('exec: "/x/y": stat /x/y: no such file or directory', '/x/y'), 127);
  assert.equal(startFailureCode('exec: "/etc/passwd": permission denied', '/etc/passwd'), 126);
  assert.equal(
    startFailureCode('chdir to cwd ("/nope") set in config.json failed: no such file or directory', 'pwd'),
    126,
  );
  assert.equal(
    runtimeFailureText(
      'error executing command in container: failed to exec in container: OCI runtime exec failed: exec failed: x: unknown',
    ),
    'OCI runtime exec failed: exec failed: x: unknown\r\n',
  );
});

test('exec command: plain when nothing to wrap, sh wrapper for Env/WorkingDir/User', () => {
  assert.deepEqual(execCommand({ cmd: ['ls', '/'], env: [], workingDir: '', user: '' }, ''), {
    command: ['ls', '/'],
    wrapped: false,
  });
  const w = execCommand({ cmd: ['env'], env: ['A=1'], workingDir: '/tmp', user: '' }, '');
  assert.equal(w.wrapped, true);
  assert.deepEqual(w.command.slice(0, 2), ['/bin/sh', '-c']);
  assert.deepEqual(w.command.slice(3), ['badidea-exec', '/tmp', '', 'A=1', '--', 'env']);
  assert.equal(userSwitch('', 'app'), undefined);
  assert.equal(userSwitch('app', 'app'), undefined);
  assert.equal(userSwitch('root', ''), undefined);
  assert.equal(userSwitch('nobody', ''), 'nobody');
  assert.throws(() => userSwitch('root', '1000'), /non-root container cannot switch users/);
});

test('stats counters give the rate back through the CLI formula', () => {
  const acc = new StatsAccumulator(4);
  const a = acc.next({ at: 10_000, nanoCores: 250_000_000, memoryBytes: 1 }, false);
  const pct = (x: typeof a) =>
    ((x.cpu.cpu_usage.total_usage - x.pre.cpu_usage.total_usage) / (x.cpu.system_cpu_usage - x.pre.system_cpu_usage)) *
    x.cpu.online_cpus *
    100;
  assert.equal(Math.round(pct(a)), 25);
  const b = acc.next({ at: 12_000, nanoCores: 500_000_000, memoryBytes: 1 }, false);
  assert.equal(Math.round(pct(b)), 50);
});

test('stdin buffer keeps early input and EOF until connected', async () => {
  const source = new PassThrough();
  const buf = new StdinBuffer(source, 4);
  source.write('abc');
  source.write('def');
  source.end();
  await new Promise((r) => setImmediate(r));
  const dest = new PassThrough();
  const chunks: Buffer[] = [];
  dest.on('data', (c) => chunks.push(c));
  const ended = new Promise((r) => dest.on('end', r));
  buf.connect(dest, true);
  await ended;
  assert.equal(Buffer.concat(chunks).toString(), 'abcdef');
});

test('output holds delay removal until released (bounded)', async () => {
  const holds = new OutputHolds();
  const release = holds.hold('c1');
  let done = false;
  const p = holds.released('c1', 10_000).then(() => {
    done = true;
  });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(done, false);
  release();
  await p;
  assert.equal(done, true);
  holds.hold('c2');
  await holds.released('c2', 20); // times out
});
