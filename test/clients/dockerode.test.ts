// Compatibility: the published dockerode package (v5) against badidea on the (simulated) cluster, unmodified.
// Covers docker.run with its hijacked attach (output, exit code), attach with stdin before start, exec with a
// hijacked stdin and the exit code from exec inspect, follow logs, and events with filters.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import { type ContainersSetup, setupContainers } from '../helpers/containers.ts';

function collect(s: NodeJS.ReadableStream): { text: () => string; done: Promise<unknown> } {
  let buf = '';
  s.on('data', (d: Buffer) => {
    buf += d.toString();
  });
  return { text: () => buf, done: once(s, 'end') };
}

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('dockerode 5', () => {
  let s: ContainersSetup;
  let docker: Docker;
  before(async () => {
    s = await setupContainers();
    const u = new URL(s.server.dockerHost.replace(/^tcp:/, 'http:'));
    docker = new Docker({ host: u.hostname, port: Number(u.port) });
  });
  after(() => s?.stop());

  test('ping and version', async () => {
    assert.equal(String(await docker.ping()), 'OK');
    const v = await docker.version();
    assert.ok(v.ApiVersion);
  });

  test('docker.run: hijacked attach gives stdout and stderr apart, and the exit code', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const o = collect(out);
    const e = collect(err);
    const [data, container] = await docker.run(
      'busybox',
      ['sh', '-c', 'echo out1; echo err1 >&2; echo out2; exit 4'],
      [out, err],
      { Tty: false },
    );
    assert.equal(data.StatusCode, 4);
    await Promise.all([o.done, e.done]);
    assert.equal(o.text(), 'out1\nout2\n');
    assert.equal(e.text(), 'err1\n');
    const info = await container.inspect();
    assert.equal(info.State.Status, 'exited');
    assert.equal(info.State.ExitCode, 4);
    await container.remove();
  });

  test('attach {stream, stdin, stdout, stderr, hijack} before start: stdin then end()', async () => {
    const container = await docker.createContainer({
      Image: 'busybox',
      Cmd: ['sh', '-c', 'read line; echo "got $line"; echo "err $line" >&2'],
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
    const out = new PassThrough();
    const err = new PassThrough();
    const o = collect(out);
    const e = collect(err);
    container.modem.demuxStream(stream, out, err);
    const ended = once(stream, 'end');
    await container.start();
    stream.write('hello via attach\n');
    stream.end();
    await ended;
    assert.equal(o.text(), 'got hello via attach\n');
    assert.equal(e.text(), 'err hello via attach\n');
    const w = await container.wait();
    assert.equal(w.StatusCode, 0);
    await container.remove();
  });

  test('exec start({hijack, stdin}): stdin, output, and ExitCode from exec inspect', async () => {
    const container = await docker.createContainer({ Image: 'busybox', Cmd: ['sleep', '3600'] });
    await container.start();
    try {
      const exec = await container.exec({
        Cmd: ['sh', '-c', 'cat; echo to-err >&2; exit 5'],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
      });
      const stream = await exec.start({ hijack: true, stdin: true });
      const out = new PassThrough();
      const err = new PassThrough();
      const o = collect(out);
      const e = collect(err);
      container.modem.demuxStream(stream, out, err);
      const ended = once(stream, 'end');
      stream.write('exec stdin\n');
      stream.end();
      await ended;
      assert.equal(o.text(), 'exec stdin\n');
      assert.equal(e.text(), 'to-err\n');
      const info = await until('exec exit', async () => {
        const i = await exec.inspect();
        return i.Running ? undefined : i;
      });
      assert.equal(info.ExitCode, 5);

      // A TTY exec: raw output, no frames.
      const tty = await container.exec({ Cmd: ['echo', 'tty-exec'], AttachStdout: true, Tty: true });
      const ts = await tty.start({ hijack: true, stdin: false, Tty: true });
      const t = collect(ts);
      await t.done;
      assert.match(t.text(), /^tty-exec\r?\n$/);
    } finally {
      await container.remove({ force: true });
    }
  });

  test('logs({follow:true}) streams until the container exits', async () => {
    const container = await docker.createContainer({
      Image: 'busybox',
      Cmd: ['sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 1; done; echo bad >&2'],
    });
    await container.start();
    const stream = await container.logs({ follow: true, stdout: true, stderr: true });
    const out = new PassThrough();
    const err = new PassThrough();
    const o = collect(out);
    const e = collect(err);
    container.modem.demuxStream(stream, out, err);
    await once(stream, 'end');
    assert.equal(o.text(), 'line1\nline2\nline3\n');
    assert.equal(e.text(), 'bad\n');
    // Not following, with a tail (dockerode gives a Buffer of stdcopy frames).
    const buf = (await container.logs({ stdout: true, stderr: true, tail: 2 })) as unknown as Buffer;
    const frames: string[] = [];
    for (let i = 0; i < buf.length; i += 8 + buf.readUInt32BE(i + 4)) {
      frames.push(`${buf[i]}:${buf.subarray(i + 8, i + 8 + buf.readUInt32BE(i + 4))}`);
    }
    assert.deepEqual(frames, ['1:line3\n', '2:bad\n']);
    await container.remove();
  });

  test('getEvents with filters', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const container = await docker.createContainer({
      Image: 'busybox',
      Cmd: ['true'],
      Labels: { 'dockerode-events': 'yes' },
    });
    await container.start();
    await container.wait();
    await container.remove();
    const stream = await docker.getEvents({
      since,
      until: Math.floor(Date.now() / 1000) + 1,
      filters: { type: ['container'], label: ['dockerode-events=yes'] },
    });
    const c = collect(stream);
    await c.done;
    const events = c
      .text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { Type: string; Action: string; Actor: { ID: string; Attributes: object } });
    assert.ok(events.length > 0);
    for (const ev of events) {
      assert.equal(ev.Type, 'container');
      assert.equal(ev.Actor.ID, container.id);
    }
    const actions = events.map((ev) => ev.Action);
    for (const a of ['create', 'start', 'die', 'destroy']) assert.ok(actions.includes(a), `${a} in ${actions}`);

    // A live stream: an event for a container made after the request.
    const live = await docker.getEvents({ filters: { event: ['create'], label: ['dockerode-live=yes'] } });
    let got = '';
    const seen = new Promise<void>((resolve) =>
      live.on('data', (d: Buffer) => {
        got += d.toString();
        if (got.includes('\n')) resolve();
      }),
    );
    const c2 = await docker.createContainer({ Image: 'busybox', Cmd: ['true'], Labels: { 'dockerode-live': 'yes' } });
    await seen;
    (live as unknown as { destroy(): void }).destroy();
    const ev = JSON.parse(got.split('\n')[0]) as { Action: string; id: string };
    assert.equal(ev.Action, 'create');
    assert.equal(ev.id, c2.id);
    await c2.remove();
  });
});
