import assert from 'node:assert/strict';
import net from 'node:net';
import { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createLogger } from '../../log.ts';
import { carry } from './carrier.ts';
import { Dialer } from './dialer.ts';
import { HostListener } from './host-listener.ts';

const log = createLogger({ level: 'error' });

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A "pod" on loopback: echoes what it got once the client half-closes, then writes "bye" and ends. */
function echoServer(port: number): Promise<net.Server & { open: () => number }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    const got: Buffer[] = [];
    s.on('data', (d) => got.push(d));
    s.on('end', () => {
      s.write(Buffer.concat(got));
      s.end('bye');
    });
  }) as net.Server & { open: () => number };
  server.open = () => sockets.size;
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** Connects, sends `data`, half-closes, and collects the reply until the server's FIN. */
function exchange(port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let reply = '';
    c.setEncoding('utf8');
    c.on('data', (d) => {
      reply += d;
    });
    c.on('end', () => {
      c.end();
      resolve(reply);
    });
    c.on('error', reject);
    c.end(data);
  });
}

async function publish(target: () => { pod: string; podIp: string; port: number } | undefined, dialer: Dialer) {
  return HostListener.open('127.0.0.1', 0, (s) =>
    carry(s, { dialer, resolve: target, log, retryWindowMs: 20_000, retryDelayMs: 50 }),
  );
}

describe('carry (direct)', () => {
  it('pipes both ways and passes the half-close on; nothing stays open', async () => {
    const podPort = await freePort();
    const pod = await echoServer(podPort);
    const dialer = new Dialer({ mode: 'direct', forward: () => Promise.reject(new Error('unused')) });
    const l = await publish(() => ({ pod: 'p', podIp: '127.0.0.1', port: podPort }), dialer);
    try {
      assert.equal(await exchange(l.port, 'hello'), 'hellobye');
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => exchange(l.port, `m${i}`)));
      assert.deepEqual(
        replies,
        replies.map((_, i) => `m${i}bye`),
      );
      for (let i = 0; i < 200 && (l.connections > 0 || pod.open() > 0); i++) await delay(25);
      assert.equal(l.connections, 0);
      assert.equal(pod.open(), 0);
    } finally {
      await l.close();
      pod.close();
    }
  });

  it('a port that starts listening later: the connection is retried and what was sent is delivered', async () => {
    const podPort = await freePort();
    const dialer = new Dialer({ mode: 'auto', forward: () => Promise.reject(new Error('unused')) });
    const l = await publish(() => ({ pod: 'p', podIp: '127.0.0.1', port: podPort }), dialer);
    let pod: net.Server | undefined;
    try {
      const reply = exchange(l.port, 'early');
      await delay(300);
      pod = await echoServer(podPort);
      assert.equal(await reply, 'earlybye');
      assert.equal(dialer.path, 'direct', 'a refusal proves pod IPs are reachable');
    } finally {
      await l.close();
      pod?.close();
    }
  });

  it('nothing ever listens: the client connection is closed after the retry window', async () => {
    const podPort = await freePort();
    const dialer = new Dialer({ mode: 'direct', forward: () => Promise.reject(new Error('unused')) });
    const l = await HostListener.open('127.0.0.1', 0, (s) =>
      carry(s, {
        dialer,
        resolve: () => ({ pod: 'p', podIp: '127.0.0.1', port: podPort }),
        log,
        retryWindowMs: 300,
        retryDelayMs: 50,
      }),
    );
    try {
      const closed = await new Promise<boolean>((resolve) => {
        const c = net.connect({ host: '127.0.0.1', port: l.port });
        c.on('error', () => {});
        c.on('close', () => resolve(true));
        c.resume();
      });
      assert.ok(closed);
    } finally {
      await l.close();
    }
  });

  it('close() drops carried connections and stops listening', async () => {
    const podPort = await freePort();
    const pod = await echoServer(podPort);
    const dialer = new Dialer({ mode: 'direct', forward: () => Promise.reject(new Error('unused')) });
    const l = await publish(() => ({ pod: 'p', podIp: '127.0.0.1', port: podPort }), dialer);
    const c = net.connect({ host: '127.0.0.1', port: l.port });
    c.on('error', () => {});
    const closed = new Promise((r) => c.once('close', r));
    await new Promise((r) => c.once('connect', r));
    for (let i = 0; i < 200 && pod.open() === 0; i++) await delay(25);
    await l.close();
    await closed;
    const refused = await new Promise<string>((resolve) => {
      const again = net.connect({ host: '127.0.0.1', port: l.port });
      again.on('connect', () => resolve('connected'));
      again.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? ''));
    });
    assert.equal(refused, 'ECONNREFUSED');
    for (let i = 0; i < 200 && pod.open() > 0; i++) await delay(25);
    assert.equal(pod.open(), 0);
    pod.close();
  });
});

describe('carry (port-forward)', () => {
  it('a refusal reported after the stream opened is retried with the bytes sent so far', async () => {
    let attempts = 0;
    const forward = async () => {
      attempts++;
      const first = attempts === 1;
      const got: Buffer[] = [];
      const d: Duplex = new Duplex({
        allowHalfOpen: true,
        read() {},
        write(chunk: Buffer, _e, cb) {
          got.push(chunk);
          cb();
        },
        final(cb) {
          if (!first) {
            d.push(Buffer.concat(got));
            d.push('bye');
            d.push(null);
          }
          cb();
        },
      });
      if (first) {
        setTimeout(
          () =>
            d.destroy(
              new Error('error forwarding port 80 to pod x: dial tcp 127.0.0.1:80: connect: connection refused'),
            ),
          100,
        );
      }
      return d;
    };
    const dialer = new Dialer({ mode: 'port-forward', forward });
    const l = await publish(() => ({ pod: 'p', podIp: '', port: 80 }), dialer);
    try {
      assert.equal(await exchange(l.port, 'replayed'), 'replayedbye');
      assert.equal(attempts, 2);
    } finally {
      await l.close();
    }
  });
});
