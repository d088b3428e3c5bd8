// Carries one client connection of a published port to the container's port: one upstream (TCP socket or
// port-forward WebSocket) per client connection, bytes piped both ways with backpressure, half-close passed on
// (direct mode; port-forward cannot signal it, see src/kube/streams/port-forward.ts), and both sides destroyed
// together so nothing leaks.
//
// A connection opened before the application listens behaves like Docker's proxy: it is retried for a moment
// (the application may be starting), then closed. What the client sent meanwhile is kept and replayed to the next
// attempt; a port-forward attempt only counts as accepted once the container sent a byte (or the kept bytes
// exceed a bound), because the refusal arrives after the WebSocket opened.

import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../../log.ts';
import { type Dialer, type DialTarget, isRetryableForwardError, RetryableDialError, type Upstream } from './dialer.ts';

export interface CarryOptions {
  dialer: Dialer;
  /** The container's running pod now, or undefined (not running: retried within the window). */
  resolve: () => DialTarget | undefined;
  log: Logger;
  /** How long a refused or not-running target is retried (default 3 s). */
  retryWindowMs?: number;
  /** Pause between attempts (default 100 ms). */
  retryDelayMs?: number;
  /** Client bytes kept for a replay before the container answered (default 256 KiB). */
  replayLimit?: number;
  now?: () => number;
}

/** Takes over `client` (a socket accepted with allowHalfOpen) until both sides are closed. */
export function carry(client: Socket, o: CarryOptions): void {
  const now = o.now ?? Date.now;
  const deadline = now() + (o.retryWindowMs ?? 3000);
  const retryDelayMs = o.retryDelayMs ?? 100;
  const replayLimit = o.replayLimit ?? 256 * 1024;
  const controller = new AbortController();
  let up: Duplex | undefined;
  let upEnded = false;
  let upError: unknown;
  let confirmed = false;
  /** Everything the client sent before the container accepted (replayed on a retry); null once accepted. */
  let sent: Buffer[] | null = [];
  let sentBytes = 0;
  let clientEnded = false;
  let done = false;

  const finish = () => {
    if (done) return;
    done = true;
    controller.abort();
    up?.destroy();
    client.destroy();
  };

  const confirm = () => {
    confirmed = true;
    sent = null;
    sentBytes = 0;
  };

  client.setNoDelay(true);
  client.on('error', finish);
  client.on('close', finish);
  client.on('end', () => {
    clientEnded = true;
    up?.end();
  });
  client.on('data', (chunk: Buffer) => {
    if (sent) {
      sent.push(chunk);
      sentBytes += chunk.length;
    }
    if (!up) {
      if (sentBytes > replayLimit) client.pause();
      return;
    }
    if (sent && sentBytes > replayLimit && up) confirm(); // too much to keep: no more retries
    if (!up.write(chunk)) {
      client.pause();
      const current = up;
      current.once('drain', () => current === up && client.resume());
    }
  });

  const attach = (u: Upstream) => {
    const stream = u.stream;
    up = stream;
    upEnded = false;
    upError = undefined;
    for (const chunk of sent ?? []) stream.write(chunk);
    if (u.confirmed) confirm();
    if (clientEnded) stream.end();
    client.resume();
    stream.on('data', (d: Buffer) => {
      if (!confirmed) confirm();
      if (!client.write(d)) {
        stream.pause();
        client.once('drain', () => stream.resume());
      }
    });
    stream.on('end', () => {
      upEnded = true;
      if (stream === up && !done) client.end();
    });
    stream.on('error', (err) => {
      upError = err;
    });
    stream.on('close', () => {
      if (stream !== up || done) return;
      if (upEnded) return; // the container closed its side; the client's FIN or close ends the rest
      if (!confirmed && isRetryable(upError) && now() < deadline) {
        up = undefined;
        void delay(retryDelayMs).then(connect);
        return;
      }
      o.log.debug('published port: the container side failed', { error: String(upError ?? 'closed') });
      finish();
    });
  };

  const connect = async (): Promise<void> => {
    while (!done) {
      try {
        const target = o.resolve();
        if (!target) throw new RetryableDialError('the container is not running');
        const u = await o.dialer.dial(target, controller.signal);
        if (done) {
          u.stream.destroy();
          return;
        }
        attach(u);
        return;
      } catch (err) {
        if (done) return;
        if (!isRetryable(err) || now() >= deadline) {
          o.log.debug('published port: no connection to the container', { error: String(err) });
          finish();
          return;
        }
        await delay(retryDelayMs);
      }
    }
  };
  void connect();
}

function isRetryable(err: unknown): boolean {
  return err instanceof RetryableDialError || isRetryableForwardError(err);
}
