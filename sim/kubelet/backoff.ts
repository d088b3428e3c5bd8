// client-go flowcontrol.Backoff as the kubelet uses it for CrashLoopBackOff and image pulls:
// per key, the first Next() sets the base delay, each later one doubles it up to max; an entry
// idle for 2×max is forgotten.

interface Entry {
  backoff: number;
  lastUpdate: number;
}

export class Backoff {
  #entries = new Map<string, Entry>();
  readonly base: number;
  readonly max: number;
  #now: () => number;

  constructor(baseMs: number, maxMs: number, now: () => number = Date.now) {
    this.base = baseMs;
    this.max = maxMs;
    this.#now = now;
  }

  /** Current delay for the key (0 when unknown). */
  get(key: string): number {
    return this.#entries.get(key)?.backoff ?? 0;
  }

  next(key: string, eventTime: number): void {
    const e = this.#entries.get(key);
    if (!e || eventTime - e.lastUpdate > 2 * this.max) {
      this.#entries.set(key, { backoff: this.base, lastUpdate: eventTime });
      return;
    }
    e.backoff = Math.min(e.backoff * 2, this.max);
    e.lastUpdate = eventTime;
  }

  /** Whether an event at eventTime is still inside the back-off window; returns the ms left. */
  remaining(key: string, eventTime: number): number {
    const e = this.#entries.get(key);
    if (!e) return 0;
    if (eventTime - e.lastUpdate > 2 * this.max) return 0;
    const left = e.backoff - (this.#now() - eventTime);
    return Math.max(left, 0);
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }

  /** Forgets every key with the prefix (a pod's containers when the pod goes away). */
  resetPrefix(prefix: string): void {
    for (const k of this.#entries.keys()) if (k.startsWith(prefix)) this.#entries.delete(k);
  }
}
