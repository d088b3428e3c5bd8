// docker attach (and the attach half of docker run / start -a) on a pod.
//
// The connection is taken at once, even before the container starts (`docker run` attaches first). Early stdin is
// kept (StdinBuffer). Once the run begins (seen in the pod cache, never polled):
// - without a TTY, output comes from the run's log, followed (stream=Stdout|Stderr): it holds everything from the
//   first byte, even of a process that ends before an attach could connect, and stays split; stdin goes through
//   the pods/attach subresource (stdin only);
// - with a TTY, pods/attach carries both ways (raw), and resizes (channel 4).
// The client's FIN is stdin EOF only: for StdinOnce containers the process's stdin is closed (v5 close frame).
// When the run's output ends, our FIN goes out (docker run waits for it).

import type { Readable, Writable } from 'node:stream';
import { Conflict } from '../../errors.ts';
import type { RemoteCommandSession, TerminalSize } from '../../kube/streams/exec.ts';
import type { Logger } from '../../log.ts';
import type { ContainerLookup, FoundContainer } from '../containers/lookup.ts';
import { containerActor, type EventBus, nanosOf } from '../events/event-bus.ts';
import { DetachKeys, parseDetachKeys } from './detach-keys.ts';
import type { LogEntry } from './log-entries.ts';
import { currentRun, type LogsEngine, type RunSource } from './logs.ts';
import type { OutputHolds } from './output-holds.ts';
import type { PodStreams } from './pod-streams.ts';
import { StdinBuffer } from './stdin-buffer.ts';

/** The hijacked connection as the engine sees it (src/api/http/hijack.ts HijackedStream has this shape). */
export interface ClientConnection {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly signal: AbortSignal;
  close(): Promise<void>;
}

export interface AttachRequest {
  stream: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  logs: boolean;
  detachKeys?: string;
}

export interface AttachEngineDeps {
  lookup: ContainerLookup;
  pods: PodStreams;
  logs: LogsEngine;
  events: EventBus;
  log: Logger;
  /** Holds `--rm` removal until the output is delivered. */
  holds?: OutputHolds;
  now?: () => number;
}

/** Resizable TTY sessions of this server, by container ID (for POST /containers/{id}/resize). */
interface TtyTarget {
  size?: TerminalSize;
  session?: RemoteCommandSession;
}

/** HostConfig.ConsoleSize (`[height, width]`, sent by `docker run -it`): the TTY's first size, as dockerd sets it at start. */
function consoleSize(size: number[] | null | undefined): TerminalSize | undefined {
  return Array.isArray(size) && size.length === 2 && size[0] > 0 && size[1] > 0
    ? { height: size[0], width: size[1] }
    : undefined;
}

export function writeTo(dest: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (dest.destroyed || dest.writableEnded) return resolve();
    dest.write(chunk, () => resolve());
  });
}

export class AttachEngine {
  readonly #lookup: ContainerLookup;
  readonly #pods: PodStreams;
  readonly #logs: LogsEngine;
  readonly #events: EventBus;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #holds: OutputHolds | undefined;
  readonly #ttys = new Map<string, Set<TtyTarget>>();

  constructor(deps: AttachEngineDeps) {
    this.#lookup = deps.lookup;
    this.#pods = deps.pods;
    this.#logs = deps.logs;
    this.#events = deps.events;
    this.#log = deps.log;
    this.#now = deps.now ?? Date.now;
    this.#holds = deps.holds;
  }

  /** Checks the container (404 before the hijack) and returns the attach to run on the connection. */
  prepare(ref: string, q: AttachRequest): { tty: boolean; run: (conn: ClientConnection) => Promise<void> } {
    const c = this.#lookup.findContainer(ref);
    const detach = parseDetachKeys(q.detachKeys);
    const tty = c.record.config.Tty === true;
    return { tty, run: (conn) => this.#run(c, q, tty, detach, conn) };
  }

  /** docker resize: the TTY of this server's attach sessions to the container. */
  resize(ref: string, height: number, width: number): void {
    const c = this.#lookup.findContainer(ref);
    if (c.state.status !== 'running' && c.state.status !== 'created') {
      throw new Conflict(`Container ${c.id} is not running`);
    }
    for (const t of this.#ttys.get(c.id) ?? []) {
      t.size = { width, height };
      t.session?.resize(width, height);
    }
    this.#events.publish({
      type: 'container',
      action: 'resize',
      actor: containerActor(c.record, { height: String(height), width: String(width) }),
    });
  }

  async #run(
    c: FoundContainer,
    q: AttachRequest,
    tty: boolean,
    detachKeys: number[] | undefined,
    conn: ClientConnection,
  ): Promise<void> {
    this.#events.publish({ type: 'container', action: 'attach', actor: containerActor(c.record) });
    const release = q.stream && c.record.hostConfig.AutoRemove === true ? this.#holds?.hold(c.id) : undefined;
    const attachedAt = nanosOf(this.#now());
    const wasRunning = c.state.status === 'running';
    const runAtAttach = currentRun(c)?.key;
    const openStdin = q.stdin && c.record.config.OpenStdin === true;
    const stdinOnce = c.record.config.StdinOnce === true;
    const stdin = openStdin ? new StdinBuffer(conn.stdin) : undefined;
    if (!stdin) conn.stdin.resume();
    const target: TtyTarget = { size: consoleSize(c.record.hostConfig.ConsoleSize) };
    let session: RemoteCommandSession | undefined;
    const abort = new AbortController();
    const onGone = () => abort.abort(conn.signal.reason);
    conn.signal.addEventListener('abort', onGone, { once: true });
    try {
      if (q.logs) {
        const past = this.#logs.open(c.id, {
          stdout: q.stdout,
          stderr: q.stderr,
          follow: false,
          signal: abort.signal,
        });
        for await (const e of past.entries) await this.#write(conn, tty, e);
      }
      if (!q.stream) return;

      if (tty) this.#register(c.id, target);
      // The run to attach to: the one going on now, or the next one to start.
      const src = await this.#lookup.waitFor(
        c.id,
        (now): RunSource | null | undefined => {
          if (!now) return null;
          const run = currentRun(now);
          if (wasRunning && run?.key === runAtAttach) return run;
          if (run && run.key !== runAtAttach) return run;
          if (wasRunning && now.state.status !== 'running') return null; // ended before we saw it run
          return undefined;
        },
        { signal: abort.signal },
      );
      if (!src) return;
      const pod = src.pod.metadata.name ?? '';
      const running = this.#lookup.byId(c.id)?.state.status === 'running';

      if (tty) {
        const detacher = detachKeys && openStdin ? new DetachKeys(detachKeys) : undefined;
        if (running) {
          try {
            session = await this.#pods.attach(pod, {
              stdin: openStdin,
              stdout: q.stdout || q.stderr,
              stderr: false,
              tty: true,
              initialSize: target.size,
              signal: abort.signal,
            });
            target.session = session;
            if (target.size) session.resize(target.size.width, target.size.height);
          } catch (err) {
            this.#log.debug('attach: pods/attach failed, reading the run log instead', { error: String(err) });
          }
        }
        if (session) {
          const s = session;
          if (stdin) {
            if (detacher) {
              detacher.once('detach', () => s.close());
              stdin.connect(detacher.through(s.stdin), stdinOnce);
            } else stdin.connect(s.stdin, stdinOnce);
          }
          let first = true;
          for await (const chunk of s.stdout) {
            // Again once output flows: a resize sent before the runtime attached may be lost.
            if (first && target.size) s.resize(target.size.width, target.size.height);
            first = false;
            await writeTo(conn.stdout, chunk as Buffer);
          }
          await s.done.catch((err) => this.#log.debug('attach ended with an error', { error: String(err) }));
          return;
        }
        // The process ended before we could attach: what it wrote is in its log.
        for await (const e of this.#logs.readRun(src, {
          stdout: true,
          stderr: true,
          follow: false,
          tty: true,
          signal: abort.signal,
        })) {
          await this.#write(conn, tty, e);
        }
        return;
      }

      // No TTY: stdin through pods/attach, output from the run's log.
      if (stdin && running) {
        this.#pods.attach(pod, { stdin: true, stdout: false, stderr: false, tty: false, signal: abort.signal }).then(
          (s) => {
            session = s;
            stdin.connect(s.stdin, stdinOnce);
            s.done.catch(() => {});
          },
          (err) => this.#log.debug('attach: stdin not delivered', { error: String(err) }),
        );
      }
      if (q.stdout || q.stderr) {
        for await (const e of this.#logs.readRun(src, {
          stdout: q.stdout,
          stderr: q.stderr,
          follow: true,
          tty: false,
          sinceNs: wasRunning ? attachedAt : undefined,
          signal: abort.signal,
        })) {
          await this.#write(conn, tty, e);
        }
      } else {
        await this.#lookup.waitFor(
          c.id,
          (now) => (!now || currentRun(now)?.key !== src.key || now.state.status !== 'running' ? true : undefined),
          {
            signal: abort.signal,
          },
        );
      }
    } catch (err) {
      if (!abort.signal.aborted) this.#log.warn('attach failed', { id: c.id, error: String(err) });
    } finally {
      conn.signal.removeEventListener('abort', onGone);
      this.#unregister(c.id, target);
      session?.close();
      stdin?.dispose();
      abort.abort();
      release?.();
      await conn.close();
    }
  }

  #write(conn: ClientConnection, tty: boolean, e: LogEntry): Promise<void> {
    return writeTo(e.stream === 2 && !tty ? conn.stderr : conn.stdout, e.line);
  }

  #register(id: string, t: TtyTarget): void {
    let set = this.#ttys.get(id);
    if (!set) {
      set = new Set();
      this.#ttys.set(id, set);
    }
    set.add(t);
  }

  #unregister(id: string, t: TtyTarget): void {
    const set = this.#ttys.get(id);
    if (!set) return;
    set.delete(t);
    if (set.size === 0) this.#ttys.delete(id);
  }
}
