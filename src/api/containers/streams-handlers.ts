// /containers/{id}/logs, /attach, /resize, /top, /stats: parse → backend → Docker's wire format.

import { InvalidParameter, messageOf } from '../../errors.ts';
import type { Handler } from '../context.ts';
import { startRawStream } from '../http/json-stream.ts';
import { queryBool, queryInt } from '../http/query.ts';
import { empty, json } from '../http/reply.ts';
import { frame } from '../http/stdcopy.ts';
import { versionAtLeast } from '../version.ts';
import type { ContainerStreamsBackend, LogLine } from './streams-backend.ts';

/** Docker's `since`/`until`: unix seconds with an optional fraction; 0 or empty means unset. */
export function parseUnixTime(value: string | null, name: string): bigint | undefined {
  if (value === null || value.trim() === '' || value.trim() === '0') return undefined;
  const m = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(value.trim());
  if (!m) throw new InvalidParameter(`invalid value for ${name}: ${JSON.stringify(value)} is not a unix timestamp`);
  return BigInt(m[1]) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

/** `tail`: a count of lines, or "all" (also -1, empty, anything that is not a count, as moby). */
export function parseTail(value: string | null): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  return /^\d+$/.test(v) ? Number(v) : undefined;
}

/** Go's RFC3339Nano with 9 fixed digits, as dockerd prefixes log lines. */
export function dockerTimestamp(t: { seconds: number; nanos: number }): string {
  const base = new Date(t.seconds * 1000).toISOString().slice(0, 19);
  return `${base}.${String(t.nanos).padStart(9, '0')}Z`;
}

function logPayload(e: LogLine, timestamps: boolean): Buffer {
  if (!timestamps || !e.time) return e.line;
  return Buffer.concat([Buffer.from(`${dockerTimestamp(e.time)} `), e.line]);
}

export function logsHandler(backend: ContainerStreamsBackend): Handler {
  return async (ctx) => {
    const q = ctx.query;
    const stdout = queryBool(q, 'stdout');
    const stderr = queryBool(q, 'stderr');
    if (!stdout && !stderr) throw new InvalidParameter('Bad parameters: you must choose at least one stream');
    const timestamps = queryBool(q, 'timestamps');
    const answer = backend.logs(ctx.params.id, {
      stdout,
      stderr,
      follow: queryBool(q, 'follow'),
      tail: parseTail(q.get('tail')),
      sinceNs: parseUnixTime(q.get('since'), 'since'),
      untilNs: parseUnixTime(q.get('until'), 'until'),
      signal: ctx.signal,
    });
    const contentType = versionAtLeast(ctx.version, '1.42')
      ? answer.tty
        ? 'application/vnd.docker.raw-stream'
        : 'application/vnd.docker.multiplexed-stream'
      : undefined;
    const out = startRawStream(ctx.res, contentType);
    const write = (stream: 1 | 2, payload: Buffer) => out.write(answer.tty ? payload : frame(stream, payload));
    try {
      if (answer.note && stderr && !answer.tty) await write(2, Buffer.from(`badidea: ${answer.note}\n`));
      for await (const e of answer.entries) {
        if (ctx.signal.aborted) break;
        await write(e.stream, logPayload(e, timestamps));
      }
    } catch (err) {
      // Headers are out: report in-band on stderr as dockerd does, then end the stream.
      if (!ctx.signal.aborted) await write(2, Buffer.from(`Error grabbing logs: ${messageOf(err)}\n`));
    }
    out.end();
    return undefined;
  };
}

export function attachHandler(backend: ContainerStreamsBackend): Handler {
  return async (ctx) => {
    const q = ctx.query;
    const prepared = backend.prepareAttach(ctx.params.id, {
      stream: queryBool(q, 'stream'),
      stdin: queryBool(q, 'stdin'),
      stdout: queryBool(q, 'stdout'),
      stderr: queryBool(q, 'stderr'),
      logs: queryBool(q, 'logs'),
      detachKeys: q.get('detachKeys') ?? undefined,
    });
    const conn = await ctx.hijack({ tty: prepared.tty, stdin: queryBool(q, 'stdin'), versionHeaders: false });
    await prepared.run(conn);
    return undefined;
  };
}

export function resizeHandler(backend: ContainerStreamsBackend): Handler {
  return (ctx) => {
    const h = queryInt(ctx.query, 'h', 0) ?? 0;
    const w = queryInt(ctx.query, 'w', 0) ?? 0;
    if (h < 0 || w < 0) throw new InvalidParameter('invalid terminal size: height and width must not be negative');
    backend.resize(ctx.params.id, h, w);
    return { ...empty(200), headers: { 'Content-Length': '0' } };
  };
}

export function topHandler(backend: ContainerStreamsBackend): Handler {
  return async (ctx) => json(await backend.top(ctx.params.id, ctx.query.get('ps_args') ?? '', ctx.signal));
}

export function statsHandler(backend: ContainerStreamsBackend): Handler {
  return async (ctx) => {
    const stream = queryBool(ctx.query, 'stream', true);
    const oneShot = queryBool(ctx.query, 'one-shot');
    if (oneShot && stream) throw new InvalidParameter('cannot have stream=true and one-shot=true');
    const samples = backend.stats(ctx.params.id, { stream, oneShot, signal: ctx.signal });
    const it = samples[Symbol.asyncIterator]();
    // The first sample decides the status (404, 501 …); the headers go out with it.
    const first = await it.next();
    if (!stream) {
      await it.return?.();
      return json(first.done ? {} : first.value);
    }
    const out = startRawStream(ctx.res, 'application/json');
    try {
      let r = first;
      while (!r.done && !ctx.signal.aborted) {
        await out.write(`${JSON.stringify(r.value)}\n`);
        r = await it.next();
      }
    } catch {
      // Mid-stream failure: end the stream (the client sees it end).
    } finally {
      await it.return?.();
    }
    out.end();
    return undefined;
  };
}
