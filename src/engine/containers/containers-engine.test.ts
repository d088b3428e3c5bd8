// The lifecycle engine against the fake API server: the cache is fed by a real list/watch; writes go through a
// stub client that applies them to the fake server, and the tests play the kubelet by writing pod statuses.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { InvalidParameter, NotFound } from '../../errors.ts';
import { KubeCache } from '../../kube/cache.ts';
import { KubeClient } from '../../kube/client.ts';
import { KubeConnection } from '../../kube/connection.ts';
import { loadKubeconfig } from '../../kube/kubeconfig.ts';
import { FakeApiServer } from '../../kube/testing/fake-apiserver.ts';
import { KubeTransport } from '../../kube/transport.ts';
import type { KubeObject } from '../../kube/types.ts';
import { silentLogger } from '../../log.ts';
import type { Pod } from '../../translate/kube-types.ts';
import { ContainerEventFeed } from '../events/container-events.ts';
import { type DockerEvent, EventBus, eventJson } from '../events/event-bus.ts';
import { EventsEngine, eventMatches } from '../events/events-engine.ts';
import { ContainersEngine } from './containers-engine.ts';
import { ContainerLookup } from './lookup.ts';
import { Reaper } from './reaper.ts';
import { parseUntil } from './remove.ts';

const IMAGE = {
  imageId: `sha256:${'b'.repeat(64)}`,
  digestRef: `docker.io/library/busybox@sha256:${'c'.repeat(64)}`,
  config: { Cmd: ['sh'], Env: ['PATH=/bin'] },
  platform: { os: 'linux', architecture: 'amd64' },
};

/** Applies the engine's writes to the fake API server (merge patches only touch what the engine patches). */
function writeStub(api: FakeApiServer, client: KubeClient): KubeClient {
  const key = (path: string) => decodeURIComponent(path.split('/').pop() ?? '');
  const get = (name: string) => api.objects.get(`pods/testns/${name}`);
  const stub = Object.create(client) as KubeClient;
  Object.assign(stub, {
    async create(_path: string, body: KubeObject) {
      if (get(body.metadata.name ?? '')) throw Object.assign(new Error('exists'), { kind: 'Conflict' });
      return api.put('pods', { ...body, metadata: { ...body.metadata, creationTimestamp: new Date().toISOString() } });
    },
    async patch(path: string, patch: { metadata?: { annotations?: object }; spec?: object }) {
      const cur = get(key(path));
      if (!cur) throw new NotFound('not found');
      const next = structuredClone(cur) as KubeObject & { spec: Record<string, unknown> };
      if (patch.metadata?.annotations) {
        next.metadata.annotations = { ...next.metadata.annotations, ...patch.metadata.annotations } as Record<
          string,
          string
        >;
      }
      if (patch.spec) Object.assign(next.spec, patch.spec);
      return api.put('pods', next);
    },
    async delete(path: string) {
      if (!get(key(path))) throw new NotFound('not found');
      api.remove('pods', 'testns', key(path));
      return {};
    },
  });
  return stub;
}

function pods(api: FakeApiServer): Pod[] {
  return [...api.objects.values()].filter((o) => o.metadata.labels?.['badidea.dev/id']) as unknown as Pod[];
}

/** Plays the kubelet: sets the main container's state on the pod of the container's newest generation. */
function setStatus(api: FakeApiServer, id: string, status: Pod['status']): void {
  const mine = pods(api)
    .filter((p) => p.metadata.annotations?.['badidea.dev/id'] === id)
    .sort(
      (a, b) =>
        Number(b.metadata.labels?.['badidea.dev/generation']) - Number(a.metadata.labels?.['badidea.dev/generation']),
    );
  api.put('pods', { ...(mine[0] as unknown as KubeObject), status });
}

const running = (startedAt = new Date().toISOString()): Pod['status'] => ({
  phase: 'Running',
  podIP: '10.1.2.3',
  startTime: startedAt,
  containerStatuses: [{ name: 'main', ready: true, restartCount: 0, state: { running: { startedAt } } }],
});

const exited = (exitCode: number, startedAt: string): Pod['status'] => ({
  phase: exitCode === 0 ? 'Succeeded' : 'Failed',
  startTime: startedAt,
  containerStatuses: [
    {
      name: 'main',
      ready: false,
      restartCount: 0,
      state: { terminated: { exitCode, startedAt, finishedAt: new Date().toISOString(), reason: 'Error' } },
    },
  ],
});

describe('containers engine', () => {
  const api = new FakeApiServer();
  let cache: KubeCache;
  let connection: KubeConnection;
  let engine: ContainersEngine;
  let lookup: ContainerLookup;
  let bus: EventBus;
  let feed: ContainerEventFeed;
  let events: DockerEvent[] = [];

  before(async () => {
    await api.start();
    const target = loadKubeconfig({ kubeconfig: api.writeKubeconfig(mkdtempSync(join(tmpdir(), 'kube-'))) });
    connection = new KubeConnection(new KubeTransport(target), { log: silentLogger });
    const client = new KubeClient(connection, { timeoutMs: 2000 });
    await connection.start();
    cache = new KubeCache({ client, log: silentLogger, kinds: ['pods'] });
    cache.start();
    await cache.hasSynced();
    lookup = new ContainerLookup({ cache });
    bus = new EventBus();
    bus.subscribe((e) => events.push(e));
    feed = new ContainerEventFeed({ cache, lookup, bus });
    await feed.start();
    engine = new ContainersEngine({
      client: writeStub(api, client),
      lookup,
      images: { resolveImageForContainer: async () => IMAGE },
      events: bus,
      log: silentLogger,
      exec: async () => ({ exitCode: 0, output: '' }),
      startTimeoutMs: 3000,
      cacheTimeoutMs: 3000,
    });
  });
  after(async () => {
    feed.stop();
    await cache.stop();
    await connection.stop();
    await connection.transport.close();
    await api.stop();
  });
  beforeEach(async () => {
    for (const p of pods(api)) api.remove('pods', 'testns', p.metadata.name ?? '');
    await cache.waitFor('pods', (l) => (l.list().length === 0 ? true : undefined), { timeoutMs: 3000 });
    events = [];
  });

  const create = (name: string, extra: object = {}) =>
    engine.create({ body: { Image: 'busybox', Cmd: ['sleep', '9'], ...extra }, name });

  test('create: a gated pod, visible at once; 409 on a taken name; 400 before the image is looked up', async () => {
    const { Id, Warnings } = await create('web');
    assert.deepEqual(Warnings, []);
    const c = lookup.findContainer('web');
    assert.equal(c.id, Id);
    assert.equal(c.state.status, 'created');
    assert.deepEqual(c.current.spec.schedulingGates, [{ name: 'badidea.dev/start' }]);
    await assert.rejects(create('web'), { kind: 'Conflict', message: /The container name "\/web" is already in use/ });
    await assert.rejects(create('bad', { HostConfig: { Privileged: true } }), InvalidParameter);
    assert.equal(pods(api).length, 1, 'nothing left behind');
    await delay(50);
    assert.deepEqual(
      events.map((e) => e.Action),
      ['create'],
    );
  });

  test('start removes the gate and resolves when running; wait next-exit gives the exit code', async () => {
    const { Id } = await create('job');
    const waiter = engine.wait('job', 'next-exit');
    const started = engine.start('job');
    await delay(50);
    assert.deepEqual(lookup.findContainer(Id).current.spec.schedulingGates, []);
    const t0 = new Date().toISOString();
    setStatus(api, Id, running(t0));
    await started;
    await assert.rejects(engine.start('job'), { kind: 'NotModified' });
    const result = waiter.result(AbortSignal.timeout(3000));
    setStatus(api, Id, exited(3, t0));
    assert.deepEqual(await result, { StatusCode: 3, Error: null });
    await delay(50);
    assert.deepEqual(
      events.map((e) => [e.Action, e.Actor.Attributes.exitCode]),
      [
        ['create', undefined],
        ['start', undefined],
        ['die', '3'],
      ],
    );
    // A second start makes the next generation; the first run's pod is kept for its logs.
    const again = engine.start('job');
    await delay(50);
    const c = lookup.findContainer('job');
    assert.equal(c.record.generation, 1);
    assert.equal(c.previous.length, 1);
    setStatus(api, Id, running());
    await again;
  });

  test('start failures: executable not found is a 400 the CLI turns into 127; pull failures name the image', async () => {
    const { Id } = await create('nocmd');
    const started = engine.start('nocmd');
    await delay(50);
    setStatus(api, Id, {
      phase: 'Failed',
      containerStatuses: [
        {
          name: 'main',
          ready: false,
          restartCount: 0,
          state: {
            terminated: {
              exitCode: 128,
              reason: 'StartError',
              message: 'exec: "nosuchcmd": executable file not found in $PATH: unknown',
            },
          },
        },
      ],
    });
    await assert.rejects(started, (err: Error) => {
      assert.ok(err instanceof InvalidParameter);
      assert.match(err.message, /OCI runtime create failed: .*executable file not found in \$PATH/);
      return true;
    });
    assert.equal(lookup.findContainer('nocmd').state.status, 'created');
    assert.equal(lookup.findContainer('nocmd').state.exitCode, 127);

    const img = await create('nopull');
    const p = engine.start('nopull');
    await delay(50);
    setStatus(api, img.Id, {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'main',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'ErrImagePull', message: 'manifest unknown' } },
        },
      ],
    });
    await assert.rejects(p, {
      kind: 'Internal',
      message: /could not pull image busybox .*ErrImagePull: manifest unknown/,
    });
    await delay(100);
    // The retrying pod was replaced by a gated generation: the container is created again, nothing retries.
    const c = lookup.findContainer('nopull');
    assert.equal(c.state.status, 'created');
    assert.equal(c.record.generation, 1);
    assert.deepEqual(c.current.spec.schedulingGates, [{ name: 'badidea.dev/start' }]);
  });

  test('stop lowers the deadline and waits; kill cuts the run short with a 137 tombstone', async () => {
    const { Id } = await create('srv');
    const started = engine.start('srv');
    await delay(50);
    const t0 = new Date(Date.now() - 5000).toISOString();
    setStatus(api, Id, running(t0));
    await started;
    const stopping = engine.stop('srv', undefined, undefined);
    await delay(50);
    const pod = lookup.findContainer('srv').current;
    assert.ok((pod.spec.activeDeadlineSeconds ?? 0) >= 5);
    assert.equal(pod.metadata.annotations?.['badidea.dev/stopped-by-user'], 'true');
    setStatus(api, Id, { ...exited(143, t0), reason: 'DeadlineExceeded' });
    await stopping;
    assert.equal(lookup.findContainer('srv').state.exitCode, 143);
    await assert.rejects(engine.stop('srv', undefined, undefined), { kind: 'NotModified' });
    await assert.rejects(engine.kill('srv', 'KILL'), {
      kind: 'Conflict',
      message: `Cannot kill container: srv: Container ${Id} is not running`,
    });
    await assert.rejects(engine.kill('srv', 'NOPE'), { kind: 'InvalidParameter', message: 'Invalid signal: NOPE' });

    const restarted = engine.start('srv');
    await delay(50);
    setStatus(api, Id, running());
    await restarted;
    const waiter = engine.wait('srv', 'not-running');
    await engine.kill('srv', undefined);
    assert.deepEqual(await waiter.result(AbortSignal.timeout(3000)), { StatusCode: 137, Error: null });
    const c = lookup.findContainer('srv');
    assert.equal(c.state.status, 'exited');
    assert.equal(c.state.exitCode, 137);
    assert.deepEqual(c.current.spec.schedulingGates, [{ name: 'badidea.dev/start' }]);
  });

  test('rm: 409 while running, -f removes every generation; wait removed resolves; rename', async () => {
    const { Id } = await create('gone');
    const started = engine.start('gone');
    await delay(50);
    setStatus(api, Id, running());
    await started;
    await assert.rejects(engine.remove('gone', { force: false, volumes: false, link: false }), {
      kind: 'Conflict',
      message: `You cannot remove a running container ${Id}. Stop the container before attempting removal or force remove`,
    });
    await engine.rename('gone', 'renamed');
    assert.equal(lookup.findContainer(Id).name, 'renamed');
    const waiter = engine.wait('renamed', 'removed').result(AbortSignal.timeout(3000));
    await engine.remove('renamed', { force: true, volumes: true, link: false });
    assert.deepEqual(await waiter, { StatusCode: 137, Error: null });
    assert.equal(pods(api).length, 0);
    assert.throws(() => lookup.findContainer(Id), { message: `No such container: ${Id}` });
    await delay(50);
    assert.deepEqual(
      events.map((e) => e.Action),
      ['create', 'start', 'rename', 'destroy'],
    );
    assert.equal(events[2].Actor.Attributes.oldName, '/gone');
  });

  test('the reaper removes an exited --rm container, also one that exited before it started', async () => {
    const { Id } = await create('auto', { HostConfig: { AutoRemove: true } });
    const started = engine.start('auto');
    await delay(50);
    const t0 = new Date().toISOString();
    setStatus(api, Id, running(t0));
    await started;
    setStatus(api, Id, exited(0, t0));
    const reaper = new Reaper(engine.ctx, cache, silentLogger);
    await reaper.start();
    await lookup.waitFor(Id, (c) => (c ? undefined : true), { timeoutMs: 3000 });
    const second = await create('auto2', { HostConfig: { AutoRemove: true } });
    const s2 = engine.start('auto2');
    await delay(50);
    setStatus(api, second.Id, running(t0));
    await s2;
    setStatus(api, second.Id, exited(1, t0));
    await lookup.waitFor(second.Id, (c) => (c ? undefined : true), { timeoutMs: 3000 });
    reaper.stop();
  });

  test('ps and inspect from the cache; events replay and filters', async () => {
    const { Id } = await create('listed', { Labels: { tier: 'web' } });
    const rows = engine.list({ all: true, limit: -1, size: false, filters: '{"label":["tier=web"]}' });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].Id, Id);
    assert.equal(rows[0].Status, 'Created');
    assert.deepEqual(engine.list({ all: false, limit: -1, size: false, filters: null }), []);
    const inspect = engine.inspect(Id.slice(0, 6), true) as { Name: string; SizeRw: number; State: { Status: string } };
    assert.equal(inspect.Name, '/listed');
    assert.equal(inspect.SizeRw, 0);
    assert.equal(inspect.State.Status, 'created');

    const replayed = feed.replay(undefined, BigInt(Date.now() + 10_000) * 1_000_000n);
    assert.ok(replayed.some((e) => e.Action === 'create' && e.Actor.ID === Id));
    const ev = events.find((e) => e.Action === 'create')!;
    assert.ok(eventMatches(ev, new Map([['container', ['listed']]])));
    assert.ok(eventMatches(ev, new Map([['label', ['tier=web']]])));
    assert.ok(eventMatches(ev, new Map([['image', ['busybox:latest']]])));
    assert.ok(!eventMatches(ev, new Map([['event', ['die']]])));
    assert.match(eventJson(ev), /"scope":"local","time":\d+,"timeNano":\d{19}}$/);
    const ee = new EventsEngine({ bus, feed });
    assert.throws(() => ee.checkFilters(new Map([['nope', ['x']]])), { message: "invalid filter 'nope'" });
  });

  test('prune until parsing', () => {
    assert.equal(parseUntil('10', 0), 10_000);
    assert.equal(parseUntil('1h', 7_200_000), 3_600_000);
    assert.equal(parseUntil('2024-01-01T00:00:00Z', 0), Date.parse('2024-01-01T00:00:00Z'));
    assert.throws(() => parseUntil('soon', 0), InvalidParameter);
  });
});
