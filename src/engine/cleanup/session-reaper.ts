// The abandoned-session reaper (--reap-sessions-after): every so often, the Testcontainers sessions that no live
// Ryuk guards and that created nothing for the configured time lose what they left: containers, networks, volumes
// with their session label (src/translate/sessions.ts). Works with Ryuk disabled, and after a Ryuk was lost.
// Every replica runs it; removals are idempotent.

import type { Logger } from '../../log.ts';
import type { RyukFilter } from '../../translate/ryuk.ts';
import { abandonedSessions, SESSION_LABEL, type SessionSubject } from '../../translate/sessions.ts';

export interface SessionReaperDeps {
  /** Every container, network and volume badidea manages, with labels and creation time. */
  subjects(): SessionSubject[];
  /** Sessions a live Ryuk has among its filters. */
  guardedSessions(): ReadonlySet<string>;
  prune(filters: readonly RyukFilter[]): Promise<unknown>;
  maxIdleMs: number;
  log: Logger;
  now?: () => number;
  /** Default: a quarter of maxIdleMs, between 1 s and 60 s. */
  tickMs?: number;
}

export class SessionReaper {
  readonly #d: SessionReaperDeps;
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(deps: SessionReaperDeps) {
    this.#d = deps;
  }

  start(): void {
    const tick = this.#d.tickMs ?? Math.min(60_000, Math.max(1000, this.#d.maxIdleMs / 4));
    this.#timer = setInterval(() => void this.sweep(), tick);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One pass; sessions found abandoned are removed one after the other. */
  async sweep(): Promise<string[]> {
    if (this.#running) return [];
    this.#running = true;
    try {
      let sessions: string[];
      try {
        const now = (this.#d.now ?? Date.now)();
        sessions = abandonedSessions(this.#d.subjects(), this.#d.guardedSessions(), now, this.#d.maxIdleMs);
      } catch {
        return []; // cache not readable now
      }
      for (const id of sessions) {
        this.#d.log.info('reaping an abandoned session', { session: id });
        await this.#d
          .prune([[`${SESSION_LABEL}=${id}`]])
          .catch((err) => this.#d.log.warn('reaping a session failed (retried)', { session: id, error: String(err) }));
      }
      return sessions;
    } finally {
      this.#running = false;
    }
  }
}
