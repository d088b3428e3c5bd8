import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { attachToPod, openAttach } from './attach.ts';
import { RemoteCommandError } from './errors.ts';
import { type FakeApiServer, startFakeApiServer } from './fake-apiserver.test-util.ts';

function sink(chunks: Buffer[]): Writable {
  return new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c);
      cb();
    },
  });
}

describe('attach', () => {
  let fake: FakeApiServer;
  beforeEach(async () => {
    fake = await startFakeApiServer();
  });
  afterEach(() => fake.close());

  it('attaches without a command; Success carries no exit code', async () => {
    fake.onUpgrade = async (conn) => {
      await conn.stdinEnded;
      conn.send(1, Buffer.concat(conn.stdin));
      conn.status({ metadata: {}, status: 'Success' });
    };
    const stdin = new PassThrough();
    const out: Buffer[] = [];
    const run = attachToPod({
      kc: fake.kc,
      namespace: 'ns',
      pod: 'p',
      container: 'main',
      stdin,
      stdout: sink(out),
      tty: false,
    });
    stdin.end('typed\n');
    const r = await run;
    assert.equal(r.exitCode, undefined);
    assert.equal(r.status?.status, 'Success');
    assert.equal(Buffer.concat(out).toString(), 'typed\n');
    const u = fake.upgrades[0];
    assert.equal(u.pathname, '/api/v1/namespaces/ns/pods/p/attach');
    assert.equal(u.searchParams.has('command'), false);
    assert.equal(u.searchParams.get('stdin'), 'true');
  });

  it('close() detaches: done resolves as detached', async () => {
    fake.onUpgrade = () => {};
    const s = await openAttach({
      kc: fake.kc,
      namespace: 'ns',
      pod: 'p',
      stdin: true,
      stdout: true,
      stderr: true,
      tty: true,
    });
    assert.equal(s.stderr.readableLength, 0);
    s.close();
    const r = await s.done;
    assert.equal(r.detached, true);
  });

  it('error attaching → RemoteCommandError', async () => {
    fake.onUpgrade = (conn) =>
      conn.status({
        metadata: {},
        status: 'Failure',
        message: 'error attaching to container: container is not running',
        reason: 'InternalError',
        code: 500,
      });
    await assert.rejects(
      attachToPod({ kc: fake.kc, namespace: 'ns', pod: 'p', stdout: sink([]), tty: false }),
      RemoteCommandError,
    );
  });
});
