// Images meet `docker run`, with the real docker CLI against badidea on the (simulated) cluster: a private image
// behind htpasswd auth runs after `docker login` (the kubelet pulls with the pull Secret badidea made) and fails
// without it; an image's EXPOSE, ENV, WORKDIR, USER, ENTRYPOINT/CMD and HEALTHCHECK show in inspect and take effect;
// a multi-platform index resolves to this machine's platform and runs.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type PrivateRegistry,
  startPrivateRegistry,
  TEST_PASSWORD,
  TEST_USER,
} from '../../src/registry/testing/htpasswd-registry.ts';
import { type Basic, type Layer, pushImage, pushIndex, readImage } from '../../src/registry/testing/push.ts';
import type { ImageConfigFile } from '../../src/registry/types.ts';
import { docker } from '../helpers/badidea.ts';
import { type ContainersSetup, dockerOk, MIRROR, setupContainers } from '../helpers/containers.ts';

const AUTH: Basic = { username: TEST_USER, password: TEST_PASSWORD };
const RUN_TIMEOUT = 240_000;
const SECOND = 1_000_000_000;

interface Inspect {
  Config: {
    Env: string[];
    ExposedPorts: Record<string, object>;
    WorkingDir: string;
    User: string;
    Entrypoint: string[];
    Cmd: string[];
    Healthcheck: { Test: string[]; Interval: number; Retries: number };
    Labels: Record<string, string>;
  };
  State: { Health?: { Status: string } };
}

/** A fresh CLI config directory: no credentials. */
function cleanEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
  writeFileSync(join(dir, 'config.json'), '{}');
  return { ...env, DOCKER_CONFIG: dir };
}

describe('images with docker run', () => {
  let s: ContainersSetup;
  let reg: PrivateRegistry;
  let busybox: { config: ImageConfigFile; layers: Layer[] };
  // Every container this file creates, removed at the end whatever happened.
  const names: string[] = [];
  const images: string[] = [];

  const login = () =>
    dockerOk(['login', '--username', TEST_USER, '--password', TEST_PASSWORD, reg.host], s.env, RUN_TIMEOUT);

  before(async () => {
    s = await setupContainers();
    reg = await startPrivateRegistry();
    busybox = await readImage(MIRROR, 'library/busybox', 'latest');
  });
  after(async () => {
    if (s) {
      if (names.length) await docker(['rm', '-f', ...names], s.env, 120_000);
      if (images.length) await docker(['rmi', '-f', ...images], s.env, 120_000);
      await docker(['logout', reg?.host ?? ''], s.env);
      await s.stop();
    }
    await reg?.stop();
  });

  test('a private image runs after docker login and fails without it', async () => {
    await pushImage({ base: reg.base, repo: 'private/img', tag: 'latest', ...busybox, auth: AUTH });
    const ref = `${reg.host}/private/img`;
    images.push(ref);

    const anon = await docker(['run', '--rm', ref, 'echo', 'ok'], cleanEnv(s.env), RUN_TIMEOUT);
    assert.equal(anon.code, 125, anon.stderr);
    assert.equal(
      anon.stderr,
      `Unable to find image '${ref}:latest' locally\n` +
        `docker: Error response from daemon: Head "http://${reg.host}/v2/private/img/manifests/latest": ` +
        'no basic auth credentials\n\n' +
        "Run 'docker run --help' for more information\n",
    );

    await login();
    const out = await dockerOk(['run', '--rm', ref, 'echo', 'ok'], s.env, RUN_TIMEOUT);
    assert.equal(out.trim(), 'ok');
  });

  test("an image's EXPOSE, ENV, WORKDIR, USER, ENTRYPOINT/CMD and HEALTHCHECK show in inspect and take effect", async () => {
    await login();
    const base = busybox.config.config ?? {};
    const config: ImageConfigFile = {
      ...busybox.config,
      config: {
        ...base,
        Env: [...(base.Env ?? []), 'GREETING=hello-from-image'],
        ExposedPorts: { '8080/tcp': {} },
        WorkingDir: '/srv/app',
        User: '1234',
        Entrypoint: ['/bin/sh', '-c', 'echo "[$GREETING]"; exec "$@"', 'entry'],
        Cmd: ['echo', 'cmd-ran'],
        Healthcheck: {
          Test: ['CMD-SHELL', 'test "$(id -u)" = 1234'],
          Interval: SECOND,
          Timeout: 5 * SECOND,
          Retries: 3,
        },
      },
    };
    await pushImage({ base: reg.base, repo: 'custom/cfg', tag: 'v1', config, layers: busybox.layers, auth: AUTH });
    const ref = `${reg.host}/custom/cfg:v1`;
    images.push(ref);
    await dockerOk(['pull', ref], s.env, RUN_TIMEOUT);

    // Entrypoint wraps the command: it prints the image's env var, then runs the default CMD or the given one.
    assert.equal((await dockerOk(['run', '--rm', ref], s.env, RUN_TIMEOUT)).trim(), '[hello-from-image]\ncmd-ran');
    assert.equal(
      (await dockerOk(['run', '--rm', ref, 'pwd'], s.env, RUN_TIMEOUT)).trim(),
      '[hello-from-image]\n/srv/app',
    );
    assert.equal(
      (await dockerOk(['run', '--rm', ref, 'id', '-u'], s.env, RUN_TIMEOUT)).trim(),
      '[hello-from-image]\n1234',
    );
    const env = await dockerOk(['run', '--rm', '-e', 'EXTRA=mine', ref, 'env'], s.env, RUN_TIMEOUT);
    assert.match(env, /^GREETING=hello-from-image$/m);
    assert.match(env, /^EXTRA=mine$/m);

    const name = 'images-run-cfg';
    names.push(name);
    await dockerOk(['run', '-d', '-P', '--name', name, '-e', 'EXTRA=mine', ref, 'sleep', '600'], s.env, RUN_TIMEOUT);
    const info = (JSON.parse(await dockerOk(['inspect', name], s.env)) as Inspect[])[0];
    assert.ok(info.Config.Env.includes('GREETING=hello-from-image'), info.Config.Env.join(' '));
    assert.ok(info.Config.Env.includes('EXTRA=mine'), info.Config.Env.join(' '));
    assert.ok(
      info.Config.Env.some((e) => e.startsWith('PATH=')),
      info.Config.Env.join(' '),
    );
    assert.deepEqual(Object.keys(info.Config.ExposedPorts), ['8080/tcp']);
    assert.equal(info.Config.WorkingDir, '/srv/app');
    assert.equal(info.Config.User, '1234');
    assert.deepEqual(info.Config.Entrypoint, ['/bin/sh', '-c', 'echo "[$GREETING]"; exec "$@"', 'entry']);
    assert.deepEqual(info.Config.Cmd, ['sleep', '600']);
    assert.deepEqual(info.Config.Healthcheck.Test, ['CMD-SHELL', 'test "$(id -u)" = 1234']);
    assert.equal(info.Config.Healthcheck.Interval, SECOND);
    assert.equal(info.Config.Healthcheck.Retries, 3);

    // The kubelet pulled it with the pull Secret badidea made from the login.
    const pods = JSON.parse((await s.cluster.kubectl(['get', 'pods', '-o', 'json'])).stdout) as {
      items: { spec: { containers: { image: string }[]; imagePullSecrets?: { name: string }[] } }[];
    };
    const pod = pods.items.find((p) => p.spec.containers.some((c) => c.image.startsWith(`${reg.host}/custom/cfg`)));
    assert.ok(pod, 'no pod runs the image');
    const secretName = pod.spec.imagePullSecrets?.[0]?.name;
    assert.ok(secretName, 'the pod has no imagePullSecrets');
    const secret = JSON.parse((await s.cluster.kubectl(['get', 'secret', secretName, '-o', 'json'])).stdout) as {
      type: string;
      data: Record<string, string>;
    };
    assert.equal(secret.type, 'kubernetes.io/dockerconfigjson');
    assert.match(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString(), new RegExp(reg.host));

    // -P publishes the image's EXPOSE port on some host port.
    const port = await dockerOk(['port', name, '8080/tcp'], s.env);
    assert.match(port, /^(0\.0\.0\.0|\[::\]|127\.0\.0\.1):\d+$/m);

    const deadline = Date.now() + 180_000;
    let status = '';
    for (;;) {
      status = (await dockerOk(['inspect', '-f', '{{.State.Health.Status}}', name], s.env)).trim();
      if (status === 'healthy' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.equal(status, 'healthy');
  });

  test("a multi-platform index: pull and inspect show this machine's platform, and it runs", async () => {
    const base = busybox.config.config ?? {};
    const amd64 = await pushImage({
      base: reg.base,
      repo: 'multi/idx',
      config: { ...busybox.config, architecture: 'amd64', config: { ...base, Labels: { platform: 'amd64' } } },
      layers: busybox.layers,
      auth: AUTH,
    });
    const arm64 = await pushImage({
      base: reg.base,
      repo: 'multi/idx',
      config: { ...busybox.config, architecture: 'arm64', config: { ...base, Labels: { platform: 'arm64' } } },
      layers: busybox.layers,
      auth: AUTH,
    });
    await pushIndex({
      base: reg.base,
      repo: 'multi/idx',
      tag: 'latest',
      entries: [
        { image: arm64, platform: { os: 'linux', architecture: 'arm64' } },
        { image: amd64, platform: { os: 'linux', architecture: 'amd64' } },
      ],
      auth: AUTH,
    });
    await login();
    const ref = `${reg.host}/multi/idx`;
    images.push(ref);
    await dockerOk(['pull', ref], s.env, RUN_TIMEOUT);
    const img = (
      JSON.parse(await dockerOk(['image', 'inspect', ref], s.env)) as {
        Id: string;
        Architecture: string;
        Os: string;
        Config: { Labels: Record<string, string> };
      }[]
    )[0];
    assert.equal(img.Architecture, 'amd64');
    assert.equal(img.Os, 'linux');
    assert.equal(img.Config.Labels.platform, 'amd64');
    assert.equal(img.Id, amd64.configDigest);
    assert.equal((await dockerOk(['run', '--rm', ref, 'echo', 'ok'], s.env, RUN_TIMEOUT)).trim(), 'ok');
  });
});
