// A raw TCP/unix/TLS client for tests: write bytes, read until a marker or the server's FIN, half-close.

import net from 'node:net';
import tls from 'node:tls';

export interface RawConnection {
  write(data: string | Buffer): void;
  /** Half-close: our FIN. */
  end(): void;
  destroy(): void;
  /** All bytes received so far. */
  received(): Buffer;
  /** Resolves when received() satisfies the predicate (rejects after timeoutMs). */
  waitFor(pred: (buf: Buffer) => boolean, timeoutMs?: number): Promise<Buffer>;
  /** Resolves when the server has sent FIN. */
  ended: Promise<void>;
  closed: Promise<void>;
}

export type RawTarget = { port: number; host?: string; tls?: tls.ConnectionOptions } | { path: string };

export async function rawConnect(target: RawTarget): Promise<RawConnection> {
  const socket: net.Socket =
    'path' in target
      ? net.connect({ path: target.path, allowHalfOpen: true })
      : target.tls
        ? tls.connect({ port: target.port, host: target.host ?? '127.0.0.1', ...target.tls } as tls.ConnectionOptions)
        : net.connect({ port: target.port, host: target.host ?? '127.0.0.1', allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    socket.once(target && 'tls' in target && target.tls ? 'secureConnect' : 'connect', () => resolve());
    socket.once('error', reject);
  });
  let buf = Buffer.alloc(0);
  const waiters = new Set<() => void>();
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (const w of waiters) w();
  });
  socket.on('error', () => {});
  const ended = new Promise<void>((resolve) => socket.once('end', resolve));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    write: (d) => socket.write(d),
    end: () => socket.end(),
    destroy: () => socket.destroy(),
    received: () => buf,
    ended,
    closed,
    waitFor(pred, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pred(buf)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(buf);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timeout; received so far: ${JSON.stringify(buf.toString('latin1'))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** Splits "HTTP/1.1 ...\r\n...\r\n\r\n" + rest. */
export function splitHead(buf: Buffer): { head: string; rest: Buffer } | undefined {
  const i = buf.indexOf('\r\n\r\n');
  if (i < 0) return undefined;
  return { head: buf.subarray(0, i + 4).toString('latin1'), rest: buf.subarray(i + 4) };
}
