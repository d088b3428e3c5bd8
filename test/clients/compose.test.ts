// Compatibility: Debian's docker-compose 1.29.2 (/usr/bin/docker-compose, docker-py 5) against badidea on the
// (simulated) cluster. One project: two services on the project network resolving each other by service name, a
// named volume, a published port, environment, depends_on with service_healthy and a healthcheck; up -d, ps, logs
// (also -f), exec, run, stop, start, down -v.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { run } from '../helpers/badidea.ts';
import { type ContainersSetup, setupContainers } from '../helpers/containers.ts';

const COMPOSE = '/usr/bin/docker-compose';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

async function eventually<T>(f: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await f();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

describe('docker-compose 1.29', () => {
  let s: ContainersSetup;
  let dir: string;
  let port: number;
  const compose = async (args: string[], timeoutMs = 300_000) => {
    const r = await run(
      COMPOSE,
      ['-p', 'cproj', '-f', join(dir, 'docker-compose.yml'), ...args],
      { ...s.env, COMPOSE_HTTP_TIMEOUT: '600' },
      timeoutMs,
    );
    return { ...r, all: `${r.stdout}${r.stderr}` };
  };
  const composeOk = async (args: string[], timeoutMs?: number) => {
    const r = await compose(args, timeoutMs);
    assert.equal(r.code, 0, `docker-compose ${args.join(' ')}:\n${r.all}`);
    return r;
  };

  before(async () => {
    s = await setupContainers();
    port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'compose-'));
    writeFileSync(
      join(dir, 'docker-compose.yml'),
      `version: "2.4"
services:
  web:
    image: busybox
    command: ["sh", "-c", "echo web-$$GREETING > /data/index.html; echo web starting; exec httpd -f -v -p 80 -h /data"]
    environment:
      GREETING: hello
    volumes:
      - data:/data
    ports:
      - "${port}:80"
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:80/index.html"]
      interval: 2s
      timeout: 5s
      retries: 30
  client:
    image: busybox
    command: ["sh", "-c", "trap 'exit 0' TERM; echo client up; while true; do sleep 1; done"]
    depends_on:
      web:
        condition: service_healthy
volumes:
  data: {}
`,
    );
  });
  after(async () => {
    if (s && dir) await compose(['down', '-v', '-t', '1']);
    await s?.stop();
  });

  test('up -d with service_healthy, ps, the published port, DNS by service name, logs', async () => {
    const up = await compose(['up', '-d'], 600_000);
    assert.equal(up.code, 0, up.all);

    const ps = await composeOk(['ps']);
    assert.match(ps.stdout, /cproj_web_1\s.*Up \(healthy\)/);
    assert.match(ps.stdout, /cproj_client_1\s.*Up/);
    assert.match(ps.stdout, new RegExp(`127\\.0\\.0\\.1:${port}->80/tcp`));

    assert.equal(await eventually(() => get(port, '/index.html')), 'web-hello\n');

    // The client reaches web by its service name on the project network.
    const exec = await composeOk(['exec', '-T', 'client', 'wget', '-q', '-O-', 'http://web/index.html']);
    assert.equal(exec.stdout, 'web-hello\n');
    const env = await composeOk(['exec', '-T', 'web', 'sh', '-c', 'echo $GREETING']);
    assert.equal(env.stdout, 'hello\n');

    const logs = await composeOk(['logs', '--no-color', 'web']);
    assert.match(logs.stdout, /web_1\s+\| web starting/);
    const all = await composeOk(['logs', '--no-color', '--tail', '5']);
    assert.match(all.stdout, /client_1\s+\| client up/);
  });

  test('logs -f: the history, then live lines as they are written', async () => {
    const follow = spawn(
      COMPOSE,
      ['-p', 'cproj', '-f', join(dir, 'docker-compose.yml'), 'logs', '-f', '--no-color', 'web'],
      {
        env: s.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    follow.stdout.on('data', (d) => {
      out += d;
    });
    const seen = async (re: RegExp) => {
      for (let i = 0; i < 120 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 500));
      assert.match(out, re);
    };
    try {
      await seen(/web_1\s+\| web starting/);
      // A request now: httpd -v logs it (to stderr, "response:404") while logs -f is running.
      const notFound = () => out.split('response:404').length - 1;
      const before = notFound();
      await get(port, '/live-marker').catch(() => {});
      for (let i = 0; i < 120 && notFound() === before; i++) await new Promise((r) => setTimeout(r, 500));
      assert.equal(notFound(), before + 1, out);
    } finally {
      follow.kill();
    }
  });

  test('run --rm -T: a one-off container on the network, with the named volume', async () => {
    const r = await composeOk(['run', '--rm', '-T', 'client', 'sh', '-c', 'wget -q -O- http://web/index.html']);
    assert.match(r.stdout, /web-hello/);
    const v = await composeOk(['run', '--rm', '-T', 'web', 'cat', '/data/index.html']);
    assert.match(v.stdout, /web-hello/);
  });

  test('stop, start, down -v', async () => {
    await composeOk(['stop', '-t', '2']);
    let ps = await composeOk(['ps']);
    assert.match(ps.stdout, /cproj_web_1\s.*Exit/);
    await composeOk(['start'], 600_000);
    ps = await composeOk(['ps']);
    assert.match(ps.stdout, /cproj_web_1\s.*Up/);
    assert.equal(await eventually(() => get(port, '/index.html')), 'web-hello\n');
    await composeOk(['down', '-v', '-t', '2']);
    ps = await composeOk(['ps']);
    assert.doesNotMatch(ps.stdout, /cproj_/);
    const vols = await run('/usr/local/bin/docker', ['volume', 'ls', '-q'], s.env);
    assert.doesNotMatch(vols.stdout, /cproj_data/);
    const nets = await run('/usr/local/bin/docker', ['network', 'ls', '--format', '{{.Name}}'], s.env);
    assert.doesNotMatch(nets.stdout, /cproj_default/);
  });
});
