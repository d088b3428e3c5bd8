// A counting semaphore with two priorities: at most `max` Docker Engine calls in flight, so that
// 100 pods started at once queue their calls instead of opening hundreds of sockets to dockerd;
// urgent calls (containers of pods that already have a sandbox) go before new sandboxes, so pods
// finish starting one after another instead of all at the end.
export class Limiter {
  #max: number;
  #active = 0;
  #urgent: (() => void)[] = [];
  #normal: (() => void)[] = [];

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  async run<T>(fn: () => Promise<T>, urgent = true): Promise<T> {
    if (this.#active >= this.#max) {
      await new Promise<void>((resolve) => (urgent ? this.#urgent : this.#normal).push(resolve));
    } else this.#active++;
    try {
      return await fn();
    } finally {
      const next = this.#urgent.shift() ?? this.#normal.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
