// Holds on a container's removal while an attach (or a logs request) is still reading its output. `docker run --rm` removes the
// container as soon as its run ends, but the attach reads the run's output from the pod's log, which goes with the
// pod: removal waits (bounded) until the attach has delivered everything, as dockerd drains the streams before
// the container is gone. In-process: a hold protects against removals by this server (the auto-remove of the
// replica that serves the client).

export class OutputHolds {
  readonly #holds = new Map<string, number>();
  readonly #waiters = new Map<string, Set<() => void>>();

  /** Holds the container's removal; call the returned function once (more calls do nothing). */
  hold(id: string): () => void {
    this.#holds.set(id, (this.#holds.get(id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.#holds.get(id) ?? 1) - 1;
      if (n > 0) {
        this.#holds.set(id, n);
        return;
      }
      this.#holds.delete(id);
      for (const w of this.#waiters.get(id) ?? []) w();
      this.#waiters.delete(id);
    };
  }

  held(id: string): boolean {
    return this.#holds.has(id);
  }

  /** Resolves when no hold is left on the container, or after timeoutMs. */
  released(id: string, timeoutMs: number): Promise<void> {
    if (!this.#holds.has(id)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(id) ?? new Set();
      this.#waiters.set(id, waiters);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref?.();
      waiters.add(done);
    });
  }
}
