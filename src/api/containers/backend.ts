// What the container lifecycle routes need from the engine, in Docker's vocabulary. Streams (logs, attach, exec,
// top, stats, resize) and archive (docker cp) have their own backends.

import type { AuthConfig } from '../../registry/auth.ts';

export interface CreateInput {
  /** The JSON body as parsed (validated by the engine). */
  body: unknown;
  /** `?name=`; undefined or '' → a generated name. */
  name?: string;
  /** `?platform=` */
  platform?: string;
  /** From X-Registry-Auth, for private images. */
  auth?: AuthConfig;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface WaitResult {
  StatusCode: number;
  Error: { Message: string } | null;
}

export interface ListInput {
  all: boolean;
  limit: number;
  size: boolean;
  /** The raw `filters` query value (either JSON encoding). */
  filters: string | null;
}

export interface PruneReport {
  ContainersDeleted: string[];
  SpaceReclaimed: number;
}

export interface ContainersBackend {
  create(input: CreateInput): Promise<{ Id: string; Warnings: string[] }>;
  /** Resolves once the container runs (or ran); NotModified when it already runs. */
  start(ref: string): Promise<void>;
  /**
   * Checks the container (404) and registers the waiter at once, so a start that follows cannot be missed; the
   * returned promise-maker then waits for the condition.
   */
  wait(ref: string, condition: WaitCondition): { id: string; result: (signal: AbortSignal) => Promise<WaitResult> };
  /** `t`: seconds before SIGKILL (undefined: the container's StopTimeout, -1: forever). NotModified when stopped. */
  stop(ref: string, t: number | undefined, signalName: string | undefined): Promise<void>;
  restart(ref: string, t: number | undefined, signalName: string | undefined): Promise<void>;
  kill(ref: string, signal: string | undefined): Promise<void>;
  remove(ref: string, o: { force: boolean; volumes: boolean; link: boolean }): Promise<void>;
  prune(filters: string | null): Promise<PruneReport>;
  rename(ref: string, name: string): Promise<void>;
  update(ref: string, body: Record<string, unknown>): Promise<{ Warnings: string[] }>;
  list(input: ListInput): Record<string, unknown>[];
  inspect(ref: string, size: boolean): Record<string, unknown>;
}
