// Client input that arrives before there is anywhere to send it: `docker run -i` writes all of stdin and its FIN
// right after the attach answer, before the container has even been started. The bytes are kept (up to a limit;
// beyond it the connection is simply not read, so TCP holds the client back) and handed over once the process
// runs. The client's FIN is remembered as stdin EOF.

import type { Readable, Writable } from 'node:stream';

/** How much early stdin is held per attach or exec before the client is made to wait. */
export const STDIN_BUFFER_LIMIT = 1024 * 1024;

export class StdinBuffer {
  readonly #source: Readable;
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #size = 0;
  #ended = false;
  #target?: { dest: Writable; endOnEof: boolean };
  #onData = (chunk: Buffer) => this.#push(chunk);
  #onEnd = () => this.#end();

  constructor(source: Readable, limit = STDIN_BUFFER_LIMIT) {
    this.#source = source;
    this.#limit = limit;
    source.on('data', this.#onData);
    source.on('end', this.#onEnd);
    source.on('error', this.#onEnd);
  }

  /** Whether the client has sent its FIN. */
  get ended(): boolean {
    return this.#ended;
  }

  get buffered(): number {
    return this.#size;
  }

  /**
   * Sends what was kept, then everything that follows, into dest (with backpressure). On the client's FIN dest is
   * ended when endOnEof (stdin EOF for the process), else left open.
   */
  connect(dest: Writable, endOnEof: boolean): void {
    if (this.#target) throw new Error('stdin already connected');
    this.#target = { dest, endOnEof };
    for (const chunk of this.#chunks) dest.write(chunk);
    this.#chunks = [];
    this.#size = 0;
    if (this.#ended) {
      if (endOnEof) dest.end();
      return;
    }
    this.#source.resume();
  }

  /** Stops reading (the connection is done). */
  dispose(): void {
    this.#source.off('data', this.#onData);
    this.#source.off('end', this.#onEnd);
    this.#source.off('error', this.#onEnd);
    this.#source.resume();
    this.#chunks = [];
  }

  #push(chunk: Buffer): void {
    const t = this.#target;
    if (t) {
      if (!t.dest.write(chunk)) {
        this.#source.pause();
        t.dest.once('drain', () => this.#source.resume());
      }
      return;
    }
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#size >= this.#limit) this.#source.pause();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const t = this.#target;
    if (t?.endOnEof) t.dest.end();
  }
}
