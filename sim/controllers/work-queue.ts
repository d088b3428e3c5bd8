// A keyed work queue like client-go's: keys are de-duplicated while queued, processed one at a time
// off the writer's call stack (setImmediate), and retried with backoff when the handler throws.
export type Handler = (key: string) => void | Promise<void>;

export class WorkQueue {
  readonly #name: string;
  readonly #handler: Handler;
  readonly #log: ((line: string) => void) | undefined;
  #queued = new Set<string>();
  #failures = new Map<string, number>();
  #timers = new Set<NodeJS.Timeout>();
  #scheduled = false;
  #running = false;
  #stopped = false;

  constructor(name: string, handler: Handler, log?: (line: string) => void) {
    this.#name = name;
    this.#handler = handler;
    this.#log = log;
  }

  add(key: string): void {
    if (this.#stopped) return;
    this.#queued.add(key);
    this.#schedule();
  }

  addAfter(key: string, ms: number): void {
    if (this.#stopped) return;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      this.add(key);
    }, ms);
    t.unref?.();
    this.#timers.add(t);
  }

  #schedule(): void {
    if (this.#scheduled || this.#running) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#run();
    });
  }

  async #run(): Promise<void> {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    try {
      while (this.#queued.size > 0 && !this.#stopped) {
        const key = this.#queued.values().next().value as string;
        this.#queued.delete(key);
        try {
          await this.#handler(key);
          this.#failures.delete(key);
        } catch (err) {
          const n = (this.#failures.get(key) ?? 0) + 1;
          this.#failures.set(key, n);
          this.#log?.(`${this.#name}: ${key}: ${(err as Error).message} (retry ${n})`);
          this.addAfter(key, Math.min(5 * 2 ** n, 2000));
        }
      }
    } finally {
      this.#running = false;
    }
    if (this.#queued.size > 0) this.#schedule();
  }

  /** True when nothing is queued or running (tests wait on it). */
  get idle(): boolean {
    return this.#queued.size === 0 && !this.#running && !this.#scheduled;
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
