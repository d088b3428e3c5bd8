import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PortForwardError, UpgradeFailedError } from './errors.ts';
import { type FakeApiServer, startFakeApiServer, statusBody } from './fake-apiserver.test-util.ts';
import { forwardPort } from './port-forward.ts';

async function readAll(d: Duplex): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of d) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

async function noSocketsLeft(fake: FakeApiServer): Promise<void> {
  for (let i = 0; i < 100 && fake.openSockets() > 0; i++) await sleep(20);
  assert.equal(fake.openSockets(), 0, 'server-side sockets still open');
}

describe('forwardPort', () => {
  let fake: FakeApiServer;
  beforeEach(async () => {
    fake = await startFakeApiServer();
  });
  afterEach(() => fake.close());

  it('offers v4 only, strips the port prefixes, echoes data, ends when the WebSocket closes', async () => {
    fake.onUpgrade = (conn) => {
      conn.ws.on('message', (d: Buffer) => {
        if (d[0] !== 0) return;
        const text = d.subarray(1).toString();
        conn.send(0, `echo:${text}`);
        if (text.includes('bye')) conn.ws.close(1000);
      });
    };
    const sock = await forwardPort({ kc: fake.kc, namespace: 'ns', pod: 'p', port: 8080 });
    assert.equal(fake.upgrades[0].pathname, '/api/v1/namespaces/ns/pods/p/portforward');
    assert.equal(fake.upgrades[0].searchParams.get('ports'), '8080');
    assert.equal(fake.offered[0], 'v4.channel.k8s.io');
    const reading = readAll(sock);
    sock.write('hello');
    await sleep(20);
    sock.write('bye');
    assert.equal(await reading, 'echo:helloecho:bye');
    sock.end();
    await once(sock, 'close');
    await noSocketsLeft(fake);
  });

  it('the port prefix may be split and followed by data in the same frame', async () => {
    fake.onUpgrade = (conn) => {
      conn.send(0, 'data'); // after the server's own 2-byte prefix frame: plain data
      conn.ws.close(1000);
    };
    const sock = await forwardPort({ kc: fake.kc, namespace: 'ns', pod: 'p', port: 80 });
    assert.equal(await readAll(sock), 'data');
  });

  it('error-channel text becomes a PortForwardError', async () => {
    fake.onUpgrade = (conn) => {
      conn.send(
        1,
        'error forwarding port 9999 to pod abc, uid : failed to execute portforward in network namespace: dial tcp4 127.0.0.1:9999: connect: connection refused',
      );
      conn.ws.close(1000);
    };
    const sock = await forwardPort({ kc: fake.kc, namespace: 'ns', pod: 'p', port: 9999 });
    const [err] = await once(sock, 'error');
    assert.ok(err instanceof PortForwardError);
    assert.match(err.message, /connection refused/);
    assert.doesNotMatch(err.message, /^\W/, 'prefix stripped');
  });

  it('destroying the duplex closes the WebSocket', async () => {
    let closed!: () => void;
    const serverClosed = new Promise<void>((r) => {
      closed = r;
    });
    fake.onUpgrade = (conn) => conn.ws.on('close', () => closed());
    const sock = await forwardPort({ kc: fake.kc, namespace: 'ns', pod: 'p', port: 80 });
    sock.destroy();
    await serverClosed;
    await noSocketsLeft(fake);
  });

  it('local end: no half-close on the wire, the reply still arrives, then the pod side closes', async () => {
    fake.onUpgrade = (conn) => {
      conn.ws.on('message', async (d: Buffer) => {
        if (d[0] !== 0) return;
        await sleep(50);
        conn.send(0, 'HTTP/1.0 200 OK\r\n\r\nbody');
        conn.ws.close(1000);
      });
    };
    const sock = await forwardPort({ kc: fake.kc, namespace: 'ns', pod: 'p', port: 80 });
    sock.end('GET / HTTP/1.0\r\n\r\n');
    assert.equal(await readAll(sock), 'HTTP/1.0 200 OK\r\n\r\nbody');
    await noSocketsLeft(fake);
  });

  it('halfCloseTimeoutMs closes a connection the pod side keeps open', async () => {
    fake.onUpgrade = () => {};
    const sock = await forwardPort({ kc: fake.kc, namespace: 'ns', pod: 'p', port: 80, halfCloseTimeoutMs: 50 });
    sock.end();
    assert.equal(await readAll(sock), '');
    await noSocketsLeft(fake);
  });

  it('backpressure: an unread duplex pauses the socket', async () => {
    const chunk = Buffer.alloc(64 * 1024, 1);
    fake.onUpgrade = (conn) => {
      for (let i = 0; i < 128; i++) conn.send(0, chunk);
      conn.ws.close(1000);
    };
    const sock = await forwardPort({ kc: fake.kc, namespace: 'ns', pod: 'p', port: 80 });
    await sleep(200);
    assert.ok(sock.readableLength < 1024 * 1024, `buffered ${sock.readableLength}`);
    assert.equal((await readAll(sock)).length, 128 * 64 * 1024);
  });

  it('a refused upgrade rejects with the Status', async () => {
    fake.refuse = { code: 400, body: statusBody(400, 'BadRequest', 'pod p does not have a host assigned') };
    await assert.rejects(
      forwardPort({ kc: fake.kc, namespace: 'ns', pod: 'p', port: 80 }),
      (err: unknown) => err instanceof UpgradeFailedError && err.message === 'pod p does not have a host assigned',
    );
  });

  it('rejects invalid ports before connecting', async () => {
    await assert.rejects(forwardPort({ kc: fake.kc, namespace: 'ns', pod: 'p', port: 0 }), RangeError);
    assert.equal(fake.upgrades.length, 0);
  });
});
