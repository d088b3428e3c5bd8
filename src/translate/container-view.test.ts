import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspectContainer } from './container-inspect.ts';
import { containerState } from './container-state.ts';
import { commandText, listEntryFor, summarizeContainer } from './container-summary.ts';
import { validateCreateRequest } from './create-request.ts';
import type { Pod } from './kube-types.ts';
import { newContainer } from './new-container.ts';
import { listContainers, normaliseReference, parseFilters } from './ps-filters.ts';
import type { ContainerRecord } from './record.ts';
import { TranslationError } from './translation-error.ts';

const now = Date.parse('2026-11-28T17:00:00Z');

function container(
  name: string,
  id: string,
  created: string,
  body: Record<string, unknown>,
  run?: 'running' | 'exited',
) {
  const c = newContainer({
    id,
    name,
    created,
    request: validateCreateRequest({ Image: 'busybox:local', ...body }, { name }),
    image: {
      id: 'sha256:7ba60629dcff81f332f579727765f49c214ab0cbb42456f739414509e0ff2fdc',
      ref: 'busybox',
      config: {},
    },
    pod: { claimNameFor: (v) => v },
  });
  let pod: Pod = c.pod;
  if (run) {
    pod = {
      ...pod,
      spec: { ...pod.spec, schedulingGates: [] },
      status: {
        phase: run === 'running' ? 'Running' : 'Succeeded',
        podIP: '10.1.0.7',
        containerStatuses: [
          {
            name: 'main',
            ready: true,
            restartCount: 0,
            state:
              run === 'running'
                ? { running: { startedAt: '2026-11-28T16:59:58Z' } }
                : {
                    terminated: { exitCode: 0, startedAt: '2026-11-28T16:59:00Z', finishedAt: '2026-11-28T16:59:57Z' },
                  },
          },
        ],
      },
    };
  }
  return { record: c.record, pod, state: containerState({ pod, record: c.record, now }) };
}

const webId = `e146957109a6${'6'.repeat(52)}`;
const web = container(
  'web',
  webId,
  '2026-11-28T16:54:39.618Z',
  {
    Cmd: ['httpd', '-f', '-p', '80'],
    ExposedPorts: { '80/tcp': {} },
    Labels: { app: 'demo' },
    HostConfig: {
      NetworkMode: 'default',
      PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
      Binds: ['data:/data'],
    },
  },
  'running',
);
const ctx = {
  now,
  podIp: '10.1.0.7',
  publishedPorts: {
    '80/tcp': [
      { HostIp: '0.0.0.0', HostPort: '8080' },
      { HostIp: '::', HostPort: '8080' },
    ],
  },
  networkIds: { bridge: 'b'.repeat(64) },
};

describe('inspectContainer', () => {
  it('has the full shape, with objects where clients read them', () => {
    const i = inspectContainer({ record: web.record, state: web.state, ctx });
    assert.equal(i.Id, webId);
    assert.equal(i.Name, '/web');
    assert.equal(i.Created, '2026-11-28T16:54:39.618Z');
    assert.equal(i.Path, 'httpd');
    assert.deepEqual(i.Args, ['-f', '-p', '80']);
    assert.equal(i.Image, 'sha256:7ba60629dcff81f332f579727765f49c214ab0cbb42456f739414509e0ff2fdc');
    assert.equal(i.State.Status, 'running');
    assert.equal(i.State.Running, true);
    assert.equal(i.RestartCount, 0);
    assert.equal(i.Driver, 'overlay2');
    assert.equal(i.Platform, 'linux');
    assert.equal(i.LogPath, '');
    assert.equal(i.ExecIDs, null);
    assert.equal(i.Config.Hostname, webId.slice(0, 12));
    assert.equal(i.Config.Tty, false);
    assert.deepEqual(i.Config.Labels, { app: 'demo' });
    assert.deepEqual(i.Config.Cmd, ['httpd', '-f', '-p', '80']);
    assert.equal(i.Config.Image, 'busybox:local');
    assert.equal(i.HostConfig.NetworkMode, 'default');
    assert.deepEqual(i.HostConfig.LogConfig, { Type: 'json-file', Config: {} });
    assert.deepEqual(i.HostConfig.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });
    assert.equal(i.HostConfig.ShmSize, 67108864);
    assert.equal(i.HostConfig.AutoRemove, false);
    assert.equal(i.NetworkSettings.IPAddress, '10.1.0.7');
    assert.deepEqual(i.NetworkSettings.Ports, ctx.publishedPorts);
    assert.equal(i.NetworkSettings.Networks.bridge.IPAddress, '10.1.0.7');
    assert.equal(i.NetworkSettings.Networks.bridge.NetworkID, 'b'.repeat(64));
    assert.deepEqual(i.Mounts, [
      {
        Type: 'volume',
        Name: 'data',
        Source: '',
        Destination: '/data',
        Driver: 'local',
        Mode: '',
        RW: true,
        Propagation: '',
      },
    ]);
  });

  it('a created container has empty ports and no IP, but every object', () => {
    const c = container('c1', `aaaa${'1'.repeat(60)}`, '2026-11-28T16:00:00Z', {
      Cmd: ['true'],
      ExposedPorts: { '80/tcp': {} },
    });
    const i = inspectContainer({ record: c.record, state: c.state, ctx: { now } });
    assert.equal(i.State.Status, 'created');
    assert.deepEqual(i.NetworkSettings.Ports, {});
    assert.equal(i.NetworkSettings.IPAddress, '');
    assert.deepEqual(Object.keys(i.NetworkSettings.Networks), ['bridge']);
    assert.deepEqual(i.Mounts, []);
  });

  it('unpublished exposed ports are null; custom networks carry aliases', () => {
    const c = container(
      'db',
      `bbbb${'1'.repeat(60)}`,
      '2026-11-28T16:00:00Z',
      {
        Cmd: ['x'],
        ExposedPorts: { '5432/tcp': {} },
        HostConfig: { NetworkMode: 'proj_default' },
        NetworkingConfig: { EndpointsConfig: { proj_default: { Aliases: ['db'] } } },
      },
      'running',
    );
    const i = inspectContainer({ record: c.record, state: c.state, ctx: { now, podIp: '10.0.0.9' } });
    assert.deepEqual(i.NetworkSettings.Ports, { '5432/tcp': null });
    assert.deepEqual(Object.keys(i.NetworkSettings.Networks), ['proj_default']);
    assert.deepEqual(i.NetworkSettings.Networks.proj_default.Aliases, ['db']);
  });
});

describe('summarizeContainer', () => {
  it('matches the captured docker ps row', () => {
    const s = summarizeContainer(web.record, web.state, ctx);
    assert.deepEqual(
      { ...s, NetworkSettings: undefined, Mounts: undefined },
      {
        Id: webId,
        Names: ['/web'],
        Image: 'busybox:local',
        ImageID: 'sha256:7ba60629dcff81f332f579727765f49c214ab0cbb42456f739414509e0ff2fdc',
        Command: 'httpd -f -p 80',
        Created: 1795884879,
        Ports: [
          { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
          { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        ],
        Labels: { app: 'demo' },
        State: 'running',
        Status: 'Up 2 seconds',
        HostConfig: { NetworkMode: 'default' },
        NetworkSettings: undefined,
        Mounts: undefined,
        Health: { Status: 'none', FailingStreak: 0 },
      },
    );
  });

  it('exited and created rows', () => {
    const e = container('exited0', `cccc${'1'.repeat(60)}`, '2026-11-28T16:59:00Z', { Cmd: ['true'] }, 'exited');
    const row = summarizeContainer(e.record, e.state, { now });
    assert.equal(row.Status, 'Exited (0) 3 seconds ago');
    assert.deepEqual(row.Ports, []);
    const c = container('cc', `dddd${'1'.repeat(60)}`, '2026-11-28T16:59:00Z', { Cmd: ['sh', '-c', 'echo a b'] });
    const created = summarizeContainer(c.record, c.state, { now });
    assert.equal(created.Status, 'Created');
    assert.equal(created.Command, "sh -c 'echo a b'");
    assert.equal(commandText('x', []), 'x');
  });
});

describe('ps filters', () => {
  const exited1 = container(
    'job',
    `dd2f${'2'.repeat(60)}`,
    '2026-11-28T16:55:00Z',
    { Cmd: ['false'], Labels: { tier: 'batch' } },
    'exited',
  );
  exited1.state = { ...exited1.state, exitCode: 1 };
  const created = container('fresh', `086b${'3'.repeat(60)}`, '2026-11-28T16:56:00Z', { Cmd: ['true'] });
  const all = [web, exited1, created].map((c) => listEntryFor(c.record, c.state, ctx));
  const names = (filters: string, q: { all?: boolean; limit?: number } = {}) =>
    listContainers(all, { all: q.all ?? false, limit: q.limit ?? 0, filters: parseFilters(filters) }).map(
      (e) => e.name,
    );

  it('parses both encodings', () => {
    assert.deepEqual([...parseFilters('{"status":["running"]}')], [['status', ['running']]]);
    assert.deepEqual([...parseFilters('{"status":{"running":true}}')], [['status', ['running']]]);
    assert.deepEqual([...parseFilters('')], []);
    assert.throws(() => parseFilters('{bad'), TranslationError);
    assert.throws(() => parseFilters('{"a":1}'), TranslationError);
  });

  it('all, limit and order (newest first)', () => {
    assert.deepEqual(names(''), ['web']);
    assert.deepEqual(names('', { all: true }), ['fresh', 'job', 'web']);
    assert.deepEqual(names('', { limit: 2 }), ['fresh', 'job']);
  });

  it('status implies all; id, name (regex, with or without /), label, exited', () => {
    assert.deepEqual(names('{"status":{"exited":true}}'), ['job']);
    assert.deepEqual(names('{"status":["created","running"]}'), ['fresh', 'web']);
    assert.deepEqual(names('{"id":["dd2f"]}', { all: true }), ['job']);
    assert.deepEqual(names('{"name":{"we":true}}', { all: true }), ['web']);
    assert.deepEqual(names('{"name":["^/web$"]}', { all: true }), ['web']);
    assert.deepEqual(names('{"label":["app=demo"]}', { all: true }), ['web']);
    assert.deepEqual(names('{"label":["tier"]}', { all: true }), ['job']);
    assert.deepEqual(names('{"label":["tier","app"]}', { all: true }), []);
    assert.deepEqual(names('{"exited":["1"]}', { all: true }), ['job']);
    assert.deepEqual(names('{"exited":["0"]}', { all: true }), [], 'a never-started container has no exit code');
  });

  it('before, since, ancestor, health, network, volume, publish, expose, is-task', () => {
    assert.deepEqual(names('{"before":["fresh"]}', { all: true }), ['job', 'web']);
    assert.deepEqual(names('{"since":["web"]}', { all: true }), ['fresh', 'job']);
    assert.deepEqual(names('{"ancestor":["busybox:local"]}'), ['web']);
    assert.deepEqual(names('{"ancestor":["7ba60629dcff"]}'), ['web']);
    assert.deepEqual(names('{"ancestor":["alpine"]}'), []);
    assert.deepEqual(names('{"health":["none"]}'), ['web']);
    assert.deepEqual(names('{"network":["bridge"]}'), ['web']);
    assert.deepEqual(names('{"network":["bbbb"]}'), ['web']);
    assert.deepEqual(names('{"volume":["data"]}'), ['web']);
    assert.deepEqual(names('{"volume":["/data"]}'), ['web']);
    assert.deepEqual(names('{"publish":["80"]}'), ['web']);
    assert.deepEqual(names('{"expose":["70-90/tcp"]}'), ['web']);
    assert.deepEqual(names('{"expose":["80/udp"]}'), []);
    assert.deepEqual(names('{"is-task":["false"]}'), ['web']);
    assert.deepEqual(names('{"is-task":["true"]}'), []);
  });

  it('validates as moby does', () => {
    const refuses = (filters: string, message: string) =>
      assert.throws(
        () => names(filters),
        (e: unknown) => e instanceof TranslationError && e.message === message,
      );
    refuses('{"bogus":["x"]}', "invalid filter 'bogus'");
    refuses('{"status":["up"]}', "invalid filter 'status=up'");
    refuses('{"health":["ok"]}', 'Unrecognised filter value for health: ok');
    refuses('{"exited":["x"]}', `invalid filter 'exited=x': strconv.Atoi: parsing "x": invalid syntax`);
    refuses('{"is-task":["maybe"]}', "Invalid filter 'is-task=maybe'");
    refuses('{"before":["nosuch"]}', 'No such container: nosuch');
  });

  it('normalises image references', () => {
    assert.equal(normaliseReference('busybox'), 'docker.io/library/busybox:latest');
    assert.equal(normaliseReference('me/app:1'), 'docker.io/me/app:1');
    assert.equal(normaliseReference('127.0.0.1:5000/busybox'), '127.0.0.1:5000/busybox:latest');
    assert.equal(normaliseReference('docker.io/library/busybox:latest'), 'docker.io/library/busybox:latest');
  });
});

export type { ContainerRecord };
