// Docker's detach keys (default ctrl-p,ctrl-q): typed on an attached TTY's stdin, they end the attach without
// stopping the process. Parsed as moby's term.ToBytes; the sequence is held back while it may still match.

import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { InvalidParameter } from '../../errors.ts';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** "ctrl-p,ctrl-q" → [16, 17]; "" or undefined → the default; bad keys → 400 as dockerd. */
export function parseDetachKeys(keys: string | undefined): number[] {
  const spec = keys === undefined || keys === '' ? DEFAULT_DETACH_KEYS : keys;
  const out: number[] = [];
  for (const raw of spec.split(',')) {
    const key = raw.trim().toLowerCase();
    if (key.length === 1) {
      out.push(key.charCodeAt(0));
      continue;
    }
    const m = /^ctrl-(.)$/.exec(key);
    const special: Record<string, number> = { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, _: 31 };
    if (m && /[a-z]/.test(m[1])) out.push(m[1].charCodeAt(0) - 96);
    else if (m && special[m[1]] !== undefined) out.push(special[m[1]]);
    else throw new InvalidParameter(`Invalid detach keys (${spec}) provided`);
  }
  return out;
}

/** Watches stdin for the sequence; emits 'detach' when it is typed. */
export class DetachKeys extends EventEmitter {
  readonly #keys: number[];
  #matched = 0;

  constructor(keys: number[]) {
    super();
    this.#keys = keys;
  }

  /** A Writable that forwards to dest everything but the detach sequence; ending it ends dest. */
  through(dest: Writable): Writable {
    return new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        const out: number[] = [];
        for (const byte of chunk) {
          if (byte === this.#keys[this.#matched]) {
            this.#matched++;
            if (this.#matched === this.#keys.length) {
              this.#matched = 0;
              if (out.length) dest.write(Buffer.from(out));
              this.emit('detach');
              return cb();
            }
            continue;
          }
          if (this.#matched > 0) out.push(...this.#keys.slice(0, this.#matched));
          this.#matched = byte === this.#keys[0] ? 1 : 0;
          if (this.#matched === 0) out.push(byte);
        }
        if (out.length === 0) return cb();
        if (dest.write(Buffer.from(out))) cb();
        else dest.once('drain', () => cb());
      },
      final: (cb) => {
        dest.end();
        cb();
      },
    });
  }
}
