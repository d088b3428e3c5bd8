// The archive scripts run here by the local shells (dash as /bin/sh, and busybox sh with busybox's tools when
// present), on a temporary directory, with archives made by tar-guard.ts.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import tar from 'tar-stream';
import { isDirMode, isSymlinkMode, parseStatLines } from './path-stat.ts';
import { EXIT, GET_SCRIPT, PUT_SCRIPT, STAT_SCRIPT } from './scripts.ts';
import { guardArchive } from './tar-guard.ts';

interface Entry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  body?: string;
  linkname?: string;
  mode?: number;
  uid?: number;
}

function archive(entries: Entry[]): Readable {
  const p = tar.pack();
  for (const e of entries) {
    p.entry(
      { name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: e.mode, uid: e.uid ?? 0, gid: 0 },
      e.body ?? '',
    );
  }
  p.finalize();
  return Readable.from(p as AsyncIterable<Buffer>);
}

const busybox = spawnSync('busybox', ['true']).status === 0;
const shells: { name: string; argv: string[] }[] = [{ name: 'sh', argv: ['/bin/sh'] }];
if (busybox) shells.push({ name: 'busybox sh', argv: ['busybox', 'sh'] });

function run(
  shell: string[],
  script: string,
  args: string[],
  stdin?: Readable,
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    // busybox sh finds its applets first (standalone shell) only when told; PATH keeps the host tools otherwise.
    const child = spawn(shell[0], [...shell.slice(1), '-c', script, 'sh', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.stdin.on('error', () => {});
    if (stdin) stdin.pipe(child.stdin);
    else child.stdin.end();
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err }));
  });
}

const roots: string[] = [];
function fresh(): string {
  const d = mkdtempSync(join(tmpdir(), 'badidea-cp-'));
  roots.push(d);
  return d;
}
after(() => {
  for (const d of roots) rmSync(d, { recursive: true, force: true });
});

for (const sh of shells) {
  describe(`archive scripts under ${sh.name}`, () => {
    it('stat: file, directory, symlink (resolved target), missing', async () => {
      const d = fresh();
      writeFileSync(join(d, 'a.txt'), 'hello world');
      mkdirSync(join(d, 'dir'));
      symlinkSync('dir', join(d, 'link'));
      const file = await run(sh.argv, STAT_SCRIPT, [join(d, 'a.txt')]);
      assert.equal(file.code, 0, file.stderr);
      const st = parseStatLines(file.stdout.toString().split('\n'), 'a.txt');
      assert.equal(st.size, 11);
      assert.equal(st.mode, lstatSync(join(d, 'a.txt')).mode & 0o777);
      assert.match(st.mtime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      const dir = await run(sh.argv, STAT_SCRIPT, [join(d, 'dir')]);
      assert.ok(isDirMode(parseStatLines(dir.stdout.toString().split('\n'), 'dir').mode));
      const link = await run(sh.argv, STAT_SCRIPT, [join(d, 'link')]);
      const ls = parseStatLines(link.stdout.toString().split('\n'), 'link');
      assert.ok(isSymlinkMode(ls.mode));
      assert.equal(ls.linkTarget, join(d, 'dir'));
      assert.equal((await run(sh.argv, STAT_SCRIPT, [join(d, 'nope')])).code, EXIT.notFound);
    });

    it('get: the stat block, an empty line, then a tar of <base>', async () => {
      const d = fresh();
      mkdirSync(join(d, 'dir', 'sub'), { recursive: true });
      writeFileSync(join(d, 'dir', 'sub', 'b.txt'), 'b');
      const r = await run(sh.argv, GET_SCRIPT, [join(d, 'dir'), d, 'dir']);
      assert.equal(r.code, 0, r.stderr);
      const end = r.stdout.indexOf('\n\n');
      assert.ok(isDirMode(parseStatLines(r.stdout.subarray(0, end).toString().split('\n'), 'dir').mode));
      const names: string[] = [];
      const ex = tar.extract();
      ex.on('entry', (h, s, next) => {
        names.push(h.name);
        s.resume();
        s.on('end', () => next());
      });
      await new Promise((resolve, reject) => {
        ex.on('finish', () => resolve(undefined));
        ex.on('error', reject);
        ex.end(r.stdout.subarray(end + 2));
      });
      assert.deepEqual(names.sort(), ['dir/', 'dir/sub/', 'dir/sub/b.txt']);
      assert.equal((await run(sh.argv, GET_SCRIPT, [join(d, 'x'), d, 'x'])).code, EXIT.notFound);
    });

    it('put: a new file and a tree land in place; an existing directory is merged; no staging left', async () => {
      const d = fresh();
      mkdirSync(join(d, 'etc'));
      writeFileSync(join(d, 'etc', 'passwd'), 'root');
      const tarball = archive([
        { name: 'app.conf', body: 'x=1', mode: 0o640 },
        { name: 'etc/', type: 'directory' },
        { name: 'etc/extra', body: 'e' },
        { name: 'tree/', type: 'directory', mode: 0o750 },
        { name: 'tree/l', type: 'symlink', linkname: '../app.conf' },
      ]);
      const guarded = guardArchive(tarball, { target: d, commitMarker: '.badidea-commit-n1' });
      const r = await run(sh.argv, PUT_SCRIPT, [d, 'n1', '1', ''], guarded);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(join(d, 'app.conf'), 'utf8'), 'x=1');
      assert.equal(lstatSync(join(d, 'app.conf')).mode & 0o777, 0o640);
      assert.equal(readFileSync(join(d, 'etc', 'passwd'), 'utf8'), 'root');
      assert.equal(readFileSync(join(d, 'etc', 'extra'), 'utf8'), 'e');
      assert.equal(readlinkSync(join(d, 'tree', 'l')), '../app.conf');
      assert.deepEqual(readdirSync(d).sort(), ['app.conf', 'etc', 'tree']);
    });

    it('put: noOverwriteDirNonDir refuses before anything moves', async () => {
      const d = fresh();
      mkdirSync(join(d, 'x'));
      const guarded = guardArchive(archive([{ name: 'new.txt' }, { name: 'x', body: 'file over dir' }]), {
        target: d,
        commitMarker: '.badidea-commit-n2',
      });
      const r = await run(sh.argv, PUT_SCRIPT, [d, 'n2', '1', ''], guarded);
      assert.equal(r.code, EXIT.conflict);
      assert.match(r.stderr, /badidea-error:cannot overwrite directory ".*\/x" with non-directory "x"/);
      assert.deepEqual(readdirSync(d), ['x']);
    });

    it('put: a cut archive (no commit marker) leaves nothing behind', async () => {
      const d = fresh();
      const r = await run(sh.argv, PUT_SCRIPT, [d, 'n3', '1', ''], archive([{ name: 'a', body: 'a' }]));
      assert.equal(r.code, EXIT.incomplete);
      assert.deepEqual(readdirSync(d), []);
    });

    it('put: target missing or not a directory', async () => {
      const d = fresh();
      writeFileSync(join(d, 'f'), '');
      assert.equal((await run(sh.argv, PUT_SCRIPT, [join(d, 'missing'), 'n', '1', ''])).code, EXIT.notFound);
      assert.equal((await run(sh.argv, PUT_SCRIPT, [join(d, 'f'), 'n', '1', ''])).code, EXIT.notDirectory);
    });

    it('put with copyUIDGID: owners become the given uid:gid', { skip: process.getuid?.() !== 0 }, async () => {
      const d = fresh();
      const guarded = guardArchive(archive([{ name: 'o.txt', body: 'o', uid: 0 }]), {
        target: d,
        commitMarker: '.badidea-commit-n4',
      });
      const r = await run(sh.argv, PUT_SCRIPT, [d, 'n4', '1', '1234:4321'], guarded);
      assert.equal(r.code, 0, r.stderr);
      const st = lstatSync(join(d, 'o.txt'));
      assert.deepEqual([st.uid, st.gid], [1234, 4321]);
    });
  });
}
