// What the exec routes need from the engine, in Docker's vocabulary.

import type { HijackedStream } from '../http/hijack.ts';

export interface PreparedExecStart {
  tty: boolean;
  /** Runs the process on the hijacked connection until its output ends; closes the connection. */
  run(conn: HijackedStream): Promise<void>;
  /** Starts the process in the background (Detach). */
  detach(): void;
}

export interface ExecBackend {
  /** 201 {Id}; 404 no container, 409 not running, 400 bad config. */
  create(ref: string, body: Record<string, unknown>): { Id: string };
  /** 404 `No such exec instance`, 409 already started or container not running. */
  prepareStart(id: string): PreparedExecStart;
  inspect(id: string): unknown;
  resize(id: string, height: number, width: number): void;
}
