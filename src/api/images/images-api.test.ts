// The image routes served by the real API server over in-memory records, driven by the real docker CLI and by
// fetch, against the local registry (127.0.0.1:5000) and a private htpasswd registry.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ImagesEngine } from '../../engine/images/images-engine.ts';
import type { ConfigMap, Secret } from '../../engine/images/objects.ts';
import { ImageService } from '../../engine/images/service.ts';
import { MemoryObjects } from '../../engine/images/store.ts';
import { silentLogger } from '../../log.ts';
import { RegistryClient } from '../../registry/client.ts';
import {
  type PrivateRegistry,
  startPrivateRegistry,
  TEST_PASSWORD,
  TEST_USER,
} from '../../registry/testing/htpasswd-registry.ts';
import { pushImage, readImage } from '../../registry/testing/push.ts';
import { type ApiServer, startApiServer } from '../api-server.ts';
import { parseListenAddress } from '../listen-address.ts';
import { systemRoutes } from '../system/routes.ts';
import { imageRoutes } from './routes.ts';

const DOCKER = process.env.DOCKER_CLI ?? '/usr/local/bin/docker';
const LOCAL = 'http://127.0.0.1:5000';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('image routes with the docker CLI', () => {
  let server: ApiServer;
  let host: string;
  let reg: PrivateRegistry;
  let dockerConfig: string;
  const registry = new RegistryClient({ mirrors: [LOCAL], insecureRegistries: [] });
  const secrets = new MemoryObjects<Secret>();

  const docker = (args: string[], input?: string): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile(
        DOCKER,
        args,
        { env: { PATH: process.env.PATH, DOCKER_HOST: host, DOCKER_CONFIG: dockerConfig }, timeout: 60_000 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  const api = (method: string, path: string, init: RequestInit = {}) =>
    fetch(`${host.replace('tcp:', 'http:')}${path}`, { method, ...init });

  before(async () => {
    dockerConfig = mkdtempSync(join(tmpdir(), 'badidea-docker-config-'));
    const svc = new ImageService({
      kube: { configMaps: new MemoryObjects<ConfigMap>(), secrets },
      registry,
      platform: () => ({ os: 'linux', architecture: 'amd64' }),
      users: { containersUsing: () => [], pullSecretsInUse: () => new Set() },
    });
    const engine = new ImagesEngine(svc);
    const none = { items: [], active: 0, total: 0, size: 0, reclaimable: 0 };
    server = await startApiServer({
      listen: [parseListenAddress('tcp://127.0.0.1:0')],
      auth: { tokens: [], requireAuth: false },
      log: silentLogger,
      serverVersion: '0.0.1',
      maxBodyBytes: 1 << 20,
      routes: [
        systemRoutes(
          {
            clusterVersion: async () => ({ kubernetesVersion: 'v1.32.0' }),
            info: async () => ({}),
            diskUsage: async () => ({ containers: none, images: engine.diskUsage(), volumes: none }),
          },
          { serverVersion: '0.0.1', gitCommit: 'test' },
        ),
        imageRoutes(engine),
      ],
    });
    host = server.listeners[0].dockerHost;
    reg = await startPrivateRegistry();
    const bb = await readImage(LOCAL, 'library/busybox', 'latest');
    await pushImage({
      base: reg.base,
      repo: 'private/bb',
      tag: '1',
      config: bb.config,
      layers: bb.layers,
      auth: { username: TEST_USER, password: TEST_PASSWORD },
    });
  });
  after(async () => {
    await server?.shutdown(1000);
    await registry.close();
    await reg?.stop();
    rmSync(dockerConfig, { recursive: true, force: true });
  });

  test('docker pull prints Docker`s lines; a second pull is up to date', async () => {
    const first = await docker(['pull', 'busybox']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      /^Using default tag: latest\nlatest: Pulling from library\/busybox\nDigest: sha256:[a-f0-9]{64}\nStatus: Downloaded newer image for busybox:latest\ndocker.io\/library\/busybox:latest\n$/,
    );
    const again = await docker(['pull', 'busybox:latest']);
    assert.match(again.stdout, /Status: Image is up to date for busybox:latest/);
    const reg5000 = await docker(['pull', '127.0.0.1:5000/library/busybox']);
    assert.match(reg5000.stdout, /Status: Downloaded newer image for 127\.0\.0\.1:5000\/library\/busybox:latest/);
  });

  test('docker pull of a missing tag: Docker`s error, exit 1', async () => {
    const r = await docker(['pull', '127.0.0.1:5000/nosuch:v1']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      'Error response from daemon: manifest for 127.0.0.1:5000/nosuch:v1 not found: manifest unknown: manifest unknown',
    );
  });

  test('docker images, inspect, tag, history, rmi', async () => {
    await docker(['pull', 'busybox']);
    const tag = await docker(['tag', 'busybox', 'mine:1']);
    assert.equal(tag.code, 0, tag.stderr);
    const ls = await docker(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /^busybox:latest [a-f0-9]{12}$/m);
    assert.match(ls.stdout, /^mine:1 [a-f0-9]{12}$/m);
    const q = await docker(['images', '-q', 'mine']);
    assert.match(q.stdout, /^[a-f0-9]{12}\n$/);
    const inspect = await docker(['image', 'inspect', 'mine:1']);
    const [img] = JSON.parse(inspect.stdout);
    assert.match(img.Id, /^sha256:/);
    assert.ok(img.RepoTags.includes('mine:1'));
    assert.equal(img.Os, 'linux');
    assert.deepEqual(img.Config.Cmd, ['sh']);
    assert.equal(img.RootFS.Type, 'layers');
    const hist = await docker(['history', '--no-trunc', '--format', '{{.ID}} {{.Size}}', 'mine:1']);
    assert.equal(hist.code, 0, hist.stderr);
    assert.ok(hist.stdout.startsWith(img.Id));
    const rmi = await docker(['rmi', 'mine:1']);
    assert.equal(rmi.stdout, 'Untagged: mine:1\n');
    const missing = await docker(['image', 'inspect', 'mine:1']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such image: mine:1/);
    const rmiMissing = await docker(['rmi', 'nosuch:tag']);
    assert.equal(rmiMissing.stderr.trim(), 'Error response from daemon: No such image: nosuch:tag');
  });

  test('a private registry: pull needs credentials; login checks them', async () => {
    const anon = await docker(['pull', `${reg.host}/private/bb:1`]);
    assert.equal(anon.code, 1);
    assert.equal(
      anon.stderr.trim(),
      `Error response from daemon: Head "${reg.base}/v2/private/bb/manifests/1": no basic auth credentials`,
    );
    const bad = await docker(['login', '-u', TEST_USER, '--password-stdin', reg.host], 'wrong\n');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /login attempt to http:\/\/127\.0\.0\.1:\d+\/v2\/ failed with status: 401 Unauthorized/);
    const good = await docker(['login', '-u', TEST_USER, '--password-stdin', reg.host], `${TEST_PASSWORD}\n`);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /Login Succeeded/);
    const pulled = await docker(['pull', `${reg.host}/private/bb:1`]);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.equal(secrets.list().length, 1, 'the credentials became a pull Secret');
  });

  test('not possible here: 501 with a reason', async () => {
    for (const [method, path] of [
      ['POST', '/build'],
      ['POST', '/images/load'],
      ['GET', '/images/get?names=busybox'],
      ['GET', '/images/busybox/get'],
      ['POST', '/images/busybox/push'],
      ['POST', '/commit?container=x'],
      ['POST', '/images/create?fromSrc=-'],
    ]) {
      const r = await api(method, path);
      assert.equal(r.status, 501, `${method} ${path}`);
      assert.match(((await r.json()) as { message: string }).message, /^badidea (cannot|does not)/);
    }
    const save = await docker(['save', 'busybox']);
    assert.match(save.stderr, /badidea cannot export images/);
  });

  test('pull errors mid-stream and status codes', async () => {
    const bad = await api('POST', '/images/create?fromImage=Bad%20Name');
    assert.equal(bad.status, 400);
    const unreachable = await api('POST', '/images/create?fromImage=127.0.0.1:9999/x&tag=1');
    assert.equal(unreachable.status, 503);
    const ok = await api('POST', '/images/create?fromImage=busybox&tag=latest');
    assert.equal(ok.status, 200);
    const lines = (await ok.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(lines[0], { status: 'Pulling from library/busybox', id: 'latest' });
    const prune = await api('POST', '/images/prune');
    assert.deepEqual(await prune.json(), { ImagesDeleted: null, SpaceReclaimed: 0 });
  });
});
