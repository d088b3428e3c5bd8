// A counting semaphore: at most `max` Docker Engine calls in flight, so that 100 pods started at
// once queue their calls instead of opening hundreds of sockets to dockerd.
export class Limiter {
  #max: number;
  #active = 0;
  #queue: (() => void)[] = [];

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#max) await new Promise<void>((resolve) => this.#queue.push(resolve));
    this.#active++;
    try {
      return await fn();
    } finally {
      this.#active--;
      this.#queue.shift()?.();
    }
  }
}
