import assert from 'node:assert/strict';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import tar from 'tar-stream';
import { archiveSource, containerPath, extractDir } from './archive-paths.ts';
import { goFileMode, parseStatLines, statName } from './path-stat.ts';
import { ArchiveRejected, cleanEntryName, guardArchive } from './tar-guard.ts';

type E = {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  linkname?: string;
  body?: string;
  uid?: number;
};

function source(entries: E[]): Readable {
  const p = tar.pack();
  for (const e of entries)
    p.entry(
      { name: e.name, type: e.type ?? 'file', linkname: e.linkname, uid: e.uid ?? 7, uname: 'someone' },
      e.body ?? '',
    );
  p.finalize();
  return Readable.from(p as AsyncIterable<Buffer>);
}

async function entries(r: Readable): Promise<{ name: string; linkname: string; uid: number; uname: string }[]> {
  const out: { name: string; linkname: string; uid: number; uname: string }[] = [];
  const ex = tar.extract();
  ex.on('entry', (h, s, next) => {
    out.push({ name: h.name, linkname: h.linkname ?? '', uid: h.uid, uname: h.uname });
    s.resume();
    s.on('end', () => next());
  });
  await pipeline(r, ex as unknown as Writable);
  return out;
}

describe('tar guard', () => {
  it('cleans names the way moby joins them to the target', () => {
    assert.equal(cleanEntryName('/etc/x'), 'etc/x');
    assert.equal(cleanEntryName('a/../b'), 'b');
    assert.equal(cleanEntryName('./'), '.');
    assert.equal(cleanEntryName('../x'), undefined);
    assert.equal(cleanEntryName('a/../../x'), undefined);
  });

  it('re-packs valid entries with numeric owners, then the commit marker', async () => {
    const out = await entries(
      guardArchive(
        source([
          { name: '/abs.txt' },
          { name: 'd', type: 'directory' },
          { name: 'd/l', type: 'symlink', linkname: '/etc/passwd' },
          { name: 'h', type: 'link', linkname: 'abs.txt' },
        ]),
        {
          target: '/tmp',
          commitMarker: '.badidea-commit-x',
        },
      ),
    );
    assert.deepEqual(
      out.map((e) => [e.name, e.linkname, e.uid, e.uname]),
      [
        ['abs.txt', '', 7, ''],
        ['d/', '', 7, ''],
        ['d/l', '/etc/passwd', 7, ''],
        ['h', 'abs.txt', 7, ''],
        ['.badidea-commit-x', '', 0, ''],
      ],
    );
  });

  it('rebases for a copy before start (dropping the root entry) and overrides owners', async () => {
    const out = await entries(
      guardArchive(
        source([
          { name: '.', type: 'directory' },
          { name: 'app.conf' },
          { name: 'hl', type: 'link', linkname: 'app.conf' },
        ]),
        {
          target: '/etc',
          rebase: 'etc/',
          owner: { uid: 1000, gid: 1000 },
        },
      ),
    );
    assert.deepEqual(
      out.map((e) => [e.name, e.linkname, e.uid]),
      [
        ['etc/app.conf', '', 1000],
        ['etc/hl', 'etc/app.conf', 1000],
      ],
    );
  });

  for (const [what, list, message] of [
    ['a name outside', [{ name: 'ok' }, { name: '../evil' }], '"../evil" is outside of "/tmp"'],
    [
      'a hard link outside',
      [{ name: 'h', type: 'link', linkname: '../../etc/shadow' }],
      'invalid hardlink "h" -> "../../etc/shadow"',
    ],
    [
      'a symlink outside',
      [{ name: 'a/l', type: 'symlink', linkname: '../../x' }],
      'invalid symlink "/tmp/a/l" -> "../../x"',
    ],
  ] as [string, E[], string][]) {
    it(`refuses ${what}, and the marker never follows`, async () => {
      const got: string[] = [];
      const guarded = guardArchive(source(list), { target: '/tmp', commitMarker: '.m' });
      guarded.on('data', (d: Buffer) => got.push(d.toString('latin1')));
      const err = await new Promise<Error>((resolve) => guarded.on('error', resolve));
      assert.ok(err instanceof ArchiveRejected);
      assert.equal(err.message, message);
      assert.ok(!got.join('').includes('.m\0'));
    });
  }

  it('a stream that is not a tar archive is a 400', async () => {
    const guarded = guardArchive(Readable.from([Buffer.alloc(1024, 7)]), { target: '/tmp' });
    guarded.resume();
    const err = await new Promise<Error & { kind?: string }>((resolve) => guarded.on('error', resolve));
    assert.equal(err.kind, 'InvalidParameter');
    assert.match(err.message, /^invalid tar archive/);
  });
});

describe('archive paths and stat', () => {
  it('paths as moby takes them', () => {
    assert.equal(containerPath('tmp/../etc/'), '/etc/');
    assert.equal(containerPath('/tmp/dir/.'), '/tmp/dir/.');
    assert.throws(() => containerPath(''), /bad parameter: path cannot be empty/);
    assert.deepEqual(archiveSource('/tmp/a.txt'), { dir: '/tmp', base: 'a.txt' });
    assert.deepEqual(archiveSource('/tmp/dir/'), { dir: '/tmp', base: 'dir' });
    assert.deepEqual(archiveSource('/tmp/dir/.'), { dir: '/tmp/dir', base: '.' });
    assert.deepEqual(archiveSource('/etc'), { dir: '/', base: 'etc' });
    assert.deepEqual(archiveSource('/'), { dir: '/', base: '.' });
    assert.equal(extractDir('/tmp/'), '/tmp');
    assert.equal(extractDir('/'), '/');
    assert.equal(statName('/tmp/dir/.'), '.');
    assert.equal(statName('/tmp/dir/'), 'dir');
  });

  it('Go FileMode bits and the stat lines', () => {
    assert.equal(goFileMode(0o040755), 2147484141); // the captured directory
    assert.equal(goFileMode(0o100644), 420);
    assert.equal(goFileMode(0o041777), 2 ** 31 + 2 ** 20 + 0o777);
    assert.equal(goFileMode(0o020666), 2 ** 26 + 2 ** 21 + 0o666);
    const st = parseStatLines(['S 81a4 11 1795884966 2026-11-28 16:56:06.000000000 +0000'], 'a.txt');
    assert.deepEqual(st, { name: 'a.txt', size: 11, mode: 420, mtime: '2026-11-28T16:56:06Z', linkTarget: '' });
    const dir = parseStatLines(['S 41ed 4096 1795884971 2026-11-28 16:56:11.853681469 +0000'], 'dir');
    assert.equal(dir.mtime, '2026-11-28T16:56:11.853681469Z');
    const link = parseStatLines(['P lrwxrwxrwx 0', 'L /bin/busybox'], 'sh');
    assert.deepEqual([link.mode, link.linkTarget], [2 ** 27 + 0o777, '/bin/busybox']);
    assert.equal(parseStatLines(['P drwxr-sr-t 0'], 'd').mode, 2 ** 31 + 2 ** 22 + 2 ** 20 + 0o755);
  });
});
