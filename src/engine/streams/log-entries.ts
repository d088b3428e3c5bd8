// Log lines as the stream engines handle them: which stream (1 stdout, 2 stderr), when (exact nanoseconds from the
// kubelet's timestamps), and the bytes. Reading one pods/log request into entries, and merging two requests (stdout
// and stderr asked apart) back into time order.

import type { Readable } from 'node:stream';
import { LogLineSplitter, type LogTime, logTimeToNanos, type SplitLogLine } from '../../kube/streams/log-lines.ts';

export interface LogEntry {
  stream: 1 | 2;
  /** Absent only when the server sent a line without a timestamp (never with timestamps=true). */
  time?: LogTime;
  /** Nanoseconds since the epoch (0n when unknown). */
  ns: bigint;
  line: Buffer;
  /** When it was read (performance.now()); absent: now. */
  receivedAt?: number;
}

/**
 * One log response body as entries. `stream` is the stream the request asked for (All is read as stdout).
 * Destroys the body when the consumer stops early.
 */
export async function* readLogEntries(body: Readable, stream: 1 | 2): AsyncGenerator<LogEntry> {
  const splitter = new LogLineSplitter({ timestamps: true });
  body.on('error', (err) => splitter.destroy(err));
  body.pipe(splitter);
  try {
    for await (const item of splitter as AsyncIterable<SplitLogLine>) {
      yield {
        stream,
        time: item.time,
        ns: item.time ? logTimeToNanos(item.time) : 0n,
        line: item.line,
        receivedAt: item.receivedAt,
      };
    }
  } finally {
    body.unpipe(splitter);
    body.destroy();
    splitter.destroy();
  }
}

/**
 * Merges two time-ordered entry sequences into one. While both have an entry waiting, the older goes first. When
 * only one has an entry, the other gets `graceMs` from the moment that entry was read to produce an older one
 * before it goes out, so history comes out in order and live output is delayed by at most the grace; entries read
 * together (a burst, a backlog) wait once, not once each.
 */
export async function* mergeByTime(
  a: AsyncIterator<LogEntry>,
  b: AsyncIterator<LogEntry>,
  graceMs = 30,
): AsyncGenerator<LogEntry> {
  const its = [a, b];
  const heads: (LogEntry | undefined)[] = [undefined, undefined];
  const done = [false, false];
  const pending: (Promise<void> | undefined)[] = [undefined, undefined];
  let failure: { err: unknown } | undefined;
  const pull = (i: number) => {
    if (pending[i] || done[i] || heads[i]) return;
    pending[i] = its[i].next().then(
      (r) => {
        pending[i] = undefined;
        if (r.done) done[i] = true;
        else heads[i] = r.value;
      },
      (err: unknown) => {
        pending[i] = undefined;
        done[i] = true;
        failure ??= { err };
      },
    );
  };
  const take = (i: number): LogEntry => {
    const e = heads[i] as LogEntry;
    heads[i] = undefined;
    return e;
  };
  try {
    for (;;) {
      if (failure) throw failure.err;
      pull(0);
      pull(1);
      const [h0, h1] = heads;
      if (h0 && h1) {
        yield take(h1.ns < h0.ns ? 1 : 0);
        continue;
      }
      if (!h0 && !h1) {
        if (done[0] && done[1]) return;
        await Promise.race(pending.filter((p): p is Promise<void> => p !== undefined));
        continue;
      }
      const have = h0 ? 0 : 1;
      const other = 1 - have;
      if (done[other]) {
        yield take(have);
        continue;
      }
      const waiting = heads[have] as LogEntry;
      const left = (waiting.receivedAt ?? performance.now()) + graceMs - performance.now();
      if (left <= 0) {
        yield take(have);
        continue;
      }
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left);
      });
      await Promise.race([pending[other] as Promise<void>, grace]);
      clearTimeout(timer);
      if (failure) throw (failure as { err: unknown }).err;
      if (!heads[other]) yield take(have);
    }
  } finally {
    await Promise.allSettled(its.map((it) => it.return?.()));
  }
}

/**
 * An entry sequence whose log request is still being answered. A followed pods/log request for a stream with no
 * line yet may get its response headers only with its first line (the kubelet's log writer sends them on the first
 * write), so a reader must not wait for one stream's headers before reading the other. `return()` never waits for
 * the open: a request answered later is closed then.
 */
export function deferredEntries(open: Promise<AsyncIterator<LogEntry> | undefined>): AsyncIterator<LogEntry> {
  let closed = false;
  let opened: AsyncIterator<LogEntry> | undefined;
  const settled = open.then(
    (it) => {
      opened = it;
      if (closed) void it?.return?.();
      return it;
    },
    (err: unknown) => {
      if (closed) return undefined;
      throw err;
    },
  );
  settled.catch(() => {}); // surfaced by next()
  return {
    async next(): Promise<IteratorResult<LogEntry>> {
      const it = closed ? undefined : await settled;
      return it && !closed ? it.next() : { done: true, value: undefined };
    },
    async return(): Promise<IteratorResult<LogEntry>> {
      closed = true;
      await opened?.return?.();
      return { done: true, value: undefined };
    },
  };
}

/** Unix seconds as Docker's `since`/`until` carry them ("1700000000", "1700000000.5", "1700000000.000000001"). */
export function parseUnixNanos(value: string): bigint | undefined {
  const m = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(value.trim());
  if (!m) return undefined;
  return BigInt(m[1]) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

/** RFC 3339 at whole seconds (rounded down): what pods/log takes as sinceTime. */
export function sinceTimeParam(ns: bigint): string {
  const seconds = Number(ns / 1_000_000_000n);
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}
