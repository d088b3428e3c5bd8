// Kubernetes log lines: `timestamps=true` prefixes each line with RFC3339 and 9 fractional digits
// (`2026-01-02T03:04:05.123456789Z line`). Times are kept as whole seconds + nanoseconds: a JS Date or a double
// of epoch seconds cannot hold nanoseconds.
import { Transform, type TransformCallback } from 'node:stream';

export interface LogTime {
  /** The timestamp as the server wrote it. */
  raw: string;
  /** Unix seconds (UTC). */
  seconds: number;
  /** 0..999 999 999. */
  nanos: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC3339 time with up to 9 fractional digits and Z or an offset; null when it is not one. */
export function parseLogTime(raw: string): LogTime | null {
  const m = RFC3339.exec(raw);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let seconds = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    seconds -= sign * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  }
  const nanos = frac ? Number(frac.padEnd(9, '0')) : 0;
  return { raw, seconds, nanos };
}

/** Nanoseconds since the epoch, exact. */
export function logTimeToNanos(t: LogTime): bigint {
  return BigInt(t.seconds) * 1_000_000_000n + BigInt(t.nanos);
}

/**
 * Go's RFC3339Nano in UTC (trailing fractional zeros trimmed, as Docker prints timestamps),
 * or with `fixed` always 9 digits (Kubernetes' RFC3339NanoFixed).
 */
export function formatLogTime(t: Pick<LogTime, 'seconds' | 'nanos'>, fixed = false): string {
  const base = new Date(t.seconds * 1000).toISOString().slice(0, 19);
  let frac = String(t.nanos).padStart(9, '0');
  if (!fixed) frac = frac.replace(/0+$/, '');
  return `${base}${frac ? `.${frac}` : ''}Z`;
}

export interface LogLine<T extends string | Buffer> {
  time: LogTime;
  line: T;
}

/**
 * Splits `<timestamp> <rest>`. `rest` keeps everything after the single separating space (including any newline).
 * Returns null when the line does not start with a timestamp.
 */
export function parseTimestampedLine<T extends string | Buffer>(line: T): LogLine<T> | null {
  // The kubelet always writes "<timestamp> " before the message, even an empty one.
  if (typeof line === 'string') {
    const space = line.indexOf(' ');
    const time = space > 0 ? parseLogTime(line.slice(0, space)) : null;
    return time ? { time, line: line.slice(space + 1) as T } : null;
  }
  const buf = line as Buffer;
  const space = buf.indexOf(0x20);
  const time = space > 0 && space <= 40 ? parseLogTime(buf.toString('latin1', 0, space)) : null;
  return time ? { time, line: buf.subarray(space + 1) as T } : null;
}

/**
 * The longest message a container runtime writes as one log record (containerd's and dockerd's 16 KiB). A longer
 * line is written as partial records, and the kubelet prefixes each with its own timestamp:
 * `<t1> <16 KiB><t2> <16 KiB><t3> rest\n`.
 */
export const PARTIAL_RECORD_BYTES = 16 * 1024;
const TIMESTAMP_PREFIX = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2}) /;
/** Bytes of a line kept before a part of it goes out: a line without a newline must not be held whole. */
const MAX_PENDING_BYTES = 64 * 1024;

/** The timestamp prefix (`<time> `) at `at`, if there is one. */
function prefixAt(buf: Buffer, at: number): { time: LogTime; length: number } | undefined {
  const m = TIMESTAMP_PREFIX.exec(buf.toString('latin1', at, at + 40));
  const time = m ? parseLogTime(m[0].slice(0, -1)) : null;
  return m && time ? { time, length: m[0].length } : undefined;
}

export interface SplitLogLine {
  /** Present when splitting with `timestamps`, and the line starts with one. */
  time?: LogTime;
  /** The line's bytes, with its trailing newline when it had one (the last line may be cut by limitBytes). */
  line: Buffer;
  /** When its bytes were read (performance.now()): a reader merging two streams waits from then, not from its turn. */
  receivedAt: number;
}

/**
 * A Transform from log bytes to one object per line ({time?, line}), or per record of a long line: the kubelet's
 * 16 KiB records (PARTIAL_RECORD_BYTES) each come out with their own time and without a newline, as dockerd gives
 * partial messages. A line is never held whole: past MAX_PENDING_BYTES what has arrived goes out (with the line's
 * time), so memory stays bounded whatever the container writes. Backpressure comes from the Transform.
 */
export class LogLineSplitter extends Transform {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** The time of the record the pending bytes belong to, once its prefix was taken off (timestamps only). */
  #time: LogTime | undefined;
  #timestamps: boolean;
  #receivedAt = 0;

  constructor(opts: { timestamps: boolean }) {
    super({ readableObjectMode: true, writableObjectMode: false });
    this.#timestamps = opts.timestamps;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#receivedAt = performance.now();
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl + 1);
      start = nl + 1;
      this.#take(this.#pending.length ? Buffer.concat([...this.#pending, piece]) : piece, true);
    }
    if (start < chunk.length) {
      this.#pending.push(chunk.subarray(start));
      this.#pendingBytes += chunk.length - start;
      if (this.#pendingBytes > MAX_PENDING_BYTES) this.#take(Buffer.concat(this.#pending), false);
    }
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.#pending.length) this.#take(Buffer.concat(this.#pending), true);
    cb();
  }

  /** Emits what `buf` (the pending bytes, and a newline-ended piece when `complete`) holds; keeps an unfinished record. */
  #take(buf: Buffer, complete: boolean): void {
    this.#pending = [];
    this.#pendingBytes = 0;
    if (!this.#timestamps) {
      this.push({ line: buf, receivedAt: this.#receivedAt } satisfies SplitLogLine);
      return;
    }
    let time = this.#time;
    let pos = 0;
    if (!time) {
      const p = prefixAt(buf, 0);
      if (!p) {
        this.push({ line: buf, receivedAt: this.#receivedAt } satisfies SplitLogLine); // not a timestamped line: as it is
        return;
      }
      time = p.time;
      pos = p.length;
    }
    // Whole 16 KiB records followed by the next record's timestamp.
    for (;;) {
      const next = buf.length - pos > PARTIAL_RECORD_BYTES ? prefixAt(buf, pos + PARTIAL_RECORD_BYTES) : undefined;
      if (!next) break;
      this.push({
        time,
        line: buf.subarray(pos, pos + PARTIAL_RECORD_BYTES),
        receivedAt: this.#receivedAt,
      } satisfies SplitLogLine);
      time = next.time;
      pos += PARTIAL_RECORD_BYTES + next.length;
    }
    const rest = buf.subarray(pos);
    if (complete || rest.length > PARTIAL_RECORD_BYTES + 40) {
      // The line's end, or more than a record without a record boundary (a runtime that does not split): out.
      if (rest.length > 0) this.push({ time, line: rest, receivedAt: this.#receivedAt } satisfies SplitLogLine);
      this.#time = complete ? undefined : time;
      return;
    }
    // An unfinished record: kept (its prefix already taken off) until its end or its successor's timestamp.
    this.#pending = [rest];
    this.#pendingBytes = rest.length;
    this.#time = time;
  }
}
