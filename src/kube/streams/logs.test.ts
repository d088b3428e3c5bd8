import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeStatusError, LogStreamUnsupportedError } from './errors.ts';
import { type FakeApiServer, startFakeApiServer, statusBody, TOKEN } from './fake-apiserver.test-util.ts';
import {
  formatLogTime,
  LogLineSplitter,
  logTimeToNanos,
  PARTIAL_RECORD_BYTES,
  parseLogTime,
  parseTimestampedLine,
  type SplitLogLine,
} from './log-lines.ts';
import { podLogs, serverKnowsLogStream } from './logs.ts';

async function text(r: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('podLogs', () => {
  let fake: FakeApiServer;
  beforeEach(async () => {
    fake = await startFakeApiServer();
  });
  afterEach(() => fake.close());

  it('sends the query and streams the body', async () => {
    let seen: URL | undefined;
    fake.onHttp = (_req, res, url) => {
      seen = url;
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('a\nb\n');
    };
    const body = await podLogs({
      kc: fake.kc,
      namespace: 'ns',
      pod: 'p',
      container: 'c',
      timestamps: true,
      sinceTime: new Date('2026-01-02T03:04:05Z'),
      tailLines: 10,
      limitBytes: 100,
    });
    assert.equal(await text(body), 'a\nb\n');
    assert.equal(seen?.pathname, '/api/v1/namespaces/ns/pods/p/log');
    const q = seen!.searchParams;
    assert.equal(q.get('container'), 'c');
    assert.equal(q.get('timestamps'), 'true');
    assert.equal(q.get('sinceTime'), '2026-01-02T03:04:05.000Z');
    assert.equal(q.get('tailLines'), '10');
    assert.equal(q.get('limitBytes'), '100');
    assert.equal(q.has('follow'), false);
    assert.equal(q.has('stream'), false);
    assert.equal(fake.auth[0], `Bearer ${TOKEN}`);
  });

  it('follow streams chunks as they come; destroying the body closes the connection', async () => {
    let serverRes: import('node:http').ServerResponse | undefined;
    fake.onHttp = (_req, res) => {
      serverRes = res;
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('first\n');
    };
    const body = await podLogs({ kc: fake.kc, namespace: 'ns', pod: 'p', follow: true });
    const it = body[Symbol.asyncIterator]();
    assert.equal(String((await it.next()).value), 'first\n');
    serverRes!.write('second\n');
    assert.equal(String((await it.next()).value), 'second\n');
    body.destroy();
    for (let i = 0; i < 50 && fake.openSockets() > 0; i++) await sleep(20);
    assert.equal(fake.openSockets(), 0);
  });

  it('keeps the Status message of a 400', async () => {
    fake.onHttp = (_req, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(statusBody(400, 'BadRequest', 'container "x" in pod "y" is waiting to start: ContainerCreating'));
    };
    await assert.rejects(podLogs({ kc: fake.kc, namespace: 'ns', pod: 'y', container: 'x' }), (err: unknown) => {
      assert.ok(err instanceof KubeStatusError);
      assert.equal(err.httpStatus, 400);
      assert.equal(err.reason, 'BadRequest');
      assert.equal(err.message, 'container "x" in pod "y" is waiting to start: ContainerCreating');
      return true;
    });
  });

  it('404 NotFound', async () => {
    fake.onHttp = (_req, res) => {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(statusBody(404, 'NotFound', 'pods "nope" not found', { details: { name: 'nope', kind: 'pods' } }));
    };
    await assert.rejects(
      podLogs({ kc: fake.kc, namespace: 'ns', pod: 'nope' }),
      (err: unknown) => err instanceof KubeStatusError && err.httpStatus === 404 && err.reason === 'NotFound',
    );
  });

  it('stream=Stdout is sent; a server with the gate off rejects it → LogStreamUnsupportedError', async () => {
    let seen: URL | undefined;
    fake.onHttp = (_req, res, url) => {
      seen = url;
      res.writeHead(422, { 'Content-Type': 'application/json' });
      res.end(
        statusBody(422, 'Invalid', 'PodLogOptions "p" is invalid: stream: Forbidden: may not be specified', {
          details: {
            name: 'p',
            kind: 'PodLogOptions',
            causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified', field: 'stream' }],
          },
        }),
      );
    };
    await assert.rejects(
      podLogs({ kc: fake.kc, namespace: 'ns', pod: 'p', stream: 'Stdout' }),
      (err: unknown) => err instanceof LogStreamUnsupportedError && err.why === 'disabled' && err.httpStatus === 422,
    );
    assert.equal(seen?.searchParams.get('stream'), 'Stdout');
  });

  it('a specific stream with tailLines → LogStreamUnsupportedError why tailLines', async () => {
    fake.onHttp = (_req, res) => {
      res.writeHead(422, { 'Content-Type': 'application/json' });
      res.end(
        statusBody(422, 'Invalid', 'PodLogOptions "p" is invalid: []: Forbidden: ...', {
          details: {
            causes: [
              {
                reason: 'FieldValueForbidden',
                message: 'Forbidden: `tailLines` and specific `stream` are mutually exclusive for now',
                field: '',
              },
            ],
          },
        }),
      );
    };
    await assert.rejects(
      podLogs({ kc: fake.kc, namespace: 'ns', pod: 'p', stream: 'Stderr', tailLines: 5 }),
      (err: unknown) => err instanceof LogStreamUnsupportedError && err.why === 'tailLines',
    );
  });

  it('stream=All is the default and not sent', async () => {
    let seen: URL | undefined;
    fake.onHttp = (_req, res, url) => {
      seen = url;
      res.end('');
    };
    await text(await podLogs({ kc: fake.kc, namespace: 'ns', pod: 'p', stream: 'All' }));
    assert.equal(seen?.searchParams.has('stream'), false);
  });

  it('an aborted signal rejects', async () => {
    fake.onHttp = () => {}; // never answers
    const ac = new AbortController();
    const p = podLogs({ kc: fake.kc, namespace: 'ns', pod: 'p', signal: ac.signal });
    await sleep(30);
    ac.abort();
    await assert.rejects(p, { name: 'AbortError' });
  });

  it('serverKnowsLogStream', () => {
    assert.equal(serverKnowsLogStream({ major: '1', minor: '31' }), false);
    assert.equal(serverKnowsLogStream({ major: '1', minor: '32+' }), true);
    assert.equal(serverKnowsLogStream({ major: '1', minor: '35' }), true);
    assert.equal(serverKnowsLogStream({ major: '', minor: '' }), false);
  });
});

describe('log lines', () => {
  it('parses Kubernetes timestamps without losing nanoseconds', () => {
    const r = parseTimestampedLine('2026-01-02T03:04:05.123456789Z hello world\n');
    assert.ok(r);
    assert.equal(r.line, 'hello world\n');
    assert.equal(r.time.nanos, 123456789);
    assert.equal(r.time.seconds, Date.UTC(2026, 0, 2, 3, 4, 5) / 1000);
    assert.equal(logTimeToNanos(r.time), BigInt(Date.UTC(2026, 0, 2, 3, 4, 5)) * 1_000_000n + 123456789n);
    assert.equal(r.time.raw, '2026-01-02T03:04:05.123456789Z');
  });

  it('works on Buffers, empty lines, offsets and short fractions', () => {
    const b = parseTimestampedLine(Buffer.from('2026-01-02T03:04:05.000000000Z \n'));
    assert.ok(b);
    assert.deepEqual(b.line, Buffer.from('\n'));
    const o = parseLogTime('2026-01-02T05:04:05.5+02:00');
    assert.deepEqual(o && [o.seconds, o.nanos], [Date.UTC(2026, 0, 2, 3, 4, 5) / 1000, 500000000]);
    assert.equal(parseTimestampedLine('no timestamp here'), null);
    assert.equal(parseTimestampedLine('2026-13-xx oops'), null);
  });

  it('formats RFC3339Nano (trimmed, as Docker) and fixed', () => {
    const t = parseLogTime('2026-01-02T03:04:05.120000000Z')!;
    assert.equal(formatLogTime(t), '2026-01-02T03:04:05.12Z');
    assert.equal(formatLogTime(t, true), '2026-01-02T03:04:05.120000000Z');
    assert.equal(formatLogTime({ seconds: t.seconds, nanos: 0 }), '2026-01-02T03:04:05Z');
  });

  const split = async (chunks: (string | Buffer)[], timestamps = true): Promise<SplitLogLine[]> => {
    const out: SplitLogLine[] = [];
    await pipeline(
      Readable.from(chunks.map((c) => Buffer.from(c))),
      new LogLineSplitter({ timestamps }),
      async (source: AsyncIterable<SplitLogLine>) => {
        for await (const l of source) out.push(l);
      },
    );
    return out;
  };

  it('LogLineSplitter: a long line written as 16 KiB records, each with its own timestamp, comes out record by record', async () => {
    const a = 'a'.repeat(PARTIAL_RECORD_BYTES);
    const b = 'b'.repeat(PARTIAL_RECORD_BYTES);
    const body = `2026-01-02T03:04:05.000000001Z ${a}2026-01-02T03:04:05.000000002Z ${b}2026-01-02T03:04:05.000000003Z end\n2026-01-02T03:04:06.000000004Z next\n`;
    // Chunk boundaries inside the records and inside a timestamp.
    const out = await split([body.slice(0, 16_400), body.slice(16_400, 16_420), body.slice(16_420)]);
    assert.deepEqual(
      out.map((l) => [l.time?.nanos, l.line.toString()]),
      [
        [1, a],
        [2, b],
        [3, 'end\n'],
        [4, 'next\n'],
      ],
    );
    // Text that only looks like a timestamp, elsewhere than at a record boundary, is kept.
    const odd = `2026-01-02T03:04:05Z ${'x'.repeat(100)}2026-01-02T03:04:05Z kept\n`;
    assert.deepEqual(
      (await split([odd])).map((l) => l.line.toString()),
      [`${'x'.repeat(100)}2026-01-02T03:04:05Z kept\n`],
    );
  });

  it('LogLineSplitter never holds a line whole: 8 MiB without a newline comes out in bounded parts', async () => {
    const MiB = Buffer.alloc(1024 * 1024, 0x61);
    const chunks = [Buffer.from('2026-01-02T03:04:05.000000001Z '), ...Array.from({ length: 8 }, () => MiB)];
    for (const timestamps of [true, false]) {
      const out = await split(timestamps ? chunks : chunks.slice(1), timestamps);
      assert.ok(out.length >= 8, `${out.length} parts`);
      assert.ok(Math.max(...out.map((l) => l.line.length)) <= 1024 * 1024 + 64 * 1024);
      assert.equal(
        out.reduce((n, l) => n + l.line.length, 0),
        8 * 1024 * 1024,
      );
      if (timestamps) assert.ok(out.every((l) => l.time?.nanos === 1));
    }
  });

  it('LogLineSplitter splits across chunks and keeps a final partial line', async () => {
    const out: SplitLogLine[] = [];
    await pipeline(
      Readable.from([
        Buffer.from('2026-01-02T03:04:05.000000001Z a\n2026-01-02T03:04:05.0000'),
        Buffer.from('00002Z b'),
        Buffer.from('c\n2026-01-02T03:04:05.000000003Z trunc'),
      ]),
      new LogLineSplitter({ timestamps: true }),
      async (source: AsyncIterable<SplitLogLine>) => {
        for await (const l of source) out.push(l);
      },
    );
    assert.deepEqual(
      out.map((l) => [l.time?.nanos, l.line.toString()]),
      [
        [1, 'a\n'],
        [2, 'bc\n'],
        [3, 'trunc'],
      ],
    );
  });
});
