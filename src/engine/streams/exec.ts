// docker exec on pods/exec. Exec instances live in this server's memory (a bounded map: finished ones expire), the
// one piece of state the streams keep: a Kubernetes exec has no object to hold it, and a client inspects its exit
// code right after the stream ends, on the same server. See docs/streams.md.

import { randomBytes } from 'node:crypto';
import { Conflict, InvalidParameter, NotFound } from '../../errors.ts';
import { KubeStatusError } from '../../kube/streams/errors.ts';
import type { RemoteCommandSession, TerminalSize } from '../../kube/streams/exec.ts';
import type { Logger } from '../../log.ts';
import type { ContainerRecord } from '../../translate/record.ts';
import type { ContainerLookup, FoundContainer } from '../containers/lookup.ts';
import { containerActor, type EventBus } from '../events/event-bus.ts';
import { type ClientConnection, writeTo } from './attach.ts';
import { parseDetachKeys } from './detach-keys.ts';
import { execCommand, ociFailureText, runtimeFailureText, startFailureCode } from './exec-command.ts';
import type { PodStreams } from './pod-streams.ts';
import { StdinBuffer } from './stdin-buffer.ts';

export interface ExecCreateBody {
  Cmd?: unknown;
  AttachStdin?: unknown;
  AttachStdout?: unknown;
  AttachStderr?: unknown;
  Tty?: unknown;
  Env?: unknown;
  WorkingDir?: unknown;
  User?: unknown;
  DetachKeys?: unknown;
  Privileged?: unknown;
  ConsoleSize?: unknown;
}

export interface ExecConfig {
  cmd: string[];
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  tty: boolean;
  env: string[];
  workingDir: string;
  user: string;
  detachKeys: string;
  privileged: boolean;
  consoleSize?: TerminalSize;
}

interface ExecInstance {
  id: string;
  container: Pick<ContainerRecord, 'id' | 'name' | 'config'>;
  pod: string;
  config: ExecConfig;
  command: string[];
  wrapped: boolean;
  started: boolean;
  running: boolean;
  exitCode: number | null;
  createdAt: number;
  finishedAt?: number;
  size?: TerminalSize;
  session?: RemoteCommandSession;
}

export interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ProcessConfig: { privileged: boolean; user: string; tty: boolean; entrypoint: string; arguments: string[] };
  OpenStdin: boolean;
  OpenStderr: boolean;
  OpenStdout: boolean;
  CanRemove: boolean;
  ContainerID: string;
  DetachKeys: string;
  Pid: number;
}

export interface ExecEngineDeps {
  lookup: ContainerLookup;
  pods: PodStreams;
  events: EventBus;
  log: Logger;
  now?: () => number;
  /** Most instances kept (default 1024); the oldest finished ones go first. */
  maxInstances?: number;
  /** How long a finished instance stays inspectable (default 10 min). */
  finishedTtlMs?: number;
  /** How long a never-started instance is kept (default 1 h). */
  unstartedTtlMs?: number;
}

function bool(v: unknown, name: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new InvalidParameter(`invalid exec config: ${name} must be a boolean`);
  return v;
}

function str(v: unknown, name: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new InvalidParameter(`invalid exec config: ${name} must be a string`);
  return v;
}

function strings(v: unknown, name: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new InvalidParameter(`invalid exec config: ${name} must be a list of strings`);
  }
  return v as string[];
}

/** Validates an exec create body (400s), as dockerd's checks plus what Kubernetes cannot do. */
export function parseExecConfig(body: ExecCreateBody): ExecConfig {
  const cmd = strings(body.Cmd, 'Cmd');
  if (cmd.length === 0) throw new InvalidParameter('No exec command specified');
  const privileged = bool(body.Privileged, 'Privileged');
  if (privileged) {
    throw new InvalidParameter(
      'privileged exec is not possible: badidea runs every container as an unprivileged Kubernetes pod',
    );
  }
  const detachKeys = str(body.DetachKeys, 'DetachKeys');
  if (detachKeys) parseDetachKeys(detachKeys);
  let consoleSize: TerminalSize | undefined;
  if (Array.isArray(body.ConsoleSize) && body.ConsoleSize.length === 2) {
    const [h, w] = body.ConsoleSize.map(Number);
    if (h > 0 && w > 0) consoleSize = { height: h, width: w };
  }
  return {
    cmd,
    attachStdin: bool(body.AttachStdin, 'AttachStdin'),
    attachStdout: bool(body.AttachStdout, 'AttachStdout'),
    attachStderr: bool(body.AttachStderr, 'AttachStderr'),
    tty: bool(body.Tty, 'Tty'),
    env: strings(body.Env, 'Env'),
    workingDir: str(body.WorkingDir, 'WorkingDir'),
    user: str(body.User, 'User'),
    detachKeys,
    privileged,
    ...(consoleSize ? { consoleSize } : {}),
  };
}

function notRunning(c: FoundContainer): Conflict | undefined {
  if (c.state.status === 'running') return undefined;
  if (c.state.status === 'restarting') {
    return new Conflict(`Container ${c.id} is restarting, wait until the container is running`);
  }
  return new Conflict(`Container ${c.id} is not running`);
}

export class ExecEngine {
  readonly #lookup: ContainerLookup;
  readonly #pods: PodStreams;
  readonly #events: EventBus;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #max: number;
  readonly #finishedTtl: number;
  readonly #unstartedTtl: number;
  readonly #instances = new Map<string, ExecInstance>();

  constructor(deps: ExecEngineDeps) {
    this.#lookup = deps.lookup;
    this.#pods = deps.pods;
    this.#events = deps.events;
    this.#log = deps.log;
    this.#now = deps.now ?? Date.now;
    this.#max = deps.maxInstances ?? 1024;
    this.#finishedTtl = deps.finishedTtlMs ?? 10 * 60_000;
    this.#unstartedTtl = deps.unstartedTtlMs ?? 60 * 60_000;
  }

  create(ref: string, body: ExecCreateBody): { Id: string } {
    const c = this.#lookup.findContainer(ref);
    const config = parseExecConfig(body);
    const refusal = notRunning(c);
    if (refusal) throw refusal;
    const { command, wrapped } = execCommand(
      { cmd: config.cmd, env: config.env, workingDir: config.workingDir, user: config.user },
      c.record.config.User ?? undefined,
    );
    this.#sweep();
    const id = randomBytes(32).toString('hex');
    this.#instances.set(id, {
      id,
      container: c.record,
      pod: c.current.metadata.name ?? '',
      config,
      command,
      wrapped,
      started: false,
      running: false,
      exitCode: null,
      createdAt: this.#now(),
      ...(config.consoleSize ? { size: config.consoleSize } : {}),
    });
    this.#events.publish({
      type: 'container',
      action: `exec_create: ${config.cmd.join(' ')}`,
      actor: containerActor(c.record, { execID: id }),
    });
    return { Id: id };
  }

  inspect(id: string): ExecInspect {
    const x = this.#get(id);
    return {
      ID: x.id,
      Running: x.running,
      ExitCode: x.exitCode,
      ProcessConfig: {
        privileged: x.config.privileged,
        user: x.config.user,
        tty: x.config.tty,
        entrypoint: x.config.cmd[0],
        arguments: x.config.cmd.slice(1),
      },
      OpenStdin: x.config.attachStdin,
      OpenStderr: x.config.attachStderr,
      OpenStdout: x.config.attachStdout,
      CanRemove: false,
      ContainerID: x.container.id,
      DetachKeys: x.config.detachKeys,
      Pid: 0,
    };
  }

  resize(id: string, height: number, width: number): void {
    const x = this.#get(id);
    x.size = { width, height };
    x.session?.resize(width, height);
  }

  /**
   * Checks the instance and its container (404, 409 before any hijack) and marks it started. `run` then carries
   * the process on the client's connection; `detach` starts it in the background.
   */
  prepareStart(id: string): {
    tty: boolean;
    run: (conn: ClientConnection) => Promise<void>;
    detach: () => void;
  } {
    const x = this.#get(id);
    if (x.running) throw new Conflict(`Error: Exec command ${id} is already running`);
    if (x.started) throw new Conflict(`Error: Exec command ${id} has already run`);
    const c = this.#lookup.findContainer(x.container.id);
    const refusal = notRunning(c);
    if (refusal) throw refusal;
    x.pod = c.current.metadata.name ?? x.pod;
    x.started = true;
    x.running = true;
    this.#events.publish({
      type: 'container',
      action: `exec_start: ${x.config.cmd.join(' ')}`,
      actor: containerActor(x.container, { execID: id }),
    });
    return {
      tty: x.config.tty,
      run: (conn) => this.#run(x, conn),
      detach: () => {
        void this.#run(x, undefined);
      },
    };
  }

  async #run(x: ExecInstance, conn: ClientConnection | undefined): Promise<void> {
    const cfg = x.config;
    const abort = new AbortController();
    const onGone = () => abort.abort(conn?.signal.reason);
    conn?.signal.addEventListener('abort', onGone, { once: true });
    const stdinWanted = Boolean(conn) && cfg.attachStdin;
    const stdin = stdinWanted && conn ? new StdinBuffer(conn.stdin) : undefined;
    if (conn && !stdin) conn.stdin.resume();
    let exitCode = 126;
    let firstOut: Buffer | undefined;
    try {
      const stdoutWanted = conn ? cfg.attachStdout : false;
      const stderrWanted = conn ? cfg.attachStderr && !cfg.tty : false;
      let session: RemoteCommandSession;
      try {
        session = await this.#pods.exec(x.pod, x.command, {
          stdin: stdinWanted,
          // Kubernetes wants at least one stream; a detached or unattached exec reads stdout and drops it.
          stdout: stdoutWanted || (!stdinWanted && !stderrWanted),
          stderr: stderrWanted,
          tty: cfg.tty,
          initialSize: x.size,
          signal: abort.signal,
        });
      } catch (err) {
        exitCode = await this.#startFailure(x, err, conn);
        return;
      }
      x.session = session;
      if (x.size) session.resize(x.size.width, x.size.height);
      if (stdin) stdin.connect(session.stdin, true);
      const pump = async (from: NodeJS.ReadableStream, to: 'stdout' | 'stderr') => {
        for await (const chunk of from as AsyncIterable<Buffer>) {
          if (to === 'stdout' && !firstOut) {
            firstOut = chunk.subarray(0, 4096);
            // Again once the process runs: a resize that reached the runtime before the process started may be lost.
            if (cfg.tty && x.size) session.resize(x.size.width, x.size.height);
          }
          if (conn && (to === 'stdout' ? stdoutWanted : stderrWanted)) await writeTo(conn[to], chunk);
        }
      };
      const [result] = await Promise.all([
        session.done.catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
        pump(session.stdout, 'stdout'),
        pump(session.stderr, 'stderr'),
      ]);
      if (result instanceof Error) {
        exitCode = await this.#startFailure(x, result, conn);
        return;
      }
      exitCode = result.exitCode ?? 0;
      if (result.detached) exitCode = 0;
      exitCode = this.#remap(x, exitCode, firstOut);
      if (x.wrapped && (exitCode === 126 || exitCode === 127) && firstOut?.includes('"/bin/sh"') && conn) {
        await writeTo(
          conn.stdout,
          Buffer.from(
            'badidea: exec with Env, WorkingDir or User runs the command through /bin/sh, which this image lacks\r\n',
          ),
        );
      }
    } catch (err) {
      if (!abort.signal.aborted) this.#log.warn('exec failed', { exec: x.id, error: String(err) });
    } finally {
      conn?.signal.removeEventListener('abort', onGone);
      stdin?.dispose();
      x.session?.close();
      x.session = undefined;
      x.exitCode = exitCode;
      x.running = false;
      x.finishedAt = this.#now();
      this.#events.publish({
        type: 'container',
        action: 'exec_die',
        actor: containerActor(x.container, { execID: x.id, exitCode: String(exitCode) }),
      });
      abort.abort();
      await conn?.close();
    }
  }

  /** The runtime passed dockerd's text through (a docker-based node): its 126 may be a 127 today. */
  #remap(x: ExecInstance, code: number, firstOut: Buffer | undefined): number {
    if (x.wrapped || code !== 126 || !firstOut) return code;
    const text = firstOut.toString('utf8');
    if (!text.startsWith('OCI runtime exec failed')) return code;
    return startFailureCode(text, x.config.cmd[0]);
  }

  /** A start failure reported by Kubernetes: dockerd's text as one stdout frame, and 126/127. */
  async #startFailure(x: ExecInstance, err: unknown, conn: ClientConnection | undefined): Promise<number> {
    const message = err instanceof Error ? err.message : String(err);
    const text =
      (err instanceof KubeStatusError ? runtimeFailureText(message) : undefined) ??
      ociFailureText(`badidea: ${message.replace(/\s+$/, '')}`);
    if (conn) await writeTo(conn.stdout, Buffer.from(text));
    this.#log.debug('exec could not start', { exec: x.id, error: message });
    return startFailureCode(text, x.config.cmd[0]);
  }

  #get(id: string): ExecInstance {
    const x = this.#instances.get(id);
    if (!x) throw new NotFound(`No such exec instance: ${id}`);
    return x;
  }

  /** Drops expired instances, then the oldest finished ones beyond the bound. */
  #sweep(): void {
    const now = this.#now();
    for (const [id, x] of this.#instances) {
      if (x.finishedAt !== undefined && now - x.finishedAt > this.#finishedTtl) this.#instances.delete(id);
      else if (!x.started && now - x.createdAt > this.#unstartedTtl) this.#instances.delete(id);
    }
    if (this.#instances.size < this.#max) return;
    for (const [id, x] of this.#instances) {
      if (this.#instances.size < this.#max) break;
      if (!x.running) this.#instances.delete(id);
    }
    if (this.#instances.size >= this.#max) {
      throw new Conflict(`too many exec instances running (${this.#max}); wait for some to finish`);
    }
  }
}
