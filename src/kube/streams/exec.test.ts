import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RemoteCommandError, StreamProtocolError, UpgradeFailedError } from './errors.ts';
import { execInPod, openExec } from './exec.ts';
import { type FakeApiServer, startFakeApiServer, statusBody, TOKEN } from './fake-apiserver.test-util.ts';

const EXIT_3 = {
  metadata: {},
  status: 'Failure',
  message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
  reason: 'NonZeroExitCode',
  details: { causes: [{ reason: 'ExitCode', message: '3' }] },
};
const SUCCESS = { metadata: {}, status: 'Success' };

function collect(): Writable & { text(): string; bytes: number } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      w.bytes += chunk.length;
      cb();
    },
  }) as Writable & { text(): string; bytes: number };
  w.bytes = 0;
  w.text = () => Buffer.concat(chunks).toString();
  return w;
}

async function noSocketsLeft(fake: FakeApiServer): Promise<void> {
  for (let i = 0; i < 100 && fake.openSockets() > 0; i++) await sleep(20);
  assert.equal(fake.openSockets(), 0, 'server-side sockets still open');
}

describe('execInPod', () => {
  let fake: FakeApiServer;
  beforeEach(async () => {
    fake = await startFakeApiServer();
  });
  afterEach(() => fake.close());

  it('v5: pipes stdin, half-closes with [255,0], returns exit code 3 from the Status', async () => {
    fake.onUpgrade = async (conn) => {
      await conn.stdinEnded;
      conn.send(1, Buffer.concat(conn.stdin)); // cat
      conn.send(2, 'err\n');
      conn.status(EXIT_3);
    };
    const stdout = collect();
    const stderr = collect();
    const r = await execInPod({
      kc: fake.kc,
      namespace: 'ns',
      pod: 'p',
      container: 'c',
      command: ['sh', '-c', 'cat; exit 3'],
      stdin: Readable.from([Buffer.from('hello\n'), Buffer.from('world\n')]),
      stdout,
      stderr,
      tty: false,
    });
    assert.deepEqual(r, { exitCode: 3 });
    assert.equal(stdout.text(), 'hello\nworld\n');
    assert.equal(stderr.text(), 'err\n');
    const u = fake.upgrades[0];
    assert.equal(u.pathname, '/api/v1/namespaces/ns/pods/p/exec');
    assert.deepEqual(u.searchParams.getAll('command'), ['sh', '-c', 'cat; exit 3']);
    assert.equal(u.searchParams.get('container'), 'c');
    assert.equal(u.searchParams.get('stdin'), 'true');
    assert.equal(u.searchParams.get('stdout'), 'true');
    assert.equal(u.searchParams.get('stderr'), 'true');
    assert.equal(u.searchParams.get('tty'), 'false');
    assert.equal(fake.auth[0], `Bearer ${TOKEN}`);
    assert.equal(
      fake.offered[0],
      'v5.channel.k8s.io,v4.channel.k8s.io,v3.channel.k8s.io,v2.channel.k8s.io,channel.k8s.io',
    );
    assert.equal(stdout.writableEnded, false, 'caller streams stay open');
    await noSocketsLeft(fake);
  });

  it('Success → exit code 0; no stdin, no stderr requested', async () => {
    fake.onUpgrade = (conn) => {
      conn.send(1, 'hi\n');
      conn.status(SUCCESS);
    };
    const stdout = collect();
    const r = await execInPod({ kc: fake.kc, namespace: 'ns', pod: 'p', command: ['echo', 'hi'], stdout, tty: false });
    assert.deepEqual(r, { exitCode: 0 });
    assert.equal(stdout.text(), 'hi\n');
    assert.equal(fake.upgrades[0].searchParams.get('stdin'), 'false');
    assert.equal(fake.upgrades[0].searchParams.get('stderr'), 'false');
    assert.equal(fake.upgrades[0].searchParams.get('container'), null);
  });

  it('v4: no half-close exists; the session says so and sends no close frame', async () => {
    fake.supported = ['v4.channel.k8s.io'];
    let sawClose = false;
    fake.onUpgrade = (conn) => {
      conn.ws.on('message', (d: Buffer) => {
        if (d[0] === 255) sawClose = true;
      });
      conn.ws.on('message', (d: Buffer) => {
        if (d[0] === 0 && d.subarray(1).toString() === 'x') {
          conn.send(1, 'got x');
          conn.status(SUCCESS);
          conn.ws.close(1000); // older servers close right after the Status
        }
      });
    };
    const session = await openExec({
      kc: fake.kc,
      namespace: 'ns',
      pod: 'p',
      command: ['cat'],
      stdin: true,
      stdout: true,
      stderr: false,
      tty: false,
    });
    assert.equal(session.protocol, 'v4.channel.k8s.io');
    assert.equal(session.canHalfClose, false);
    const out = collect();
    session.stdout.pipe(out);
    session.stdin.end('x');
    const r = await session.done;
    assert.equal(r.exitCode, 0);
    await sleep(20);
    assert.equal(out.text(), 'got x');
    assert.equal(sawClose, false);
  });

  it('a server that waits after the Status (v4, older translators) is closed by the client', async () => {
    fake.supported = ['v4.channel.k8s.io'];
    fake.onUpgrade = (conn) => {
      conn.send(1, 'x');
      conn.status(SUCCESS); // no close from the server on v4
    };
    const r = await execInPod({
      kc: fake.kc,
      namespace: 'ns',
      pod: 'p',
      command: ['x'],
      stdout: collect(),
      tty: false,
    });
    assert.equal(r.exitCode, 0);
    await noSocketsLeft(fake);
  });

  it('a refused upgrade surfaces the HTTP status and the Status message', async () => {
    fake.refuse = {
      code: 400,
      body: statusBody(400, 'BadRequest', 'container x is not valid for pod p'),
    };
    await assert.rejects(
      execInPod({ kc: fake.kc, namespace: 'ns', pod: 'p', container: 'x', command: ['true'], tty: false }),
      (err: unknown) => {
        assert.ok(err instanceof UpgradeFailedError);
        assert.equal(err.httpStatus, 400);
        assert.equal(err.reason, 'BadRequest');
        assert.equal(err.message, 'container x is not valid for pod p');
        return true;
      },
    );
    await noSocketsLeft(fake);
  });

  it('a 404 without a JSON body keeps the text', async () => {
    fake.refuse = { code: 404, body: 'page not found' };
    await assert.rejects(
      execInPod({ kc: fake.kc, namespace: 'ns', pod: 'p', command: ['true'], tty: false }),
      (err: unknown) => err instanceof UpgradeFailedError && err.httpStatus === 404 && err.message === 'page not found',
    );
  });

  it('a close without a Status is an error', async () => {
    fake.onUpgrade = (conn) => {
      conn.send(1, 'partial');
      conn.ws.close(1011, 'boom');
    };
    const stdout = collect();
    await assert.rejects(
      execInPod({ kc: fake.kc, namespace: 'ns', pod: 'p', command: ['true'], stdout, tty: false }),
      (err: unknown) => err instanceof StreamProtocolError && err.closeCode === 1011,
    );
    assert.equal(stdout.text(), 'partial');
  });

  it('an abrupt disconnect without a Status is an error', async () => {
    fake.onUpgrade = (conn) => conn.ws.terminate();
    await assert.rejects(
      execInPod({ kc: fake.kc, namespace: 'ns', pod: 'p', command: ['true'], stdout: collect(), tty: false }),
      StreamProtocolError,
    );
  });

  it('a Failure other than NonZeroExitCode rejects with RemoteCommandError', async () => {
    fake.onUpgrade = (conn) =>
      conn.status({
        metadata: {},
        status: 'Failure',
        message: 'Internal error occurred: error executing command in container: exec: "nope": not found',
        reason: 'InternalError',
        code: 500,
      });
    await assert.rejects(
      execInPod({ kc: fake.kc, namespace: 'ns', pod: 'p', command: ['nope'], stdout: collect(), tty: false }),
      (err: unknown) =>
        err instanceof RemoteCommandError && err.httpStatus === 500 && /"nope": not found/.test(err.message),
    );
  });

  it('TTY: stderr is not requested; initial size and resize events go on channel 4', async () => {
    const resize = new EventEmitter();
    fake.onUpgrade = async (conn) => {
      await sleep(30);
      resize.emit('resize', { width: 100, height: 40 });
      await sleep(30);
      conn.status(SUCCESS);
    };
    const r = await execInPod({
      kc: fake.kc,
      namespace: 'ns',
      pod: 'p',
      command: ['sh'],
      stdout: collect(),
      stderr: collect(),
      tty: true,
      initialSize: { width: 80, height: 24 },
      resize,
    });
    assert.equal(r.exitCode, 0);
    assert.equal(fake.upgrades[0].searchParams.get('tty'), 'true');
    assert.equal(fake.upgrades[0].searchParams.get('stderr'), 'false');
    assert.equal(resize.listenerCount('resize'), 0, 'resize listener removed');
  });

  it('resize from an async iterable', async () => {
    const sizes = new PassThrough({ objectMode: true });
    let seen: unknown[] = [];
    fake.onUpgrade = async (conn) => {
      sizes.write({ width: 1, height: 2 });
      sizes.write({ width: 3, height: 4 });
      await sleep(50);
      seen = conn.resizes;
      conn.status(SUCCESS);
    };
    await execInPod({
      kc: fake.kc,
      namespace: 'ns',
      pod: 'p',
      command: ['sh'],
      stdout: collect(),
      tty: true,
      resize: sizes,
    });
    assert.deepEqual(seen, [
      { Width: 1, Height: 2 },
      { Width: 3, Height: 4 },
    ]);
  });

  it('backpressure: unread output pauses the socket (bounded buffering), then everything arrives in order', async () => {
    const frame = Buffer.alloc(64 * 1024);
    const frames = 256; // 16 MiB
    fake.onUpgrade = async (conn) => {
      for (let i = 0; i < frames; i++) {
        frame.writeUInt32BE(i, 0);
        conn.send(1, frame);
      }
      conn.status(SUCCESS);
    };
    const session = await openExec({
      kc: fake.kc,
      namespace: 'ns',
      pod: 'p',
      command: ['cat'],
      stdin: false,
      stdout: true,
      stderr: false,
      tty: false,
    });
    await sleep(300);
    const held = session.stdout.readableLength;
    assert.ok(held < 1024 * 1024, `client buffered ${held} bytes while nobody read`);
    let received = 0;
    let next = 0;
    let inOrder = true;
    for await (const chunk of session.stdout as AsyncIterable<Buffer>) {
      for (let off = 0; off < chunk.length; off += 64 * 1024) if (chunk.readUInt32BE(off) !== next++) inOrder = false;
      received += chunk.length;
    }
    assert.equal((await session.done).exitCode, 0);
    assert.equal(received, frames * 64 * 1024);
    assert.ok(inOrder);
  });

  it('a failing destination closes the session and rejects with its error', async () => {
    let closed!: () => void;
    const serverClosed = new Promise<void>((r) => {
      closed = r;
    });
    fake.onUpgrade = (conn) => {
      conn.ws.on('close', () => closed());
      conn.send(1, 'x');
    };
    const broken = new Writable({
      write(_c, _e, cb) {
        cb(new Error('client went away'));
      },
    });
    await assert.rejects(
      execInPod({ kc: fake.kc, namespace: 'ns', pod: 'p', command: ['cat'], stdout: broken, tty: false }),
      /client went away/,
    );
    await serverClosed;
    await noSocketsLeft(fake);
  });

  it('abort signal closes the session', async () => {
    fake.onUpgrade = () => {};
    const ac = new AbortController();
    const run = execInPod({
      kc: fake.kc,
      namespace: 'ns',
      pod: 'p',
      command: ['sleep', '1000'],
      stdout: collect(),
      tty: false,
      signal: ac.signal,
    });
    await sleep(50);
    ac.abort(new Error('stop'));
    await assert.rejects(run, /stop/);
    await noSocketsLeft(fake);
  });

  it('old protocol (channel.k8s.io): plain-text error with an exit code; success is a clean close', async () => {
    fake.supported = ['channel.k8s.io'];
    fake.onUpgrade = (conn) => {
      conn.send(3, 'command terminated with non-zero exit code: Error executing in Docker Container: 7');
      conn.ws.close(1000);
    };
    const r = await execInPod({
      kc: fake.kc,
      namespace: 'ns',
      pod: 'p',
      command: ['x'],
      stdout: collect(),
      tty: false,
    });
    assert.equal(r.exitCode, 7);
    fake.onUpgrade = (conn) => conn.ws.close(1000);
    const ok = await execInPod({
      kc: fake.kc,
      namespace: 'ns',
      pod: 'p',
      command: ['x'],
      stdout: collect(),
      tty: false,
    });
    assert.equal(ok.exitCode, 0);
  });
});

describe('execInPod over TLS', () => {
  it('uses the kubeconfig CA and token', async () => {
    const fake = await startFakeApiServer({ tls: true });
    try {
      fake.onUpgrade = (conn) => {
        conn.send(1, 'secure');
        conn.status(SUCCESS);
      };
      const out = collect();
      const r = await execInPod({ kc: fake.kc, namespace: 'ns', pod: 'p', command: ['x'], stdout: out, tty: false });
      assert.equal(r.exitCode, 0);
      assert.equal(out.text(), 'secure');
      assert.equal(fake.auth[0], `Bearer ${TOKEN}`);
    } finally {
      await fake.close();
    }
  });
});
