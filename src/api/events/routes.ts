// GET /events: chunked NDJSON, flushed per event. `since` replays the past; `until` ends the stream (at once when
// it is not in the future); without until the stream stays open until the client goes away.

import { InvalidParameter } from '../../errors.ts';
import type { Handler, Route } from '../context.ts';
import { startRawStream } from '../http/json-stream.ts';
import { parseFilters } from '../http/query.ts';
import type { EventsBackend } from './backend.ts';

/** Docker's timestamps: unix seconds with an optional fraction, RFC 3339, or a duration before now (10m). */
export function parseTimestamp(raw: string | null, nowNano: bigint): bigint | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  const v = raw.trim();
  const unix = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(v);
  if (unix) return BigInt(unix[1]) * 1_000_000_000n + BigInt((unix[2] ?? '').padEnd(9, '0') || '0');
  const d = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/.exec(v);
  if (d) {
    const nanosPer = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12 }[d[2]] ?? 1;
    return nowNano - BigInt(Math.round(Number(d[1]) * nanosPer));
  }
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new InvalidParameter(`failed to parse value as time or duration: "${v}"`);
  return BigInt(ms) * 1_000_000n;
}

export function eventsHandler(backend: EventsBackend): Handler {
  return async (ctx) => {
    const now = backend.now();
    const since = parseTimestamp(ctx.query.get('since'), now);
    const until = parseTimestamp(ctx.query.get('until'), now);
    const filters = parseFilters(ctx.query.get('filters'));
    backend.checkFilters(filters);
    if (since !== undefined && until !== undefined && since > until) {
      throw new InvalidParameter(
        `since time (${ctx.query.get('since')}) cannot be after until time (${ctx.query.get('until')})`,
      );
    }
    ctx.body.resume();
    const stream = startRawStream(ctx.res, 'application/json');
    // Subscribe before replaying so nothing falls between the two; drop live duplicates of replayed events.
    const queue: { json: string; t: bigint }[] = [];
    let replaying = true;
    let lastReplayed = -1n;
    let done = false;
    let finish = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = () => {
        if (done) return;
        done = true;
        resolve();
      };
    });
    const unsubscribe = backend.follow(filters, (json, t) => {
      if (done) return;
      if (until !== undefined && t > until) return finish();
      if (replaying) queue.push({ json, t });
      else void stream.write(`${json}\n`);
    });
    try {
      if (since !== undefined || until !== undefined) {
        for (const json of backend.past(since, until, filters)) {
          await stream.write(`${json}\n`);
        }
        lastReplayed = now;
      }
      replaying = false;
      for (const e of queue) if (e.t > lastReplayed) await stream.write(`${e.json}\n`);
      queue.length = 0;
      if (until !== undefined && until <= backend.now()) finish();
      let timer: NodeJS.Timeout | undefined;
      if (until !== undefined && !done) {
        const ms = Number((until - backend.now()) / 1_000_000n);
        timer = setTimeout(finish, Math.max(0, ms));
      }
      ctx.signal.addEventListener('abort', finish, { once: true });
      ctx.res.once('close', finish);
      await finished;
      clearTimeout(timer);
    } finally {
      unsubscribe();
      stream.end();
    }
    return undefined;
  };
}

export function eventRoutes(backend: EventsBackend): Route[] {
  return [{ method: 'GET', path: '/events', handler: eventsHandler(backend) }];
}
