// Docker's stdcopy framing for non-TTY attach, exec and logs: [stream, 0, 0, 0, size uint32 BE] + payload.

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
/** dockerd's "systemerr": an error from the daemon itself in the middle of a stream. */
export const SYSTEMERR = 3;
export type StreamId = 0 | 1 | 2 | 3;

export function frame(stream: StreamId, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(8 + payload.length);
  out[0] = stream;
  out[1] = 0;
  out[2] = 0;
  out[3] = 0;
  out.writeUInt32BE(payload.length, 4);
  out.set(payload, 8);
  return out;
}

/** Splits a framed byte stream back into frames (tests, and any code reading a multiplexed stream). */
export class StdcopyDecoder {
  #buf: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): { stream: StreamId; payload: Buffer }[] {
    this.#buf = Buffer.concat([this.#buf, chunk]);
    const out: { stream: StreamId; payload: Buffer }[] = [];
    while (this.#buf.length >= 8) {
      const size = this.#buf.readUInt32BE(4);
      if (this.#buf.length < 8 + size) break;
      const stream = this.#buf[0];
      if (stream > 3) throw new Error(`Unrecognized input header: ${stream}`);
      out.push({ stream: stream as StreamId, payload: this.#buf.subarray(8, 8 + size) });
      this.#buf = this.#buf.subarray(8 + size);
    }
    return out;
  }

  get pending(): number {
    return this.#buf.length;
  }
}
