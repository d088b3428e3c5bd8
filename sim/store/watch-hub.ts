// The watch side of the store: a bounded history of changes (the etcd/watch-cache window) and the
// live watchers. Watchers see, per change, ADDED/MODIFIED/DELETED after their selectors, including
// DELETED when an object stops matching and ADDED when it starts (cacher.go convertToWatchEvent).
import { expired } from '../apiserver/status.ts';
import { clone } from './json.ts';
import type { KubeObject, WatchEvent } from './types.ts';

export interface Change {
  rv: number;
  key: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  prev?: KubeObject;
}

export interface Watcher {
  key: string;
  namespace: string | undefined;
  matches: (o: KubeObject) => boolean;
  onEvent: (e: WatchEvent) => void;
  /** Highest RV delivered (or replayed); later changes at or below it are skipped. */
  lastRV: number;
  stopped: boolean;
}

function withRV(o: KubeObject, rv: number): KubeObject {
  const c = clone(o);
  c.metadata.resourceVersion = String(rv);
  return c;
}

/** The event a watcher sees for a change, or undefined when the change is outside its view. */
export function eventFor(w: Watcher, c: Change): WatchEvent | undefined {
  if (c.key !== w.key) return undefined;
  const inNs = (o: KubeObject | undefined) =>
    !!o && (w.namespace === undefined || o.metadata.namespace === w.namespace);
  const now = c.type !== 'DELETED' && inNs(c.object) && w.matches(c.object);
  const before =
    c.type === 'DELETED'
      ? inNs(c.object) && w.matches(c.prev ?? c.object)
      : c.prev !== undefined && inNs(c.prev) && w.matches(c.prev);
  if (c.type === 'DELETED') return before ? { type: 'DELETED', object: clone(c.object) } : undefined;
  if (now && before) return { type: 'MODIFIED', object: clone(c.object) };
  if (now) return { type: 'ADDED', object: clone(c.object) };
  if (before) return { type: 'DELETED', object: withRV(c.prev!, c.rv) };
  return undefined;
}

export class WatchHub {
  readonly #capacity: number;
  #history: Change[] = [];
  #watchers = new Set<Watcher>();
  #queue: Change[] = [];
  #draining = false;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The oldest RV a watch can resume from without a 410: changes after it are all retained. */
  get floor(): number {
    return this.#history.length === 0 ? this.#compactedTo : this.#history[0]!.rv - 1;
  }
  #compactedTo = 0;

  record(change: Change): void {
    this.#history.push(change);
    if (this.#history.length > this.#capacity) this.#history.shift();
    this.#queue.push(change);
    this.#drain();
  }

  /** Drop all history up to `rv` (test hook: forces 410 for older resourceVersions). */
  compact(rv: number): void {
    this.#history = this.#history.filter((c) => c.rv > rv);
    this.#compactedTo = Math.max(this.#compactedTo, rv);
  }

  /** Throws 410 Expired if `fromRV` is older than the history; else returns the retained changes after it. */
  since(fromRV: number): Change[] {
    if (fromRV < this.floor) {
      throw expired(`too old resource version: ${fromRV} (${this.floor})`);
    }
    return this.#history.filter((c) => c.rv > fromRV);
  }

  add(w: Watcher): () => void {
    this.#watchers.add(w);
    return () => {
      w.stopped = true;
      this.#watchers.delete(w);
    };
  }

  /** Delivers one retained change to a watcher that is catching up. */
  replay(w: Watcher, c: Change): void {
    if (w.stopped || c.rv <= w.lastRV) return;
    const e = eventFor(w, c);
    w.lastRV = c.rv;
    if (e) w.onEvent(e);
  }

  /** Delivers in global RV order even when a watcher's callback writes to the store. */
  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let c = this.#queue.shift(); c; c = this.#queue.shift()) {
        for (const w of [...this.#watchers]) {
          if (w.stopped || c.rv <= w.lastRV) continue;
          const e = eventFor(w, c);
          w.lastRV = c.rv;
          if (!e) continue;
          try {
            w.onEvent(e);
          } catch {
            // a failing watcher must not break the writer or the other watchers
          }
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  get watcherCount(): number {
    return this.#watchers.size;
  }
}
