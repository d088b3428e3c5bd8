import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { RegistryClient } from '../../registry/client.ts';
import { type Layer, pushImage, readImage } from '../../registry/testing/push.ts';
import type { ImageConfigFile } from '../../registry/types.ts';
import type { ConfigMap, Secret } from './objects.ts';
import { imageHistoryOf, inspectImage, listImages } from './read.ts';
import { pruneImages, removeImage } from './remove.ts';
import { ImageService } from './service.ts';
import { MemoryObjects } from './store.ts';

const LOCAL = 'http://127.0.0.1:5000';
const amd64 = { os: 'linux', architecture: 'amd64' };

function setup() {
  const configMaps = new MemoryObjects<ConfigMap>();
  const secrets = new MemoryObjects<Secret>();
  const using = new Map<string, { id: string; running: boolean }[]>();
  const registry = new RegistryClient({ mirrors: [LOCAL], insecureRegistries: [] });
  const svc = new ImageService({
    kube: { configMaps, secrets },
    registry,
    platform: () => amd64,
    users: { containersUsing: (id) => using.get(id) ?? [], pullSecretsInUse: () => new Set() },
  });
  const pull = async (fromImage: string, tag?: string, auth?: { username: string; password: string }) =>
    svc.record(await svc.resolve({ fromImage, tag, ...(auth ? { auth } : {}) }));
  return { svc, configMaps, secrets, using, registry, pull };
}

const noFilters = new Map<string, string[]>();

describe('images engine over the local registry', () => {
  let busyboxConfig: ImageConfigFile;
  let layers: Layer[];
  let customId: string;
  before(async () => {
    const bb = await readImage(LOCAL, 'library/busybox', 'latest');
    busyboxConfig = bb.config;
    layers = bb.layers;
    const pushed = await pushImage({
      base: LOCAL,
      repo: 'badidea-test/custom',
      tag: 'v1',
      layers,
      config: {
        ...busyboxConfig,
        created: '2026-01-02T03:04:05Z',
        history: [
          { created: '2026-01-01T00:00:00Z', created_by: 'ADD rootfs /' },
          { created: '2026-01-02T03:04:05Z', created_by: 'EXPOSE 8080', empty_layer: true },
        ],
        config: {
          Env: ['PATH=/bin', 'GREETING=hi'],
          Entrypoint: ['/bin/sh', '-c'],
          Cmd: ['httpd -f -p 8080'],
          WorkingDir: '/srv',
          User: '65534',
          ExposedPorts: { '8080/tcp': {} },
          Volumes: { '/data': {} },
          StopSignal: 'SIGUSR1',
          Labels: { app: 'custom' },
          Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 2e9 },
        },
      },
    });
    customId = pushed.configDigest;
  });

  test('pull records the image; a second pull is up to date', async () => {
    const { svc, pull, registry } = setup();
    try {
      assert.deepEqual(await pull('busybox', 'latest'), { upToDate: false });
      assert.deepEqual(await pull('busybox', 'latest'), { upToDate: true });
      const img = inspectImage(svc, 'busybox');
      assert.deepEqual(img.RepoTags, ['busybox:latest']);
      assert.match((img.RepoDigests as string[])[0], /^busybox@sha256:[a-f0-9]{64}$/);
      assert.equal(img.Os, 'linux');
      assert.deepEqual((img.Config as { Cmd: string[] }).Cmd, ['sh']);
      assert.deepEqual(inspectImage(svc, (img.Id as string).slice(7, 19)).Id, img.Id);
      assert.throws(() => inspectImage(svc, 'nosuch'), {
        message: 'no such image: nosuch: No such image: nosuch:latest',
      });
    } finally {
      await registry.close();
    }
  });

  test('container view of a custom image, tags, list filters, history', async () => {
    const { svc, pull, registry } = setup();
    try {
      await pull('127.0.0.1:5000/badidea-test/custom', 'v1');
      await pull('busybox', 'latest');
      const c = await svc.resolveImageForContainer('127.0.0.1:5000/badidea-test/custom:v1');
      assert.equal(c.imageId, customId);
      assert.match(c.digestRef, /^127\.0\.0\.1:5000\/badidea-test\/custom@sha256:[a-f0-9]{64}$/);
      assert.deepEqual(c.config.ExposedPorts, { '8080/tcp': {} });
      assert.equal(c.config.User, '65534');
      assert.equal(c.config.WorkingDir, '/srv');
      assert.deepEqual(c.config.Entrypoint, ['/bin/sh', '-c']);
      assert.equal(c.config.StopSignal, 'SIGUSR1');
      assert.deepEqual(c.config.Healthcheck?.Test, ['CMD-SHELL', 'true']);
      assert.equal(c.pullSecretName, undefined);
      await assert.rejects(svc.resolveImageForContainer('nosuch:1'), { message: 'No such image: nosuch:1' });

      await svc.tag('127.0.0.1:5000/badidea-test/custom:v1', 'myapp', '');
      await svc.tag(customId, 'myapp', 'two');
      assert.deepEqual(inspectImage(svc, 'myapp').RepoTags, [
        '127.0.0.1:5000/badidea-test/custom:v1',
        'myapp:latest',
        'myapp:two',
      ]);
      const viaTag = await svc.resolveImageForContainer('myapp:two');
      assert.equal(viaTag.digestRef, c.digestRef, 'a local tag pins the pulled manifest');

      const ids = (f: Record<string, string[]>) =>
        listImages(svc, new Map(Object.entries(f)), false).map((i) => (i.RepoTags as string[]).join(','));
      assert.equal(ids({}).length, 2);
      assert.deepEqual(ids({ reference: ['myapp'] }), ['myapp:latest,myapp:two']);
      assert.deepEqual(ids({ reference: ['myapp:t*'] }), ['myapp:two']);
      assert.deepEqual(ids({ label: ['app=custom'] }), [
        '127.0.0.1:5000/badidea-test/custom:v1,myapp:latest,myapp:two',
      ]);
      assert.deepEqual(ids({ dangling: ['true'] }), []);
      assert.deepEqual(ids({ before: ['myapp:two'] }).length, 0);
      assert.throws(() => ids({ nope: ['x'] }), { message: "invalid filter 'nope'" });

      const h = imageHistoryOf(svc, 'myapp');
      assert.equal(h.length, 2);
      assert.equal(h[0].Id, customId);
      assert.equal(h[0].CreatedBy, 'EXPOSE 8080');
      assert.equal(h[0].Size, 0);
      assert.equal(h[1].Id, '<missing>');
      assert.ok((h[1].Size as number) > 0);
    } finally {
      await registry.close();
    }
  });

  test('rmi: untag, conflicts with containers, delete; prune', async () => {
    const { svc, pull, registry, using } = setup();
    try {
      await pull('127.0.0.1:5000/badidea-test/custom', 'v1');
      await svc.tag(customId, 'myapp', 'one');
      assert.deepEqual(await removeImage(svc, 'myapp:one', false), [{ Untagged: 'myapp:one' }]);
      await assert.rejects(removeImage(svc, 'myapp:one', false), { message: 'No such image: myapp:one' });

      using.set(customId, [{ id: 'c'.repeat(64), running: false }]);
      await assert.rejects(removeImage(svc, '127.0.0.1:5000/badidea-test/custom:v1', false), {
        message: `conflict: unable to remove repository reference "127.0.0.1:5000/badidea-test/custom:v1" (must force) - container cccccccccccc is using its referenced image ${customId.slice(7, 19)}`,
      });
      await assert.rejects(removeImage(svc, customId, false), {
        message: `conflict: unable to delete ${customId.slice(7, 19)} (must be forced) - image is being used by stopped container cccccccccccc`,
      });
      using.set(customId, [{ id: 'd'.repeat(64), running: true }]);
      await assert.rejects(removeImage(svc, customId, true), {
        message: `conflict: unable to delete ${customId.slice(7, 19)} (cannot be forced) - image is being used by running container dddddddddddd`,
      });
      using.set(customId, []);
      const removed = await removeImage(svc, customId, false);
      assert.deepEqual(removed.at(-1), { Deleted: customId });
      assert.deepEqual(
        removed.slice(0, -1).map((r) => r.Untagged?.replace(/@.*/, '@…')),
        ['127.0.0.1:5000/badidea-test/custom:v1', '127.0.0.1:5000/badidea-test/custom@…'],
      );
      assert.deepEqual(listImages(svc, noFilters, false), []);

      await pull('busybox', 'latest');
      await pull('127.0.0.1:5000/badidea-test/custom', 'v1');
      await removeImage(svc, '127.0.0.1:5000/badidea-test/custom:v1', false);
      assert.deepEqual(await pruneImages(svc, noFilters, new Date()), { ImagesDeleted: null, SpaceReclaimed: 0 });
      const all = await pruneImages(svc, new Map([['dangling', ['false']]]), new Date());
      assert.equal(all.ImagesDeleted?.at(-1)?.Deleted?.startsWith('sha256:'), true);
      assert.deepEqual(listImages(svc, noFilters, false), []);
    } finally {
      await registry.close();
    }
  });
});

describe('pull secrets', () => {
  test('credentials become a dockerconfigjson Secret, removed with the last image using it', async () => {
    const { svc, registry, secrets } = setup();
    try {
      const res = await svc.resolve({ fromImage: 'busybox', tag: 'latest' });
      await svc.record({ ...res, auth: { username: 'u', password: 'p' } });
      const c = await svc.resolveImageForContainer('busybox');
      assert.match(c.pullSecretName ?? '', /^badidea-pull-[a-f0-9]{40}$/);
      const s = secrets.list();
      assert.equal(s.length, 1);
      assert.equal(s[0].type, 'kubernetes.io/dockerconfigjson');
      const cfg = JSON.parse(Buffer.from(s[0].data!['.dockerconfigjson'], 'base64').toString());
      assert.deepEqual(cfg.auths['https://index.docker.io/v1/'], {
        username: 'u',
        password: 'p',
        auth: Buffer.from('u:p').toString('base64'),
      });
      await removeImage(svc, 'busybox', false);
      assert.equal(secrets.list().length, 0);
    } finally {
      await registry.close();
    }
  });
});
