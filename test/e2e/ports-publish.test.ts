// Published ports with the real docker CLI, in both ways of reaching a pod (direct TCP to the pod IP, and the
// Kubernetes port-forward API): -p HOST:PORT, -p PORT (random, read back with docker port), -P, "port is already
// allocated", UDP refused, load through one port with no socket growth, the listener gone at docker stop and back
// after a badidea restart, and the in-cluster Service. Traffic goes to loopback only.

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type BadideaServer, docker, startBadidea } from '../helpers/badidea.ts';
import { getCluster, type TestCluster } from '../helpers/cluster.ts';
import { dockerOk, MIRROR } from '../helpers/containers.ts';

const PAGE = 'hello from a published port';
/** busybox httpd serving one page on port 80 (the image has no EXPOSE). */
const HTTPD = ['sh', '-c', `mkdir -p /www && echo '${PAGE}' > /www/index.html && exec httpd -f -p 80 -h /www`];

/** A port the OS says is free now (tests run in parallel: never a fixed port). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function get(port: number, timeoutMs = 20_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** GET until the page comes (the application may still be starting), within a generous bound. */
async function getPage(port: number, withinMs = 90_000): Promise<string> {
  const end = Date.now() + withinMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const r = await get(port);
      if (r.status === 200) return r.body;
      last = new Error(`status ${r.status}`);
    } catch (err) {
      last = err;
    }
    await delay(250);
  }
  throw new Error(`no page on 127.0.0.1:${port}: ${last}`);
}

/** Resolves true once a connect to the port is refused (nothing listens). */
async function refusedWithin(port: number, withinMs = 60_000): Promise<boolean> {
  const end = Date.now() + withinMs;
  while (Date.now() < end) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
    });
    if (refused) return true;
    await delay(200);
  }
  return false;
}

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

function hostPortOf(portLine: string): number {
  const m = /:(\d+)\s*$/m.exec(portLine.trim());
  assert.ok(m, `docker port printed ${JSON.stringify(portLine)}`);
  return Number(m[1]);
}

interface Setup {
  cluster: TestCluster;
  server: BadideaServer;
  env: NodeJS.ProcessEnv;
  /** SIGKILL (no shutdown) and a new server on the same namespace. */
  restartServer(): Promise<void>;
  stop(): Promise<void>;
}

/** Like setupContainers, with a generous start bound (a loaded machine starts node slowly). */
async function setupPorts(args: string[]): Promise<Setup> {
  const cluster = await getCluster();
  const start = () =>
    startBadidea({
      kubeconfig: cluster.kubeconfig,
      namespace: cluster.namespace,
      args: ['--registry-mirror', MIRROR, ...args],
      startTimeoutMs: 120_000,
    });
  const setup: Setup = {
    cluster,
    server: await start(),
    env: {},
    async restartServer() {
      const p = setup.server.process;
      if (p.exitCode === null && p.signalCode === null) {
        const exited = new Promise((r) => p.once('exit', r));
        p.kill('SIGKILL');
        await exited;
      }
      setup.server = await start();
      setup.env = { ...setup.env, DOCKER_HOST: setup.server.dockerHost };
    },
    async stop() {
      await setup.server.stop();
      await cluster.stop();
    },
  };
  setup.env = setup.server.env;
  const pull = await docker(['pull', 'busybox'], setup.env, 180_000);
  if (pull.code !== 0) throw new Error(`docker pull busybox failed: ${pull.stderr}`);
  return setup;
}

for (const mode of ['direct', 'port-forward'] as const) {
  describe(`published ports (--port-mode ${mode})`, () => {
    let s: Setup;
    before(async () => {
      s = await setupPorts(['--port-mode', mode]);
    });
    after(() => s?.stop());

    test('docker run -d -p HOST:80 busybox httpd: GET on 127.0.0.1:HOST returns the page', async () => {
      const port = await freePort();
      await dockerOk(['run', '-d', '--name', 'web', '-p', `${port}:80`, 'busybox', ...HTTPD], s.env, 180_000);
      assert.equal((await getPage(port)).trim(), PAGE);
      assert.equal((await dockerOk(['port', 'web', '80'], s.env)).trim(), `127.0.0.1:${port}`);
      assert.equal((await dockerOk(['port', 'web'], s.env)).trim(), `80/tcp -> 127.0.0.1:${port}`);
      const ports = JSON.parse(
        await dockerOk(['inspect', '--format', '{{json .NetworkSettings.Ports}}', 'web'], s.env),
      );
      assert.deepEqual(ports, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
      const bindings = JSON.parse(
        await dockerOk(['inspect', '--format', '{{json .HostConfig.PortBindings}}', 'web'], s.env),
      );
      assert.deepEqual(bindings, { '80/tcp': [{ HostIp: '', HostPort: String(port) }] });
      assert.match(
        await dockerOk(['ps', '--format', '{{.Ports}}', '--filter', 'name=web'], s.env),
        new RegExp(`127\\.0\\.0\\.1:${port}->80/tcp`),
      );

      // The same host port again: Docker's error, and the container stays created.
      const taken = await docker(
        ['run', '-d', '--name', 'web2', '-p', `${port}:80`, 'busybox', ...HTTPD],
        s.env,
        180_000,
      );
      assert.equal(taken.code, 125, taken.stderr);
      assert.match(
        taken.stderr,
        /Error response from daemon: .*Bind for 127\.0\.0\.1:\d+ failed: port is already allocated/,
      );
      assert.equal((await dockerOk(['inspect', '--format', '{{.State.Status}}', 'web2'], s.env)).trim(), 'created');
      await dockerOk(['rm', 'web2'], s.env);
      assert.equal((await getPage(port)).trim(), PAGE, 'the first container keeps its port');

      // Stop: the listener goes; start: it comes back on the same port.
      await dockerOk(['stop', '-t', '1', 'web'], s.env, 120_000);
      assert.ok(await refusedWithin(port), 'nothing listens after docker stop');
      assert.deepEqual(
        JSON.parse(await dockerOk(['inspect', '--format', '{{json .NetworkSettings.Ports}}', 'web'], s.env)),
        {},
      );
      await dockerOk(['start', 'web'], s.env, 180_000);
      assert.equal((await getPage(port)).trim(), PAGE);
      await dockerOk(['rm', '-f', 'web'], s.env, 120_000);
      assert.ok(await refusedWithin(port), 'nothing listens after docker rm -f');
    });

    test('-p 80 (a random host port read back with docker port), kept across a badidea restart', async () => {
      await dockerOk(['run', '-d', '--name', 'rnd', '-p', '80', 'busybox', ...HTTPD], s.env, 180_000);
      const port = hostPortOf(await dockerOk(['port', 'rnd', '80/tcp'], s.env));
      assert.equal((await getPage(port)).trim(), PAGE);

      await s.restartServer();
      // The new server answers 503 while its cache loads: ask until it has.
      let after = '';
      for (let i = 0; i < 120 && !after; i++) {
        const r = await docker(['port', 'rnd', '80/tcp'], s.env);
        if (r.code === 0) after = r.stdout;
        else await delay(500);
      }
      assert.equal(hostPortOf(after), port, 'same port after a restart');
      assert.equal((await getPage(port)).trim(), PAGE, 'the listener is back after a badidea restart');
      await dockerOk(['rm', '-f', 'rnd'], s.env, 120_000);
      assert.ok(await refusedWithin(port));
    });

    test('-P publishes every exposed port; testcontainers reads NetworkSettings.Ports', async () => {
      await dockerOk(
        ['run', '-d', '--name', 'all', '-P', '--expose', '80', '--expose', '81', 'busybox', ...HTTPD],
        s.env,
        180_000,
      );
      const ports = JSON.parse(
        await dockerOk(['inspect', '--format', '{{json .NetworkSettings.Ports}}', 'all'], s.env),
      ) as Record<string, { HostIp: string; HostPort: string }[]>;
      assert.deepEqual(Object.keys(ports).sort(), ['80/tcp', '81/tcp']);
      const port = Number(ports['80/tcp'][0].HostPort);
      assert.ok(port > 0 && Number(ports['81/tcp'][0].HostPort) > 0);
      assert.equal((await getPage(port)).trim(), PAGE);
      await dockerOk(['rm', '-f', 'all'], s.env, 120_000);
    });

    test('100 concurrent requests and 1,000 sequential connections through one port, no socket growth', async () => {
      const port = await freePort();
      await dockerOk(['run', '-d', '--name', 'load', '-p', `${port}:80`, 'busybox', ...HTTPD], s.env, 180_000);
      assert.equal((await getPage(port)).trim(), PAGE);
      const pid = s.server.process.pid ?? 0;
      await delay(1000);
      const before = openFds(pid);

      const concurrent = await Promise.all(Array.from({ length: 100 }, () => getPage(port, 120_000)));
      assert.ok(concurrent.every((b) => b.trim() === PAGE));
      for (let i = 0; i < 1000; i++) {
        const r = await get(port, 60_000);
        assert.equal(r.status, 200, `connection ${i}`);
      }
      // Every connection is closed by now; give the server a moment to reap its side.
      let after = openFds(pid);
      for (let i = 0; i < 100 && after > before + 10; i++) {
        await delay(200);
        after = openFds(pid);
      }
      assert.ok(after <= before + 10, `open descriptors grew from ${before} to ${after}`);
      await dockerOk(['rm', '-f', 'load'], s.env, 120_000);
    });

    if (mode === 'direct') {
      test('UDP is refused from outside; a Service carries the ports inside the cluster', async () => {
        const udp = await docker(['run', '-d', '--name', 'dns', '-p', '5353:53/udp', 'busybox', 'sleep', '60'], s.env);
        assert.equal(udp.code, 125);
        assert.match(udp.stderr, /publishing UDP ports .* is not possible/);

        await dockerOk(
          ['run', '-d', '--name', 'svc', '--expose', '80', '--expose', '53/udp', 'busybox', ...HTTPD],
          s.env,
          180_000,
        );
        const ns = s.cluster.namespace;
        let svc:
          | { spec: { ports: { port: number; protocol: string }[] }; metadata: { ownerReferences?: unknown[] } }
          | undefined;
        for (let i = 0; i < 300 && !svc; i++) {
          try {
            svc = await s.cluster.api.request('GET', `/api/v1/namespaces/${ns}/services/svc`);
          } catch {
            await delay(200);
          }
        }
        assert.ok(svc, 'the Service svc exists');
        assert.deepEqual(svc.spec.ports.map((p) => `${p.port}/${p.protocol}`).sort(), ['53/UDP', '80/TCP']);
        assert.ok((svc.metadata.ownerReferences ?? []).length >= 1, 'owned by the pod');
        await dockerOk(['rm', '-f', 'svc'], s.env, 120_000);
      });
    }
  });
}
