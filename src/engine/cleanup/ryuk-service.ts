// Ryuk's protocol, answered by badidea for its built-in Ryuk containers (docs/ryuk.md). The port publisher hands
// every connection to such a container's port 8080 here instead of carrying it to the pod. Each line is a label
// filter, answered `ACK`; when a Ryuk has had no connection for its reconnection timeout (or never got one within
// its connection timeout), everything its filters match is removed, then the Ryuk container itself.
//
// Stateless across restarts and replicas: the filters and when a connection was last alive are kept in an annotation
// on the Ryuk's pod, renewed while a connection is open. Any replica (or a restarted one) prunes once that record
// is older than the timeouts; the replica holding the connection knows the moment it closes.

import type { Socket } from 'node:net';
import type { KubeClient } from '../../kube/client.ts';
import type { Logger } from '../../log.ts';
import {
  BUILTIN_LABEL,
  BUILTIN_RYUK,
  decodeRyukState,
  encodeRyukState,
  filterKey,
  HEARTBEAT_MS,
  parseRyukLine,
  RYUK_ANNOTATION,
  RYUK_PORT,
  type RyukFilter,
  type RyukState,
  ryukDeadline,
  ryukTimeouts,
} from '../../translate/ryuk.ts';
import { SESSION_LABEL, sessionsOfFilter } from '../../translate/sessions.ts';
import type { ContainerLookup, FoundContainer } from '../containers/lookup.ts';

export interface RyukServiceDeps {
  lookup: ContainerLookup;
  client: KubeClient;
  /** Removes every container, network and volume one of the filters matches. */
  prune(filters: readonly RyukFilter[]): Promise<unknown>;
  /** Removes the Ryuk container (force; a missing one is fine). */
  removeContainer(id: string): Promise<void>;
  log: Logger;
  now?: () => number;
  /** How often Ryuks are checked (default 1 s). */
  tickMs?: number;
}

/** What this replica knows of one Ryuk beyond its pod annotation. */
interface Local {
  sockets: Set<Socket>;
  filters: Map<string, RyukFilter>;
  /** When the last connection here closed; 0 while one is open or none ever was. */
  closedAt: number;
  lastWrite: number;
  writes: Promise<unknown>;
}

const MAX_LINE = 64 * 1024;

export function isBuiltinRyuk(c: FoundContainer): boolean {
  return c.record.config.Labels?.[BUILTIN_LABEL] === BUILTIN_RYUK;
}

export class RyukService {
  readonly #d: RyukServiceDeps;
  readonly #now: () => number;
  readonly #local = new Map<string, Local>();
  readonly #busy = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: RyukServiceDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
  }

  start(): void {
    this.#timer = setInterval(() => this.#tick(), this.#d.tickMs ?? 1000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    for (const l of this.#local.values()) for (const s of l.sockets) s.destroy();
    this.#local.clear();
  }

  /** Takes a published-port connection when it is for a built-in Ryuk's port 8080; false otherwise. */
  accept(c: FoundContainer, containerPort: number, socket: Socket): boolean {
    if (containerPort !== RYUK_PORT || !isBuiltinRyuk(c)) return false;
    const local = this.#localOf(c);
    local.sockets.add(socket);
    local.closedAt = 0;
    this.#persist(c.id, true);
    let pending = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      pending += chunk;
      if (pending.length > MAX_LINE) {
        socket.destroy();
        return;
      }
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        this.#onLine(c.id, local, line, socket);
      }
    });
    socket.on('error', () => {});
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      local.sockets.delete(socket);
      if (local.sockets.size === 0) {
        local.closedAt = this.#now();
        this.#persist(c.id, false);
        this.#d.log.info('ryuk: last connection closed', { container: c.id });
      }
    });
    socket.resume(); // host listeners accept paused (pauseOnConnect)
    return true;
  }

  /** Sessions a running Ryuk answers for: its own, and those its filters name. */
  guardedSessions(): Set<string> {
    const out = new Set<string>();
    for (const c of this.#d.lookup.list()) {
      if (!isBuiltinRyuk(c) || c.state.status !== 'running') continue;
      const own = c.record.config.Labels?.[SESSION_LABEL];
      if (own) out.add(own);
      const saved = decodeRyukState(c.current.metadata.annotations?.[RYUK_ANNOTATION])?.filters ?? [];
      const local = this.#local.get(c.id)?.filters.values() ?? [];
      for (const f of [...saved, ...local]) for (const id of sessionsOfFilter(f)) out.add(id);
    }
    return out;
  }

  #localOf(c: FoundContainer): Local {
    let local = this.#local.get(c.id);
    if (!local) {
      const saved = decodeRyukState(c.current.metadata.annotations?.[RYUK_ANNOTATION]);
      local = {
        sockets: new Set(),
        filters: new Map((saved?.filters ?? []).map((f) => [filterKey(f), f])),
        closedAt: 0,
        lastWrite: 0,
        writes: Promise.resolve(),
      };
      this.#local.set(c.id, local);
    }
    return local;
  }

  #onLine(id: string, local: Local, line: string, socket: Socket): void {
    const parsed = parseRyukLine(line);
    if ('error' in parsed) {
      this.#d.log.warn('ryuk: filter refused', { container: id, line, error: parsed.error });
      return;
    }
    const key = filterKey(parsed.filter);
    if (!local.filters.has(key)) {
      local.filters.set(key, parsed.filter);
      this.#persist(id, true);
    }
    socket.write('ACK\n');
  }

  /** Writes the state to the Ryuk's current pod, in order. */
  #persist(id: string, connected: boolean): void {
    const local = this.#local.get(id);
    const c = this.#d.lookup.byId(id);
    if (!local || !c) return;
    local.lastWrite = this.#now();
    const state: RyukState = { filters: [...local.filters.values()], aliveAt: this.#now(), connected };
    const path = this.#d.client.corePath('pods', c.current.metadata.name ?? '');
    local.writes = local.writes
      .then(() =>
        this.#d.client.patch(path, { metadata: { annotations: { [RYUK_ANNOTATION]: encodeRyukState(state) } } }),
      )
      .catch((err) => this.#d.log.warn('ryuk: cannot record its state', { container: id, error: String(err) }));
  }

  #tick(): void {
    let all: FoundContainer[];
    try {
      all = this.#d.lookup.list().filter(isBuiltinRyuk);
    } catch {
      return; // cache not readable now
    }
    const now = this.#now();
    const present = new Set(all.map((c) => c.id));
    for (const id of this.#local.keys()) {
      if (!present.has(id)) this.#local.delete(id);
    }
    for (const c of all) {
      if (c.state.status !== 'running' || this.#busy.has(c.id)) continue;
      const local = this.#local.get(c.id);
      if (local && local.sockets.size > 0) {
        if (now - local.lastWrite >= HEARTBEAT_MS) this.#persist(c.id, true);
        continue;
      }
      const saved = decodeRyukState(c.current.metadata.annotations?.[RYUK_ANNOTATION]);
      const timeouts = ryukTimeouts(c.record.config.Env);
      let deadline = ryukDeadline(saved, Date.parse(c.state.startedAt) || now, timeouts);
      if (local && local.closedAt > 0) deadline = Math.max(deadline, local.closedAt + timeouts.reconnectionMs);
      if (now < deadline) continue;
      const filters = new Map((saved?.filters ?? []).map((f) => [filterKey(f), f]));
      for (const [k, f] of local?.filters ?? []) filters.set(k, f);
      this.#reap(c, [...filters.values()]);
    }
  }

  #reap(c: FoundContainer, filters: RyukFilter[]): void {
    this.#busy.add(c.id);
    this.#d.log.info('ryuk: removing what its filters match', { container: c.id, filters });
    void this.#d
      .prune(filters)
      .then(() => this.#d.removeContainer(c.id))
      .catch((err) => this.#d.log.warn('ryuk: cleanup failed (retried)', { container: c.id, error: String(err) }))
      .finally(() => this.#busy.delete(c.id));
  }
}
