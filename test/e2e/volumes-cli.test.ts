// Volumes with the real docker CLI against badidea on the (simulated) cluster: volume create/ls/inspect/rm/prune, data
// written by one container and read by the next, :ro, anonymous volumes kept across stop/start and removed by rm -v,
// --tmpfs, and the refused host bind.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { docker } from '../helpers/badidea.ts';
import { type ContainersSetup, dockerOk, setupContainers } from '../helpers/containers.ts';

const T = 180_000;

interface VolumeInspect {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  Scope: string;
  Status?: { PersistentVolumeClaim: string; Phase: string };
  UsageData?: { RefCount: number };
}

describe('volumes with the docker CLI', () => {
  let s: ContainersSetup;
  before(async () => {
    s = await setupContainers();
  });
  after(() => s?.stop());

  test('create, write with one container, read with another; ls, inspect, rm (409 while used), prune', async () => {
    assert.equal(
      (await dockerOk(['volume', 'create', '--label', 'team=a', '-o', 'size=64Mi', 'data1'], s.env)).trim(),
      'data1',
    );
    const [v] = JSON.parse(await dockerOk(['volume', 'inspect', 'data1'], s.env)) as VolumeInspect[];
    assert.equal(v.Name, 'data1');
    assert.equal(v.Driver, 'local');
    assert.equal(v.Scope, 'local');
    assert.deepEqual(v.Labels, { team: 'a' });
    assert.deepEqual(v.Options, { size: '64Mi' });
    assert.match(v.CreatedAt, /^\d{4}-\d\d-\d\dT/);
    assert.equal(v.Status?.PersistentVolumeClaim, 'vol-data1');

    await dockerOk(['run', '--rm', '-v', 'data1:/data', 'busybox', 'sh', '-c', 'echo hello > /data/f'], s.env, T);
    const read = await dockerOk(
      ['run', '--name', 'reader', '-v', 'data1:/data:ro', 'busybox', 'cat', '/data/f'],
      s.env,
      T,
    );
    assert.equal(read.trim(), 'hello');

    // :ro refuses writes.
    const ro = await docker(
      ['run', '--rm', '-v', 'data1:/data:ro', 'busybox', 'sh', '-c', 'echo x > /data/g'],
      s.env,
      T,
    );
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /Read-only file system/);

    // ls and its filters.
    assert.match(await dockerOk(['volume', 'ls', '-q'], s.env), /^data1$/m);
    assert.equal((await dockerOk(['volume', 'ls', '-q', '--filter', 'label=team=a'], s.env)).trim(), 'data1');
    assert.equal(
      (await dockerOk(['volume', 'ls', '-q', '--filter', 'dangling=true', '--filter', 'name=data1'], s.env)).trim(),
      '',
    );

    // In use by the (exited) reader: 409 with Docker's message.
    const id = (await dockerOk(['inspect', '-f', '{{.Id}}', 'reader'], s.env)).trim();
    const rm = await docker(['volume', 'rm', 'data1'], s.env);
    assert.equal(rm.code, 1);
    assert.equal(rm.stderr.trim(), `Error response from daemon: remove data1: volume is in use - [${id}]`);
    const mounts = JSON.parse(await dockerOk(['inspect', '-f', '{{json .Mounts}}', 'reader'], s.env));
    assert.deepEqual(mounts, [
      {
        Type: 'volume',
        Name: 'data1',
        Source: '',
        Destination: '/data',
        Driver: 'local',
        Mode: 'ro',
        RW: false,
        Propagation: '',
      },
    ]);

    await dockerOk(['rm', 'reader'], s.env);
    assert.equal(
      (await dockerOk(['volume', 'ls', '-q', '--filter', 'dangling=true', '--filter', 'name=data1'], s.env)).trim(),
      'data1',
    );
    assert.equal((await dockerOk(['volume', 'rm', 'data1'], s.env)).trim(), 'data1');
    const gone = await docker(['volume', 'inspect', 'data1'], s.env);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /no such volume/);

    // Prune: unused named volumes need --all (API ≥ 1.42).
    await dockerOk(['volume', 'create', 'prune-me'], s.env);
    assert.doesNotMatch(await dockerOk(['volume', 'prune', '-f'], s.env), /prune-me/);
    assert.match(await dockerOk(['volume', 'prune', '-f', '--all'], s.env), /prune-me/);
  });

  test('an implicit named volume, anonymous volumes across stop/start, rm -v; --tmpfs', async () => {
    // `-v name:/path` creates the volume as dockerd does; Config.Volumes (-v /path) gets an anonymous one.
    await dockerOk(
      [
        'run',
        '-d',
        '--name',
        'anon',
        '-v',
        'implicit1:/named',
        '-v',
        '/scratch',
        '--tmpfs',
        '/t:size=1m',
        'busybox',
        'sh',
        '-c',
        'echo kept >> /scratch/f; grep tmpfs /proc/mounts | grep -c " /t "; sleep 3600',
      ],
      s.env,
      T,
    );
    assert.match(await dockerOk(['volume', 'ls', '-q'], s.env), /^implicit1$/m);
    const mounts = JSON.parse(await dockerOk(['inspect', '-f', '{{json .Mounts}}', 'anon'], s.env)) as {
      Type: string;
      Name: string;
      Destination: string;
    }[];
    const anon = mounts.find((m) => m.Destination === '/scratch');
    assert.ok(anon);
    assert.equal(anon.Type, 'volume');
    assert.match(anon.Name, /^[0-9a-f]{64}$/);
    assert.equal(
      mounts.find((m) => m.Destination === '/t'),
      undefined,
      'Docker leaves --tmpfs out of Mounts',
    );
    const [av] = JSON.parse(await dockerOk(['volume', 'inspect', anon.Name], s.env)) as VolumeInspect[];
    assert.deepEqual(av.Labels, { 'com.docker.volume.anonymous': '' });

    await dockerOk(['stop', '-t', '0', 'anon'], s.env, T);
    await dockerOk(['start', 'anon'], s.env, T);
    const content = await dockerOk(['exec', 'anon', 'cat', '/scratch/f'], s.env, T);
    assert.equal(content, 'kept\nkept\n');
    assert.match(await dockerOk(['logs', 'anon'], s.env), /^1$/m);

    await dockerOk(['rm', '-f', '-v', 'anon'], s.env, T);
    const vols = await dockerOk(['volume', 'ls', '-q'], s.env);
    assert.doesNotMatch(vols, new RegExp(anon.Name));
    assert.match(vols, /^implicit1$/m, 'rm -v keeps named volumes');
    await dockerOk(['volume', 'rm', 'implicit1'], s.env);

    // Without -v the anonymous volume stays, dangling.
    await dockerOk(['create', '--name', 'anon2', '-v', '/keep', 'busybox', 'true'], s.env, T);
    const name2 = (await dockerOk(['inspect', '-f', '{{(index .Mounts 0).Name}}', 'anon2'], s.env)).trim();
    await dockerOk(['rm', 'anon2'], s.env);
    assert.match(await dockerOk(['volume', 'ls', '-q', '--filter', 'dangling=true'], s.env), new RegExp(name2));
    assert.match(await dockerOk(['volume', 'prune', '-f'], s.env), new RegExp(name2));
  });

  test('refusals: host bind, unknown option, bad name, missing volume', async () => {
    const bind = await docker(['run', '--rm', '-v', '/tmp:/host', 'busybox', 'true'], s.env);
    assert.equal(bind.code, 125);
    assert.match(
      bind.stderr,
      /bind mount of host path "\/tmp" is not possible: .*use a named volume \(-v NAME:\/host\) and docker cp/,
    );
    const opt = await docker(['volume', 'create', '-o', 'foo=bar', 'x1'], s.env);
    assert.equal(opt.code, 1);
    assert.match(opt.stderr, /create x1: invalid option: "foo"/);
    const cls = await docker(['volume', 'create', '-o', 'storageclass=nope', 'x2'], s.env);
    assert.equal(cls.code, 1);
    assert.match(cls.stderr, /StorageClass "nope" does not exist/);
    assert.doesNotMatch(await dockerOk(['volume', 'ls', '-q'], s.env), /^x[12]$/m, 'bad input leaves nothing behind');
    const rm = await docker(['volume', 'rm', 'nosuch'], s.env);
    assert.equal(rm.stderr.trim(), 'Error response from daemon: get nosuch: no such volume');
    assert.equal((await docker(['volume', 'rm', '-f', 'nosuch'], s.env)).code, 0);
  });
});
