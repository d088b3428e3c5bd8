// docker cp with the real docker CLI against badidea on the (simulated) cluster: files, trees with symlinks,
// modes and owners, into an existing directory, tar from stdin and to stdout, HEAD stat, Docker's 404s, a refused
// `..` archive (raw PUT), and copies into a created container that are in place at start beside the image's files.

import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ContainersSetup } from '../helpers/containers.ts';
import { dockerIo, dockerOk, listTar, makeTar, raw, setupCp } from './cp-helpers.ts';

const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];

function decodeStat(header: string | string[] | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(header), 'base64').toString('utf8'));
}

describe('docker cp', () => {
  let s: ContainersSetup;
  let host: string;
  before(async () => {
    s = await setupCp();
    host = mkdtempSync(join(tmpdir(), 'cp-e2e-'));
    await dockerOk(['run', '-d', '--name', 'web', 'busybox', ...SLEEPER], s.env);
  });
  after(async () => {
    rmSync(host, { recursive: true, force: true });
    await s?.stop();
  });

  test('a file in and out, keeping its mode and owner', async () => {
    const src = join(host, 'a.txt');
    writeFileSync(src, 'hello world');
    chmodSync(src, 0o640);
    chownSync(src, 1234, 4321);
    await dockerOk(['cp', src, 'web:/tmp/a.txt'], s.env);
    const out = await dockerIo(['cp', 'web:/tmp/a.txt', '-'], s.env);
    assert.equal(out.code, 0, out.stderr);
    const [e] = await listTar(out.stdout);
    assert.deepEqual([e.name, e.body, e.mode, e.uid, e.gid], ['a.txt', 'hello world', 0o640, 1234, 4321]);
    const back = join(host, 'back.txt');
    await dockerOk(['cp', 'web:/tmp/a.txt', back], s.env);
    assert.equal(readFileSync(back, 'utf8'), 'hello world');
    assert.equal(statSync(back).mode & 0o777, 0o640);
  });

  test('a directory tree with a symlink, and into an existing directory', async () => {
    const tree = join(host, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    writeFileSync(join(tree, 'sub', 'b.txt'), 'b');
    symlinkSync('sub/b.txt', join(tree, 'link'));
    await dockerOk(['cp', tree, 'web:/tmp/tree'], s.env);
    // An existing directory: the source goes inside it.
    await dockerOk(['cp', tree, 'web:/tmp/tree/'], s.env);
    const out = await dockerIo(['cp', 'web:/tmp/tree', '-'], s.env);
    const names = (await listTar(out.stdout)).map((e) => `${e.name}${e.linkname ? ` -> ${e.linkname}` : ''}`);
    assert.deepEqual(names.sort(), [
      'tree/',
      'tree/link -> sub/b.txt',
      'tree/sub/',
      'tree/sub/b.txt',
      'tree/tree/',
      'tree/tree/link -> sub/b.txt',
      'tree/tree/sub/',
      'tree/tree/sub/b.txt',
    ]);
    const back = join(host, 'tree-back');
    await dockerOk(['cp', 'web:/tmp/tree', back], s.env);
    assert.equal(readlinkSync(join(back, 'link')), 'sub/b.txt');
    assert.equal(readFileSync(join(back, 'sub', 'b.txt'), 'utf8'), 'b');
  });

  test('tar from stdin into a directory; contents of a directory with /.', async () => {
    const archive = await makeTar([
      { name: 'in/', type: 'directory', mode: 0o750 },
      { name: 'in/c.txt', body: 'c', mode: 0o600 },
    ]);
    const r = await dockerIo(['cp', '-', 'web:/tmp'], s.env, archive);
    assert.equal(r.code, 0, r.stderr);
    const out = await dockerIo(['cp', 'web:/tmp/in/.', '-'], s.env);
    const entries = await listTar(out.stdout);
    assert.deepEqual(
      entries.map((e) => [e.name, e.mode]),
      [
        ['./', 0o750],
        ['./c.txt', 0o600],
      ],
    );
  });

  test('HEAD stat: header for a file, a directory and a symlink; 404 without a body', async () => {
    const file = await raw(s.env, 'HEAD', '/containers/web/archive?path=/tmp/a.txt');
    assert.equal(file.status, 200);
    const st = decodeStat(file.headers['x-docker-container-path-stat']);
    assert.deepEqual([st.name, st.size, st.mode, st.linkTarget], ['a.txt', 11, 0o640, '']);
    assert.match(String(st.mtime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const dir = decodeStat(
      (await raw(s.env, 'HEAD', '/containers/web/archive?path=/tmp')).headers['x-docker-container-path-stat'],
    );
    assert.equal(dir.mode, 2 ** 31 + 2 ** 20 + 0o777); // Go's ModeDir | ModeSticky | 0777
    const sh = decodeStat(
      (await raw(s.env, 'HEAD', '/containers/web/archive?path=/bin/sh')).headers['x-docker-container-path-stat'],
    );
    assert.equal(sh.mode, 2 ** 27 + 0o777);
    assert.equal(sh.linkTarget, '/bin/busybox');
    const missing = await raw(s.env, 'HEAD', '/containers/web/archive?path=/nonexistent');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.length, 0);
  });

  test("Docker's errors: missing file, missing parent, no such container, empty path", async () => {
    const from = await dockerIo(['cp', 'web:/nonexistent', join(host, 'x')], s.env);
    assert.equal(from.code, 1);
    assert.equal(
      from.stderr.trim(),
      'Error response from daemon: Could not find the file /nonexistent in container web',
    );
    const to = await dockerIo(['cp', join(host, 'a.txt'), 'web:/nodir/a.txt'], s.env);
    assert.equal(to.code, 1);
    assert.equal(to.stderr.trim(), 'Error response from daemon: Could not find the file /nodir in container web');
    const nosuch = await dockerIo(['cp', 'nosuch:/etc/passwd', '-'], s.env);
    assert.equal(nosuch.code, 1);
    assert.match(nosuch.stderr, /No such container: nosuch/);
    const empty = await raw(s.env, 'GET', '/containers/web/archive?path=');
    assert.equal(empty.status, 400);
    assert.equal(JSON.parse(empty.body.toString()).message, 'bad parameter: path cannot be empty');
    const notDir = await raw(s.env, 'PUT', '/containers/web/archive?path=/tmp/a.txt', await makeTar([{ name: 'x' }]));
    assert.equal(notDir.status, 400);
    assert.equal(JSON.parse(notDir.body.toString()).message, 'extraction point is not a directory');
  });

  test('an archive with an entry outside the target is refused with a 400 naming it, and nothing is extracted', async () => {
    const evil = await makeTar([
      { name: 'ok.txt', body: 'fine' },
      { name: '../escape.txt', body: 'bad' },
    ]);
    const r = await raw(s.env, 'PUT', '/containers/web/archive?path=/tmp/safe&noOverwriteDirNonDir=true', evil);
    // /tmp/safe does not exist: 404 first. Make it, then try again.
    assert.equal(r.status, 404);
    await dockerIo(['cp', '-', 'web:/tmp'], s.env, await makeTar([{ name: 'safe/', type: 'directory' }]));
    const again = await raw(s.env, 'PUT', '/containers/web/archive?path=/tmp/safe', evil);
    assert.equal(again.status, 400);
    assert.equal(JSON.parse(again.body.toString()).message, '"../escape.txt" is outside of "/tmp/safe"');
    const link = await raw(
      s.env,
      'PUT',
      '/containers/web/archive?path=/tmp/safe',
      await makeTar([{ name: 'l', type: 'symlink', linkname: '../../etc' }]),
    );
    assert.equal(link.status, 400);
    assert.equal(JSON.parse(link.body.toString()).message, 'invalid symlink "/tmp/safe/l" -> "../../etc"');
    const left = await dockerIo(['cp', 'web:/tmp/safe', '-'], s.env);
    assert.deepEqual(
      (await listTar(left.stdout)).map((e) => e.name),
      ['safe/'],
    );
    const garbage = await raw(s.env, 'PUT', '/containers/web/archive?path=/tmp/safe', Buffer.alloc(1024, 7));
    assert.equal(garbage.status, 400);
    assert.match(JSON.parse(garbage.body.toString()).message, /^invalid tar archive/);
  });

  test('noOverwriteDirNonDir: a file over a directory is refused', async () => {
    const r = await raw(
      s.env,
      'PUT',
      '/containers/web/archive?path=/tmp&noOverwriteDirNonDir=true',
      await makeTar([{ name: 'tree', body: 'not a dir' }]),
    );
    assert.equal(r.status, 409);
    assert.equal(
      JSON.parse(r.body.toString()).message,
      'cannot overwrite directory "/tmp/tree" with non-directory "tree"',
    );
  });

  test('copy into a created container: in place at start beside the image files, with its mode; not started early', async () => {
    await dockerOk(['create', '--name', 'pre', 'busybox', ...SLEEPER], s.env);
    const conf = join(host, 'app.conf');
    writeFileSync(conf, 'key=value\n');
    chmodSync(conf, 0o600);
    await dockerOk(['cp', conf, 'pre:/etc/app.conf'], s.env);
    const dir = join(host, 'pre-dir');
    mkdirSync(join(dir, 'nested'), { recursive: true });
    writeFileSync(join(dir, 'nested', 'n.txt'), 'n');
    await dockerOk(['cp', dir, 'pre:/opt/data'], s.env);
    const status = await dockerOk(['inspect', '-f', '{{.State.Status}} {{.Path}} {{json .Args}}', 'pre'], s.env);
    assert.equal(status.trim(), `created sh ${JSON.stringify(SLEEPER.slice(1))}`);
    await dockerOk(['start', 'pre'], s.env);
    const etc = await listTar((await dockerIo(['cp', 'pre:/etc', '-'], s.env)).stdout);
    const byName = new Map(etc.map((e) => [e.name, e]));
    assert.equal(byName.get('etc/app.conf')?.body, 'key=value\n');
    assert.equal(byName.get('etc/app.conf')?.mode, 0o600);
    assert.match(byName.get('etc/passwd')?.body ?? '', /^root:/);
    const data = await listTar((await dockerIo(['cp', 'pre:/opt/data/nested/n.txt', '-'], s.env)).stdout);
    assert.equal(data[0].body, 'n');
    // The real command runs as PID 1 (the prologue exec-ed it).
    const inspect = await dockerOk(['inspect', '-f', '{{.State.Status}} {{.Path}}', 'pre'], s.env);
    assert.equal(inspect.trim(), 'running sh');

    // The archives wait in Secrets; they go with the container.
    const secrets = async () =>
      (await s.cluster.kubectl(['get', 'secrets', '-l', 'badidea.dev/copy', '-o', 'name'])).stdout.trim();
    assert.match(await secrets(), /^secret\/badidea-cp-/);
    await dockerOk(['rm', '-f', 'pre'], s.env);
    const deadline = Date.now() + 30_000;
    while ((await secrets()) !== '') {
      assert.ok(Date.now() < deadline, 'the copy Secrets outlived the container');
      await new Promise((r) => setTimeout(r, 250));
    }
  });
});
