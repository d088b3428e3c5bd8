// What the container stream routes (logs, attach, resize, top, stats) need from the engine, in Docker's vocabulary.

import type { HijackedStream } from '../http/hijack.ts';

export interface LogLine {
  stream: 1 | 2;
  /** Present when the line carries a time: RFC 3339 with 9 fractional digits is made from it. */
  time?: { seconds: number; nanos: number };
  line: Buffer;
}

export interface LogsQuery {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  tail?: number;
  sinceNs?: bigint;
  untilNs?: bigint;
  signal: AbortSignal;
}

export interface LogsAnswer {
  tty: boolean;
  /** A remark for the user (sent once on stderr), e.g. that stdout and stderr cannot be told apart. */
  note?: string;
  entries: AsyncIterable<LogLine>;
}

export interface AttachQuery {
  stream: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  logs: boolean;
  detachKeys?: string;
}

/** A checked attach (the container exists): the hijack happens only then, so a 404 is a plain answer. */
export interface PreparedAttach {
  tty: boolean;
  /** Runs the attach on the hijacked connection until the output ends; closes it. */
  run(conn: HijackedStream): Promise<void>;
}

export interface TopAnswer {
  Titles: string[];
  Processes: string[][];
}

export interface ContainerStreamsBackend {
  logs(ref: string, q: LogsQuery): LogsAnswer;
  prepareAttach(ref: string, q: AttachQuery): PreparedAttach;
  resize(ref: string, height: number, width: number): void;
  top(ref: string, psArgs: string, signal: AbortSignal): Promise<TopAnswer>;
  /** Samples: one (stream false) or one per second until the signal aborts or the container is gone. */
  stats(ref: string, o: { stream: boolean; oneShot: boolean; signal: AbortSignal }): AsyncIterable<unknown>;
}
