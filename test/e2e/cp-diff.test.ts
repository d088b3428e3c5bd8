// docker cp against badidea and against the local Docker Engine, side by side: the same CLI commands give the
// same output and exit codes (tar listings compared by name, type, mode and content; error texts verbatim).
// Known differences are asserted as such below, with the reason.

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ContainersSetup } from '../helpers/containers.ts';
import { dockerIo, dockerOk, listTar, makeTar, raw, setupCp } from './cp-helpers.ts';

const LOCAL: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DOCKER_HOST: 'unix:///var/run/docker.sock',
};
const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];

interface Side {
  name: string;
  env: NodeJS.ProcessEnv;
  c: string;
}

async function both<T>(sides: Side[], f: (s: Side) => Promise<T>): Promise<[T, T]> {
  return [await f(sides[0]), await f(sides[1])];
}

async function listing(s: Side, path: string): Promise<string[]> {
  const r = await dockerIo(['cp', `${s.c}:${path}`, '-'], s.env);
  assert.equal(r.code, 0, `${s.name}: ${r.stderr}`);
  return (await listTar(r.stdout)).map(
    (e) => `${e.name} ${e.type} ${e.mode.toString(8)}${e.linkname ? ` -> ${e.linkname}` : ''} ${e.body}`,
  );
}

describe('docker cp: badidea and the Docker Engine side by side', () => {
  let s: ContainersSetup;
  let host: string;
  let sides: Side[];
  const ref = `cpdiff-${process.pid}`;
  before(async () => {
    s = await setupCp();
    host = mkdtempSync(join(tmpdir(), 'cp-diff-'));
    await dockerOk(['run', '-d', '--name', 'web', 'busybox', ...SLEEPER], s.env);
    await dockerOk(['run', '-d', '--name', ref, 'busybox', ...SLEEPER], LOCAL);
    sides = [
      { name: 'badidea', env: s.env, c: 'web' },
      { name: 'docker', env: LOCAL, c: ref },
    ];
    const tree = join(host, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    writeFileSync(join(tree, 'sub', 'b.txt'), 'b');
    chmodSync(join(tree, 'sub', 'b.txt'), 0o604);
    symlinkSync('sub/b.txt', join(tree, 'link'));
    writeFileSync(join(host, 'a.txt'), 'hello');
  });
  after(async () => {
    await dockerIo(['rm', '-f', ref], LOCAL);
    rmSync(host, { recursive: true, force: true });
    await s?.stop();
  });

  test('copies in and out give the same archives', async () => {
    for (const args of [
      ['cp', join(host, 'a.txt'), ':/tmp/a.txt'],
      ['cp', join(host, 'tree'), ':/tmp/tree'],
      ['cp', join(host, 'tree'), ':/tmp/tree/'],
      ['cp', join(host, 'a.txt'), ':/tmp/tree/renamed.txt'],
    ]) {
      const [a, b] = await both(sides, (x) => dockerIo([args[0], args[1], `${x.c}${args[2]}`], x.env));
      assert.deepEqual(
        [a.code, a.stdout.toString(), a.stderr],
        [b.code, b.stdout.toString(), b.stderr],
        args.join(' '),
      );
    }
    const [stdinA, stdinB] = await both(sides, async (x) =>
      dockerIo(
        ['cp', '-', `${x.c}:/tmp`],
        x.env,
        await makeTar([
          { name: 'in/', type: 'directory', mode: 0o750 },
          { name: 'in/c', body: 'c', mode: 0o600 },
        ]),
      ),
    );
    assert.deepEqual([stdinA.code, stdinA.stderr], [stdinB.code, stdinB.stderr]);
    for (const path of ['/tmp/a.txt', '/tmp/tree', '/tmp/tree/.', '/tmp/in', '/etc/passwd']) {
      const [a, b] = await both(sides, (x) => listing(x, path));
      assert.deepEqual(a.sort(), b.sort(), path);
    }
  });

  test('the same errors and exit codes', async () => {
    for (const args of [
      ['cp', ':/nonexistent', join(host, 'x')],
      ['cp', join(host, 'a.txt'), ':/nodir/a.txt'],
      ['cp', join(host, 'tree'), ':/tmp/a.txt'],
      ['cp', join(host, 'a.txt'), ':/tmp/a.txt/'],
      ['cp', '-', ':/tmp/a.txt'],
      ['cp', ':/tmp/a.txt', join(host, 'nodir', 'x')],
    ]) {
      const [a, b] = await both(sides, (x) =>
        dockerIo(
          args.map((v) => (v.startsWith(':') ? `${x.c}${v}` : v)),
          x.env,
          Buffer.alloc(0),
        ),
      );
      // The CLI sometimes logs its own tar writer's closed pipe before the error (a race in the client).
      const norm = (t: string, x: Side) =>
        t
          .split('\n')
          .filter((l) => !l.startsWith('time='))
          .join('\n')
          .replaceAll(x.c, '<c>');
      assert.deepEqual([a.code, norm(a.stderr, sides[0])], [b.code, norm(b.stderr, sides[1])], args.join(' '));
    }
  });

  test('HEAD stat: same name and mode; missing path 404 without a body', async () => {
    for (const path of ['/tmp/a.txt', '/tmp/tree/', '/tmp/tree/link', '/bin/sh', '/tmp']) {
      const [a, b] = await both(sides, async (x) => {
        const r = await raw(x.env, 'HEAD', `/containers/${x.c}/archive?path=${encodeURIComponent(path)}`);
        if (r.status !== 200) return { status: r.status };
        const st = JSON.parse(Buffer.from(String(r.headers['x-docker-container-path-stat']), 'base64').toString());
        return {
          status: r.status,
          name: st.name,
          mode: st.mode,
          linkTarget: st.linkTarget,
          file: st.mode < 2 ** 20 ? st.size : 0,
        };
      });
      assert.deepEqual(a, b, path);
    }
    const [a, b] = await both(sides, (x) => raw(x.env, 'HEAD', `/containers/${x.c}/archive?path=/nonexistent`));
    assert.deepEqual([a.status, a.body.length], [b.status, b.body.length]);
  });

  test('known differences: client mistakes are 4xx (dockerd: 500), and a refused archive leaves nothing', async () => {
    const evil = await makeTar([
      { name: 'ok.txt', body: 'fine' },
      { name: '../escape.txt', body: 'bad' },
    ]);
    const [a, b] = await both(sides, (x) => raw(x.env, 'PUT', `/containers/${x.c}/archive?path=/tmp/tree`, evil));
    assert.equal(b.status, 500);
    assert.equal(
      JSON.parse(b.body.toString()).message,
      'Error processing tar file(exit status 1): "../escape.txt" is outside of "/tmp/tree"',
    );
    assert.equal(a.status, 400);
    assert.equal(JSON.parse(a.body.toString()).message, '"../escape.txt" is outside of "/tmp/tree"');
    // dockerd extracted the entry before the bad one; badidea extracted nothing.
    const [la, lb] = await both(sides, (x) => listing(x, '/tmp/tree'));
    assert.ok(lb.some((l) => l.startsWith('tree/ok.txt')));
    assert.ok(!la.some((l) => l.startsWith('tree/ok.txt')));
    const notDir = await makeTar([{ name: 'x' }]);
    const [na, nb] = await both(sides, (x) => raw(x.env, 'PUT', `/containers/${x.c}/archive?path=/tmp/a.txt`, notDir));
    assert.deepEqual([na.status, nb.status], [400, 500]);
    assert.equal(na.body.toString(), nb.body.toString());
  });
});
