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

/** A line's message with the timestamps of its continuation records taken out (see PARTIAL_RECORD_BYTES). */
export function joinPartialRecords(message: Buffer): Buffer {
  if (message.length <= PARTIAL_RECORD_BYTES) return message;
  const parts: Buffer[] = [];
  let rest = message;
  while (rest.length > PARTIAL_RECORD_BYTES) {
    const head = rest.subarray(PARTIAL_RECORD_BYTES, PARTIAL_RECORD_BYTES + 40).toString('latin1');
    const prefix = TIMESTAMP_PREFIX.exec(head);
    if (!prefix) break;
    parts.push(rest.subarray(0, PARTIAL_RECORD_BYTES));
    rest = rest.subarray(PARTIAL_RECORD_BYTES + prefix[0].length);
  }
  parts.push(rest);
  return parts.length === 1 ? message : Buffer.concat(parts);
}

export interface SplitLogLine {
  /** Present when splitting with `timestamps`, and the line starts with one. */
  time?: LogTime;
  /** The line's bytes, with its trailing newline when it had one (the last line may be cut by limitBytes). */
  line: Buffer;
}

/**
 * A Transform from log bytes to one object per line ({time?, line}). Lines are not joined across more than the
 * pending partial line; backpressure comes from the Transform.
 */
export class LogLineSplitter extends Transform {
  #pending: Buffer[] = [];
  #timestamps: boolean;

  constructor(opts: { timestamps: boolean }) {
    super({ readableObjectMode: true, writableObjectMode: false });
    this.#timestamps = opts.timestamps;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl + 1);
      start = nl + 1;
      if (this.#pending.length) {
        this.#pending.push(piece);
        this.#emit(Buffer.concat(this.#pending));
        this.#pending = [];
      } else this.#emit(piece);
    }
    if (start < chunk.length) this.#pending.push(chunk.subarray(start));
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.#pending.length) this.#emit(Buffer.concat(this.#pending));
    this.#pending = [];
    cb();
  }

  #emit(line: Buffer): void {
    if (!this.#timestamps) {
      this.push({ line } satisfies SplitLogLine);
      return;
    }
    const parsed = parseTimestampedLine(line);
    this.push(
      (parsed ? { time: parsed.time, line: joinPartialRecords(parsed.line) } : { line }) satisfies SplitLogLine,
    );
  }
}
