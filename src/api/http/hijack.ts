// A hijacked connection for attach and exec start: the answer head (101 UPGRADED or 200), then raw bytes both
// ways. stdin is what the client sends; its half-close (FIN) ends stdin and nothing else. Output goes through
// stdout/stderr, framed with stdcopy unless TTY. close() sends our FIN when the output is done.

import type { Duplex } from 'node:stream';
import { PassThrough, type Readable, Writable } from 'node:stream';
import { frame } from './stdcopy.ts';

export interface HijackOptions {
  tty: boolean;
  /** Whether the client's input is wanted; when false it is read and dropped (a FIN is still noticed). */
  stdin?: boolean;
  /** Api-Version, Server … in the answer head: dockerd sends them for exec start, not for attach. */
  versionHeaders?: boolean;
}

export interface HijackedStream {
  /** Client → server bytes. Ends when the client half-closes. Consume it, or pass stdin:false. */
  readonly stdin: Readable;
  /** Output; stdcopy-framed as stream 1 unless TTY. Writes after the client left are dropped. */
  readonly stdout: Writable;
  /** Output; stdcopy-framed as stream 2 unless TTY (then the same raw stream as stdout). */
  readonly stderr: Writable;
  /** Aborted when the connection is gone (client closed fully, reset, or server shutdown). */
  readonly signal: AbortSignal;
  /** The output is complete: flush, send FIN, and close the connection once the client has closed too. */
  close(): Promise<void>;
}

export interface HijackHead {
  upgrade: boolean;
  contentType: string;
  headers: Record<string, string>;
}

/** The exact head dockerd writes (docker-wire §4.2). */
export function hijackHead(h: HijackHead): string {
  let s = h.upgrade ? 'HTTP/1.1 101 UPGRADED\r\n' : 'HTTP/1.1 200 OK\r\n';
  s += `Content-Type: ${h.contentType}\r\n`;
  if (h.upgrade) s += 'Connection: Upgrade\r\nUpgrade: tcp\r\n';
  for (const [k, v] of Object.entries(h.headers)) s += `${k}: ${v}\r\n`;
  return `${s}\r\n`;
}

export interface StartHijackOptions extends HijackOptions {
  socket: Duplex & { destroySoon?: () => void };
  /** Bytes the client sent after the request (already read off the socket). */
  head: Buffer;
  headText: string;
  /** How long to wait for the client's close after our FIN before closing it ourselves. */
  lingerMs?: number;
}

export function startHijack(o: StartHijackOptions): HijackedStream {
  const { socket } = o;
  const lingerMs = o.lingerMs ?? 10_000;
  const controller = new AbortController();
  const gone = () => controller.abort(new Error('client connection closed'));
  socket.once('close', gone);
  socket.on('error', gone);
  (socket as Duplex & { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
  // A client FIN is stdin EOF only. TLS server sockets are not half-open by default: make this one so.
  socket.allowHalfOpen = true;

  socket.write(o.headText);

  const stdin = new PassThrough();
  if (o.stdin === false) {
    stdin.end();
    socket.on('data', () => {});
  } else {
    if (o.head.length) stdin.write(o.head);
    socket.pipe(stdin);
  }

  const output = (id: 1 | 2) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (socket.destroyed || socket.writableEnded || chunk.length === 0) return cb();
        if (socket.write(o.tty ? chunk : frame(id, chunk))) return cb();
        const done = () => {
          socket.off('drain', done);
          socket.off('close', done);
          cb();
        };
        socket.on('drain', done);
        socket.on('close', done);
      },
    });
  const stdout = output(1);
  const stderr = o.tty ? stdout : output(2);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      socket.unpipe(stdin);
      stdin.end();
      socket.resume();
      if (socket.destroyed) return resolve();
      const timer = setTimeout(() => socket.destroy(), lingerMs);
      timer.unref?.();
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      // Both directions done: close. (The client may have half-closed long ago: that was only stdin EOF.)
      const clientDone = () => socket.destroySoon?.() ?? socket.destroy();
      if (socket.readableEnded) socket.once('finish', clientDone);
      else socket.once('end', clientDone);
      socket.end(() => resolve());
    });
    return closing;
  };
  return { stdin, stdout, stderr, signal: controller.signal, close };
}
