// The response surface handlers stream to. node's ServerResponse satisfies it; RawResponse implements it
// on a bare socket, for requests that arrived as `Upgrade: tcp` but are answered with a plain status
// (an error before the hijack, e.g. 404 No such container).

import { type OutgoingHttpHeaders, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export type HeaderValue = string | number | readonly string[];
type HeaderMap = OutgoingHttpHeaders;

export interface ResponseWriter {
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
  setHeader(name: string, value: HeaderValue): unknown;
  writeHead(status: number, headers?: HeaderMap): unknown;
  flushHeaders(): void;
  write(chunk: string | Uint8Array): boolean;
  end(chunk?: string | Uint8Array): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  destroy(error?: Error): unknown;
}

/** HTTP/1.1 response written by hand on a socket; the connection closes after the body. */
export class RawResponse implements ResponseWriter {
  readonly #socket: Duplex;
  readonly #headers = new Map<string, [string, HeaderValue]>();
  #status = 200;
  headersSent = false;
  writableEnded = false;

  constructor(socket: Duplex) {
    this.#socket = socket;
  }

  get destroyed(): boolean {
    return this.#socket.destroyed;
  }

  setHeader(name: string, value: HeaderValue): this {
    this.#headers.set(name.toLowerCase(), [name, value]);
    return this;
  }

  writeHead(status: number, headers: HeaderMap = {}): this {
    this.#status = status;
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) this.setHeader(k, v);
    return this;
  }

  flushHeaders(): void {
    this.#sendHead();
  }

  write(chunk: string | Uint8Array): boolean {
    this.#sendHead();
    return this.#socket.write(chunk);
  }

  end(chunk?: string | Uint8Array): this {
    if (this.writableEnded) return this;
    if (!this.headersSent && chunk !== undefined) this.setHeader('Content-Length', Buffer.byteLength(chunk));
    if (!this.headersSent && chunk === undefined) this.setHeader('Content-Length', 0);
    this.#sendHead();
    this.writableEnded = true;
    if (chunk !== undefined) this.#socket.write(chunk);
    // Close once the client has read the answer and closed too, or after a grace period.
    const socket = this.#socket;
    const timer = setTimeout(() => socket.destroy(), 5000);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.once('end', () => socket.destroy());
    socket.resume();
    socket.end();
    return this;
  }

  once(event: 'drain' | 'close', listener: () => void): this {
    this.#socket.once(event, listener);
    return this;
  }

  destroy(error?: Error): this {
    this.#socket.destroy(error);
    return this;
  }

  #sendHead(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    this.setHeader('Connection', 'close');
    let head = `HTTP/1.1 ${this.#status} ${STATUS_CODES[this.#status] ?? 'Unknown'}\r\n`;
    for (const [name, value] of this.#headers.values()) {
      for (const v of Array.isArray(value) ? value : [value]) head += `${name}: ${v}\r\n`;
    }
    this.#socket.write(`${head}Date: ${new Date().toUTCString()}\r\n\r\n`);
  }
}
