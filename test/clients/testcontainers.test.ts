// Compatibility: the published testcontainers package (12) for Node against badidea on the (simulated) cluster,
// with TESTCONTAINERS_RYUK_DISABLED=true, so each test's cleanup is its own (Ryuk, which badidea serves itself, is
// tested in testcontainers-cleanup.test.ts). GenericContainer with ports, wait strategies, env, command, labels,
// copy before start, exec, logs, restart, stop, and a Network with aliases.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ContainersSetup, setupContainers } from '../helpers/containers.ts';

type TC = typeof import('testcontainers');

function get(host: string, port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path, agent: false, timeout: 30_000 }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

const HTTPD = [
  'sh',
  '-c',
  "mkdir -p /www; echo page > /www/index.html; echo 'server starting'; exec httpd -f -v -p 80 -h /www",
];
const START = 300_000;

describe('testcontainers 12 (Ryuk disabled)', () => {
  let s: ContainersSetup;
  let tc: TC;
  before(async () => {
    s = await setupContainers();
    process.env.DOCKER_HOST = s.server.dockerHost;
    process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
    tc = await import('testcontainers');
  });
  after(() => s?.stop());

  test('exposed port, getMappedPort, HTTP call, env, labels, exec, logs, restart, stop', async () => {
    const c = await new tc.GenericContainer('busybox')
      .withCommand(HTTPD)
      .withExposedPorts(80)
      .withEnvironment({ TC_ENV: 'tc-value' })
      .withLabels({ 'tc-label': 'yes' })
      .withStartupTimeout(START)
      .start();
    try {
      const host = c.getHost();
      const port = c.getMappedPort(80);
      assert.ok(port > 0);
      let body = '';
      for (let i = 0; i < 60 && body !== 'page\n'; i++) {
        body = await get(host, port, '/index.html').catch(() => '');
        if (body !== 'page\n') await new Promise((r) => setTimeout(r, 1000));
      }
      assert.equal(body, 'page\n');
      assert.equal(c.getLabels()['tc-label'], 'yes');

      const env = await c.exec(['sh', '-c', 'echo $TC_ENV; echo err >&2; exit 3']);
      assert.equal(env.exitCode, 3);
      assert.equal(env.stdout, 'tc-value\n');
      assert.equal(env.stderr, 'err\n');

      const logs = await c.logs();
      let text = '';
      await new Promise<void>((resolve) => {
        logs.on('data', (d: Buffer | string) => {
          text += d;
          if (text.includes('server starting')) resolve();
        });
      });
      logs.destroy();

      await c.restart({ timeout: 1 });
      const port2 = c.getMappedPort(80);
      body = '';
      for (let i = 0; i < 60 && body !== 'page\n'; i++) {
        body = await get(c.getHost(), port2, '/index.html').catch(() => '');
        if (body !== 'page\n') await new Promise((r) => setTimeout(r, 1000));
      }
      assert.equal(body, 'page\n');
    } finally {
      await c.stop({ timeout: 1 });
    }
  });

  test('listening ports wait (the default), withCopyContentToContainer before start', async () => {
    const c = await new tc.GenericContainer('busybox')
      .withCommand(['httpd', '-f', '-p', '80', '-h', '/site'])
      .withCopyContentToContainer([{ content: 'copied\n', target: '/site/index.html' }])
      .withExposedPorts(80)
      .withStartupTimeout(START)
      .start();
    try {
      assert.equal(await get(c.getHost(), c.getMappedPort(80), '/index.html'), 'copied\n');
    } finally {
      await c.stop({ timeout: 1 });
    }
  });

  test('HTTP wait strategy', async () => {
    const c = await new tc.GenericContainer('busybox')
      .withCommand(HTTPD)
      .withExposedPorts(80)
      .withWaitStrategy(tc.Wait.forHttp('/index.html', 80).forStatusCode(200))
      .withStartupTimeout(START)
      .start();
    try {
      assert.equal(await get(c.getHost(), c.getMappedPort(80), '/index.html'), 'page\n');
    } finally {
      await c.stop({ timeout: 1 });
    }
  });

  test('log message wait strategy, on the first start (stdout only: the stderr log request stays unanswered)', async () => {
    const c = await new tc.GenericContainer('busybox')
      .withCommand(['sh', '-c', 'echo booting; sleep 1; echo "ready to serve"; exec sleep 3600'])
      .withWaitStrategy(tc.Wait.forLogMessage(/ready to serve/))
      .withStartupTimeout(60_000)
      .start();
    try {
      const r = await c.exec(['echo', 'up']);
      assert.equal(r.stdout, 'up\n');
    } finally {
      await c.stop({ timeout: 1 });
    }
  });

  test('one-shot startup wait, withCopyFilesToContainer before start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-files-'));
    writeFileSync(join(dir, 'greeting.txt'), 'from a file\n');
    const c = await new tc.GenericContainer('busybox')
      .withCommand(['cat', '/in/greeting.txt'])
      .withCopyFilesToContainer([{ source: join(dir, 'greeting.txt'), target: '/in/greeting.txt' }])
      .withWaitStrategy(tc.Wait.forOneShotStartup())
      .withStartupTimeout(START)
      .start();
    try {
      const logs = await c.logs();
      let text = '';
      await new Promise<void>((resolve, reject) => {
        logs.on('data', (d: Buffer | string) => {
          text += d;
        });
        logs.on('end', resolve);
        logs.on('error', reject);
      });
      assert.equal(text, 'from a file\n');
    } finally {
      await c.stop({ timeout: 1 });
    }
  });

  test('health check wait strategy', async () => {
    const c = await new tc.GenericContainer('busybox')
      .withCommand(['sh', '-c', 'sleep 2; touch /tmp/ready; exec sleep 3600'])
      .withHealthCheck({ test: ['CMD', 'test', '-f', '/tmp/ready'], interval: 1000, timeout: 3000, retries: 60 })
      .withWaitStrategy(tc.Wait.forHealthCheck())
      .withStartupTimeout(START)
      .start();
    try {
      const r = await c.exec(['ls', '/tmp/ready']);
      assert.equal(r.exitCode, 0);
    } finally {
      await c.stop({ timeout: 1 });
    }
  });

  test('Network with aliases', async () => {
    const network = await new tc.Network().start();
    const server = await new tc.GenericContainer('busybox')
      .withCommand(HTTPD)
      .withNetwork(network)
      .withNetworkAliases('webalias')
      .withStartupTimeout(START)
      .start();
    const client = await new tc.GenericContainer('busybox')
      .withCommand(['sleep', '3600'])
      .withNetwork(network)
      .withStartupTimeout(START)
      .start();
    try {
      let r = { exitCode: -1, output: '' };
      for (let i = 0; i < 60 && r.exitCode !== 0; i++) {
        r = await client.exec(['wget', '-q', '-O-', 'http://webalias/index.html']);
        if (r.exitCode !== 0) await new Promise((res) => setTimeout(res, 1000));
      }
      assert.equal(r.exitCode, 0, r.output);
      assert.equal(r.output, 'page\n');
    } finally {
      await client.stop({ timeout: 1 });
      await server.stop({ timeout: 1 });
      await network.stop();
    }
  });
});
