// Exponential backoff with jitter, and a sleep that can be cut short.

export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  #next: number;

  constructor(initialMs: number, maxMs: number) {
    this.#initialMs = initialMs;
    this.#maxMs = maxMs;
    this.#next = initialMs;
  }

  /** The delay to wait now; doubles the following one (up to the maximum). */
  next(): number {
    const d = this.#next;
    this.#next = Math.min(this.#next * 2, this.#maxMs);
    return Math.round(d * (0.8 + Math.random() * 0.4));
  }

  reset(): void {
    this.#next = this.#initialMs;
  }
}

/** Resolves after ms, or as soon as the signal aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
