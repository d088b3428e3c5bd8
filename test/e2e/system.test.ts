// docker version / docker info with the real docker CLI against badidea on the simulated cluster:
// over TCP, a unix socket and mutual TLS; and a cluster that is down when badidea starts, then comes up.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type BadideaServer, docker, startBadidea } from '../helpers/badidea.ts';
import { makeCerts } from '../helpers/certs.ts';
import { getCluster, type TestCluster } from '../helpers/cluster.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';

interface Info {
  NCPU: number;
  MemTotal: number;
  OperatingSystem: string;
  Name: string;
  Containers: number;
  ServerVersion: string;
}

async function expectedCapacity(cluster: TestCluster): Promise<{ ncpu: number; mem: number }> {
  const nodes = await cluster.api.request<{
    items: { spec?: { unschedulable?: boolean }; status: { allocatable: Record<string, string> } }[];
  }>('GET', '/api/v1/nodes');
  const { parseByteQuantity, parseCpuQuantity } = await import('../../src/translate/quantity.ts');
  let cpu = 0;
  let mem = 0;
  for (const n of nodes.items.filter((n) => !n.spec?.unschedulable)) {
    cpu += parseCpuQuantity(n.status.allocatable.cpu);
    mem += parseByteQuantity(n.status.allocatable.memory);
  }
  return { ncpu: Math.floor(cpu), mem };
}

async function checkVersionAndInfo(server: BadideaServer, env: NodeJS.ProcessEnv, cluster: TestCluster) {
  const v = await docker(['version', '--format', '{{json .}}'], env);
  assert.equal(v.code, 0, v.stderr);
  const version = JSON.parse(v.stdout) as {
    Client: { ApiVersion: string };
    Server: { Platform: { Name: string }; Components: { Name: string; Version: string }[]; ApiVersion: string };
  };
  assert.equal(version.Client.ApiVersion, '1.50');
  assert.match(version.Server.Platform.Name, /^badidea /);
  assert.equal(version.Server.ApiVersion, '1.55');
  assert.ok(version.Server.Components.some((c) => c.Name === 'Kubernetes' && /^v1\./.test(c.Version)));
  // The CLI negotiated down to its maximum and used it on the wire.
  assert.match(server.logs(), /"path":"\/v1\.50\/version"/);

  const i = await docker(['info', '--format', '{{json .}}'], env);
  assert.equal(i.code, 0, i.stderr);
  assert.ok(!i.stdout.includes('"ServerErrors"'), i.stdout);
  const info = JSON.parse(i.stdout) as Info;
  const want = await expectedCapacity(cluster);
  assert.equal(info.NCPU, want.ncpu);
  assert.equal(info.MemTotal, want.mem);
  assert.ok(want.ncpu > 0 && want.mem > 0);
  assert.match(info.OperatingSystem, /^Kubernetes v1\.\S+ \(badidea /);
  assert.ok(info.Name.endsWith(`/${cluster.namespace}`));
  assert.equal(info.Containers, 0);
}

describe('docker version and docker info', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await getCluster();
  });
  after(() => cluster.stop());

  test('over TCP and a unix socket', async () => {
    const sock = join(mkdtempSync(join(tmpdir(), 'badidea-sock-')), 'docker.sock');
    const server = await startBadidea({
      kubeconfig: cluster.kubeconfig,
      namespace: cluster.namespace,
      listen: ['tcp://127.0.0.1:0', `unix://${sock}`],
    });
    try {
      assert.match(server.dockerHosts[0], /^tcp:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(server.dockerHosts[1], `unix://${sock}`);
      await checkVersionAndInfo(server, server.env, cluster);
      await checkVersionAndInfo(server, { ...server.env, DOCKER_HOST: server.dockerHosts[1] }, cluster);
      assert.match(server.logs(), /"client":"unix"/);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('over mutual TLS with docker --tlsverify', async () => {
    const certs = makeCerts();
    const server = await startBadidea({
      kubeconfig: cluster.kubeconfig,
      namespace: cluster.namespace,
      args: ['--tls-cert', certs.serverCert, '--tls-key', certs.serverKey, '--tls-ca', certs.ca, '--require-auth'],
      certPath: certs.clientDir,
    });
    try {
      await checkVersionAndInfo(server, server.env, cluster);
      assert.match(server.logs(), /"client":"cert:alice"/);
      const stranger = await docker(['version'], { ...server.env, DOCKER_CERT_PATH: certs.strangerDir });
      assert.notEqual(stranger.code, 0);
    } finally {
      await server.stop();
    }
  });

  test('cluster down at start: 503 naming the cluster and the cause; then service without restart', async () => {
    const original = readFileSync(cluster.kubeconfig, 'utf8');
    const m = /server: https:\/\/127\.0\.0\.1:(\d+)/.exec(original);
    assert.ok(m, 'the kubeconfig names a loopback API server');
    const proxy = await TcpProxy.create({ host: '127.0.0.1', port: Number(m[1]) });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'badidea-kc-')), 'kubeconfig');
    writeFileSync(kubeconfig, original.replace(`127.0.0.1:${m[1]}`, `127.0.0.1:${proxy.port}`));
    const server = await startBadidea({ kubeconfig, namespace: cluster.namespace });
    try {
      const ping = await docker(['version', '--format', '{{.Server.Version}}'], server.env);
      assert.equal(ping.code, 0, `/version answers while the cluster is down: ${ping.stderr}`);
      const down = await docker(['info'], server.env);
      assert.notEqual(down.code, 0);
      assert.match(
        down.stderr,
        new RegExp(
          `Kubernetes cluster "\\S+" \\(https://127\\.0\\.0\\.1:${proxy.port}\\) is unreachable: .*ECONNREFUSED`,
        ),
      );
      await proxy.up();
      // `docker info` exits 0 with ServerErrors in its JSON when the daemon answers an error.
      const failed = (r: { code: number | null; stdout: string }) =>
        r.code !== 0 || r.stdout.includes('"ServerErrors"');
      let info = await docker(['info', '--format', '{{json .}}'], server.env);
      for (let i = 0; i < 100 && failed(info); i++) {
        await delay(100);
        info = await docker(['info', '--format', '{{json .}}'], server.env);
      }
      assert.ok(!failed(info), info.stdout + info.stderr);
      assert.ok((JSON.parse(info.stdout) as Info).NCPU > 0, info.stdout);
    } finally {
      await server.stop();
      await proxy.down();
    }
  });
});
