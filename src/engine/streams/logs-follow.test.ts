// A followed log whose other stream is silent: the kubelet answers a pods/log request (headers included) only with
// its first line, so stdout lines must flow while the stderr request is still unanswered.
import assert from 'node:assert/strict';
import { PassThrough, type Readable } from 'node:stream';
import { test } from 'node:test';
import { silentLogger } from '../../log.ts';
import type { ContainerLookup } from '../containers/lookup.ts';
import { type LogEntry, mergeByTime } from './log-entries.ts';
import { LogsEngine, type RunSource } from './logs.ts';
import type { LogRequest, PodStreams } from './pod-streams.ts';

function fakePods(stdout: Readable, seen: LogRequest[]): PodStreams {
  return {
    logs(_pod: string, o: LogRequest): Promise<Readable> {
      seen.push(o);
      if (o.stream === 'Stdout') return Promise.resolve(stdout);
      // Stderr: no line yet, so no answer until the request is aborted.
      return new Promise((_resolve, reject) => {
        o.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    },
    splitStreamsKnown: () => true,
  } as unknown as PodStreams;
}

const src = { pod: { metadata: { name: 'p' }, spec: {} }, previous: false, key: 'k' } as unknown as RunSource;

test('follow: stdout lines flow while the stderr request has not been answered', async () => {
  const stdout = new PassThrough();
  const seen: LogRequest[] = [];
  const engine = new LogsEngine({ lookup: {} as ContainerLookup, pods: fakePods(stdout, seen), log: silentLogger });
  const client = new AbortController();
  const run = engine.readRun(src, {
    stdout: true,
    stderr: true,
    follow: true,
    tty: false,
    signal: client.signal,
  });
  stdout.write('2026-11-28T21:12:37.960308463Z Started\n');
  const first = await Promise.race([
    run.next(),
    new Promise<'stalled'>((r) => setTimeout(() => r('stalled'), 5000).unref()),
  ]);
  assert.notEqual(first, 'stalled', 'the stdout line waited for the silent stderr request');
  assert.equal((first as IteratorResult<{ line: Buffer }>).value?.line.toString(), 'Started\n');

  // The reader stops (docker logs -f interrupted, a wait strategy satisfied): the unanswered request is ended too.
  await run.return(undefined);
  const stderrRequest = seen.find((o) => o.stream === 'Stderr');
  assert.equal(stderrRequest?.signal?.aborted, true);
  assert.equal(client.signal.aborted, false);
});

test('merge: entries read a while ago go out at once while the other stream is silent (no grace each)', async () => {
  const silent: AsyncIterator<LogEntry> = {
    next: () => new Promise(() => {}),
    return: async () => ({ done: true, value: undefined }),
  };
  const readLongAgo = performance.now() - 60_000;
  async function* backlog(): AsyncGenerator<LogEntry> {
    for (let i = 0; i < 3; i++)
      yield { stream: 1, ns: BigInt(i), line: Buffer.from(`l${i}\n`), receivedAt: readLongAgo };
  }
  // A grace of a minute: waiting it once per entry would stall the test.
  const merged = mergeByTime(backlog(), silent, 60_000);
  const got: string[] = [];
  const drained = (async () => {
    for (let i = 0; i < 3; i++) got.push(((await merged.next()).value as LogEntry).line.toString());
  })();
  const outcome = await Promise.race([
    drained.then(() => 'drained'),
    new Promise<'stalled'>((r) => setTimeout(() => r('stalled'), 5000).unref()),
  ]);
  assert.equal(outcome, 'drained');
  assert.deepEqual(got, ['l0\n', 'l1\n', 'l2\n']);
  await merged.return(undefined);
});
