// The container lifecycle with the real docker CLI against badidea on the (simulated) cluster: run -d, ps, inspect,
// stop, start, restart, kill, rm, rename, prune, create+start; the 404/409/304 answers with Docker's messages;
// and a few refused create fields.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { docker } from '../helpers/badidea.ts';
import { type ContainersSetup, dockerOk, setupContainers } from '../helpers/containers.ts';

// Exits 0 soon after SIGTERM (the trap runs once the current `sleep 1` ends), so stop needs no SIGKILL.
const POLITE = ['sh', '-c', 'trap "echo bye; exit 0" TERM; echo hello; while true; do sleep 1; done'];

interface Inspect {
  Id: string;
  Name: string;
  RestartCount: number;
  State: { Status: string; Running: boolean; ExitCode: number; StartedAt: string; FinishedAt: string };
  Config: { Image: string; Cmd: string[]; Labels: Record<string, string>; Hostname: string };
  HostConfig: { RestartPolicy: { Name: string } };
  NetworkSettings: { IPAddress: string; Networks: Record<string, { IPAddress: string }>; Ports: object };
}

async function inspect(s: ContainersSetup, ref: string): Promise<Inspect> {
  return (JSON.parse(await dockerOk(['inspect', ref], s.env)) as Inspect[])[0];
}

describe('container lifecycle with the docker CLI', () => {
  let s: ContainersSetup;
  before(async () => {
    s = await setupContainers();
  });
  after(() => s?.stop());

  test('run -d, ps, inspect, stop (logs stay), start, restart, kill, rm', async () => {
    const id = (
      await dockerOk(['run', '-d', '--name', 'web', '--label', 'app=demo', 'busybox', ...POLITE], s.env)
    ).trim();
    assert.match(id, /^[0-9a-f]{64}$/);

    const ps = await dockerOk(['ps', '--format', '{{.ID}} {{.Names}} {{.Status}} {{.Image}}'], s.env);
    assert.match(ps, new RegExp(`^${id.slice(0, 12)} web Up (Less than a second|\\d+ seconds?) busybox$`, 'm'));

    let info = await inspect(s, 'web');
    assert.equal(info.Id, id);
    assert.equal(info.Name, '/web');
    assert.equal(info.State.Status, 'running');
    assert.equal(info.State.Running, true);
    assert.equal(info.Config.Labels.app, 'demo');
    assert.equal(info.Config.Hostname, id.slice(0, 12));
    assert.match(info.NetworkSettings.IPAddress, /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(info.NetworkSettings.Networks.bridge.IPAddress, info.NetworkSettings.IPAddress);
    const firstStart = info.State.StartedAt;

    // Prefix and name lookups.
    assert.equal((await inspect(s, id.slice(0, 5))).Id, id);

    // stop waits for the exit and keeps the exit code; the logs of the run stay readable.
    assert.equal((await dockerOk(['stop', 'web'], s.env)).trim(), 'web');
    info = await inspect(s, 'web');
    assert.equal(info.State.Status, 'exited');
    assert.equal(info.State.ExitCode, 0);
    assert.notEqual(info.State.FinishedAt, '0001-01-01T00:00:00Z');
    const logs = await docker(['logs', 'web'], s.env);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /hello/);
    assert.match(
      await dockerOk(['ps', '-a', '--filter', 'name=web', '--format', '{{.Status}}'], s.env),
      /^Exited \(0\) (Less than a second|\d+ seconds?) ago$/m,
    );
    // Stopping a stopped container: 304, the CLI prints the name and succeeds.
    assert.equal((await dockerOk(['stop', 'web'], s.env)).trim(), 'web');
    // kill of a stopped container: 409.
    const k = await docker(['kill', 'web'], s.env);
    assert.equal(k.code, 1);
    assert.equal(
      k.stderr.trim(),
      `Error response from daemon: Cannot kill container: web: Container ${id} is not running`,
    );

    // start again: same ID, a new run.
    assert.equal((await dockerOk(['start', 'web'], s.env)).trim(), 'web');
    info = await inspect(s, 'web');
    assert.equal(info.Id, id);
    assert.equal(info.State.Status, 'running');
    assert.notEqual(info.State.StartedAt, firstStart);
    // start of a running container: 304, success.
    assert.equal((await dockerOk(['start', 'web'], s.env)).trim(), 'web');

    // restart keeps the ID and name.
    const beforeRestart = info.State.StartedAt;
    assert.equal((await dockerOk(['restart', 'web'], s.env)).trim(), 'web');
    info = await inspect(s, 'web');
    assert.equal(info.Id, id);
    assert.equal(info.State.Running, true);
    assert.notEqual(info.State.StartedAt, beforeRestart);

    // rm of a running container: 409; kill: 137; docker wait prints it.
    const rm = await docker(['rm', 'web'], s.env);
    assert.equal(rm.code, 1);
    assert.equal(
      rm.stderr.trim(),
      `Error response from daemon: You cannot remove a running container ${id}. Stop the container before attempting removal or force remove`,
    );
    assert.equal((await dockerOk(['kill', 'web'], s.env)).trim(), 'web');
    assert.equal((await dockerOk(['wait', 'web'], s.env)).trim(), '137');
    info = await inspect(s, 'web');
    assert.equal(info.State.Status, 'exited');
    assert.equal(info.State.ExitCode, 137);

    assert.equal((await dockerOk(['rm', 'web'], s.env)).trim(), 'web');
    const gone = await docker(['inspect', 'web'], s.env);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /No such object: web/);
    assert.equal((await dockerOk(['ps', '-aq', '--filter', `id=${id}`], s.env)).trim(), '');
  });

  test('create then start; docker wait returns the exit code; rm -f', async () => {
    const id = (await dockerOk(['create', '--name', 'three', 'busybox', 'sh', '-c', 'exit 3'], s.env)).trim();
    assert.match(
      await dockerOk(['ps', '-a', '--filter', 'name=three', '--format', '{{.Status}}|{{.State}}'], s.env),
      /^Created\|created$/m,
    );
    // not-running returns at once for a created container, with 0.
    assert.equal((await dockerOk(['wait', 'three'], s.env)).trim(), '0');
    assert.equal((await dockerOk(['start', 'three'], s.env)).trim(), 'three');
    assert.equal((await dockerOk(['wait', id], s.env)).trim(), '3');
    const info = await inspect(s, 'three');
    assert.equal(info.State.ExitCode, 3);
    assert.match(await dockerOk(['ps', '-a', '--filter', 'exited=3', '--format', '{{.Names}}'], s.env), /^three$/m);
    await dockerOk(['rm', '-f', 'three'], s.env);

    const sleeper = (await dockerOk(['run', '-d', 'busybox', 'sleep', '300'], s.env)).trim();
    const name = (await inspect(s, sleeper)).Name.slice(1);
    assert.match(name, /^[a-z]+_[a-z]+\d*$/, 'a generated Docker-style name');
    assert.equal((await dockerOk(['rm', '-f', sleeper], s.env)).trim(), sleeper);
    assert.equal((await docker(['inspect', sleeper], s.env)).code, 1);
  });

  test("names: 409 on create and rename with Docker's messages; rename keeps the ID", async () => {
    const a = (await dockerOk(['create', '--name', 'alpha', 'busybox', 'true'], s.env)).trim();
    const dup = await docker(['create', '--name', 'alpha', 'busybox', 'true'], s.env);
    assert.equal(dup.code, 1);
    assert.match(
      dup.stderr,
      new RegExp(
        `Error response from daemon: Conflict. The container name "/alpha" is already in use by container "${a}". You have to remove \\(or rename\\) that container to be able to reuse that name.`,
      ),
    );
    const b = (await dockerOk(['create', '--name', 'beta', 'busybox', 'true'], s.env)).trim();
    const clash = await docker(['rename', 'beta', 'alpha'], s.env);
    assert.equal(clash.code, 1);
    assert.equal(
      clash.stderr.split('\n')[0],
      `Error response from daemon: Error when allocating new name: Conflict. The container name "/alpha" is already in use by container "${a}". You have to remove (or rename) that container to be able to reuse that name.`,
    );
    await dockerOk(['rename', 'beta', 'gamma'], s.env);
    assert.equal((await inspect(s, 'gamma')).Id, b);
    assert.equal((await docker(['inspect', '--type', 'container', 'beta'], s.env)).code, 1);
    // The new name is free to use again by another container at once.
    const again = (await dockerOk(['create', '--name', 'beta', 'busybox', 'true'], s.env)).trim();
    assert.notEqual(again, b);
    await dockerOk(['rm', 'alpha', 'beta', 'gamma'], s.env);
  });

  test('404s and the prune of stopped containers (label filter)', async () => {
    for (const args of [
      ['stop', 'nosuch'],
      ['start', 'nosuch'],
      ['rm', 'nosuch'],
      ['kill', 'nosuch'],
      ['wait', 'nosuch'],
    ]) {
      const r = await docker(args, s.env);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(
        r.stderr,
        /Error response from daemon: (Cannot kill container: nosuch: )?No such container: nosuch/,
        args.join(' '),
      );
    }
    const keep = (await dockerOk(['create', '--label', 'keep=1', 'busybox', 'true'], s.env)).trim();
    const drop = (await dockerOk(['create', '--label', 'drop=1', 'busybox', 'true'], s.env)).trim();
    const running = (await dockerOk(['run', '-d', '--label', 'drop=1', 'busybox', 'sleep', '300'], s.env)).trim();
    const out = await dockerOk(['container', 'prune', '-f', '--filter', 'label=drop'], s.env);
    assert.match(out, new RegExp(drop));
    assert.doesNotMatch(out, new RegExp(keep));
    assert.doesNotMatch(out, new RegExp(running));
    const left = await dockerOk(['ps', '-aq', '--no-trunc'], s.env);
    assert.match(left, new RegExp(keep));
    assert.match(left, new RegExp(running));
    assert.doesNotMatch(left, new RegExp(drop));
    await dockerOk(['rm', '-f', keep, running], s.env);
  });

  test('ps filters, limits and formats', async () => {
    const a = (
      await dockerOk(['run', '-d', '--name', 'pa', '--label', 'tier=web', 'busybox', 'sleep', '300'], s.env)
    ).trim();
    const b = (await dockerOk(['create', '--name', 'pb', '--label', 'tier=db', 'busybox', 'true'], s.env)).trim();
    const names = async (args: string[]) =>
      (await dockerOk(['ps', ...args, '--format', '{{.Names}}'], s.env)).trim().split('\n').filter(Boolean);
    assert.deepEqual(await names([]), ['pa']);
    assert.deepEqual((await names(['-a'])).sort(), ['pa', 'pb']);
    assert.deepEqual(await names(['-a', '--filter', 'label=tier=db']), ['pb']);
    assert.deepEqual(await names(['-a', '--filter', 'status=created']), ['pb']);
    assert.deepEqual(await names(['--filter', 'status=running']), ['pa']);
    assert.deepEqual(await names(['-a', '--filter', 'ancestor=busybox']).then((n) => n.sort()), ['pa', 'pb']);
    assert.deepEqual(await names(['-l']), ['pb']);
    assert.deepEqual(await names(['-n', '1']), ['pb']);
    assert.deepEqual(await names(['-a', '--filter', `id=${a.slice(0, 10)}`]), ['pa']);
    const bad = await docker(['ps', '--filter', 'status=sleepy'], s.env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid filter 'status=sleepy'/);
    await dockerOk(['rm', '-f', a, b], s.env);
  });

  test('refused fields say why and what to do instead', async () => {
    for (const [flags, pattern] of [
      [['--privileged'], /privileged/i],
      [['--network', 'host'], /host/i],
      [['-v', '/etc:/x'], /host path|bind/i],
    ] as const) {
      const r = await docker(['run', '--rm', ...flags, 'busybox', 'true'], s.env);
      assert.equal(r.code, 125, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^docker: Error response from daemon: /m);
      assert.match(r.stderr, pattern);
    }
    // Nothing was left behind.
    assert.equal((await dockerOk(['ps', '-aq'], s.env)).trim(), '');
  });

  test('pause, update and export are refused with what to do instead', async () => {
    const id = (await dockerOk(['run', '-d', 'busybox', 'sleep', '300'], s.env)).trim();
    const p = await docker(['pause', id], s.env);
    assert.equal(p.code, 1);
    assert.match(p.stderr, /cannot pause container .*docker stop/);
    const u = await docker(['update', '--memory', '64m', id], s.env);
    assert.equal(u.code, 1);
    assert.match(u.stderr, /docker update cannot change Memory/);
    const e = await docker(['export', '-o', `/tmp/badidea-export-${id}.tar`, id], s.env);
    assert.equal(e.code, 1);
    assert.match(e.stderr, /docker cp/);
    await dockerOk(['rm', '-f', id], s.env);
  });

  test('docker events: live stream and replay with since/until and filters', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 1);
    const fmt = '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{index .Actor.Attributes "exitCode"}}';
    // A live stream, ended by --until in the future.
    const until = String(Math.floor(Date.now() / 1000) + 40);
    const live = docker(['events', '--filter', 'container=evt', '--format', fmt, '--until', until], s.env, 60_000);
    await dockerOk(['run', '-d', '--name', 'evt', 'busybox', 'sleep', '300'], s.env, 120_000);
    await dockerOk(['stop', '-t', '1', 'evt'], s.env);
    await dockerOk(['rm', 'evt'], s.env);
    const replay = await dockerOk(
      [
        'events',
        '--since',
        since,
        '--until',
        String(Math.floor(Date.now() / 1000) + 1),
        '--filter',
        'container=evt',
        '--format',
        fmt,
      ],
      s.env,
    );
    const actions = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((l) => l.trim());
    assert.deepEqual(actions(replay), [
      'container create evt',
      'container start evt',
      'container kill evt',
      'container die evt 137',
      'container stop evt',
      'container destroy evt',
    ]);
    const streamed = await live;
    assert.equal(streamed.code, 0, streamed.stderr);
    assert.deepEqual(actions(streamed.stdout), actions(replay));
    const bad = await docker(['events', '--filter', 'nope=1', '--until', since], s.env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid filter 'nope'/);
  });

  test('docker kill -s HUP reaches the process (exec kill -1 1); the container keeps running', async () => {
    const script = 'trap "echo got-hup" HUP; echo ready; while true; do sleep 1; done';
    await dockerOk(['run', '-d', '--name', 'hup', 'busybox', 'sh', '-c', script], s.env, 120_000);
    assert.equal((await dockerOk(['kill', '-s', 'HUP', 'hup'], s.env)).trim(), 'hup');
    let logs = '';
    for (let i = 0; i < 50 && !logs.includes('got-hup'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      logs = (await docker(['logs', 'hup'], s.env)).stdout;
    }
    assert.match(logs, /got-hup/);
    assert.match(await dockerOk(['inspect', '--format', '{{.State.Status}}', 'hup'], s.env), /^running$/m);
    await dockerOk(['rm', '-f', 'hup'], s.env);
  });
});
