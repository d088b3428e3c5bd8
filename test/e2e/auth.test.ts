// Authentication with the real docker CLI: tokens through HttpHeaders in the CLI's config.json, client
// certificates, --require-auth on loopback, and the refusal to listen on a public address without auth.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { docker, run, startBadidea } from '../helpers/badidea.ts';
import { makeCerts } from '../helpers/certs.ts';
import { getCluster, type TestCluster } from '../helpers/cluster.ts';

const TOKEN = 'e2e-token-0123456789abcdef';

function withHeaders(env: NodeJS.ProcessEnv, headers: Record<string, string>): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ HttpHeaders: headers }));
  return { ...env, DOCKER_CONFIG: dir };
}

describe('authentication', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await getCluster();
  });
  after(() => cluster.stop());

  test('--require-auth: no token or a wrong one gets 401; the right one through HttpHeaders is served', async () => {
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'tokens-')), 'tokens');
    writeFileSync(tokenFile, `# badidea tokens\n${TOKEN}\n`);
    const server = await startBadidea({
      kubeconfig: cluster.kubeconfig,
      namespace: cluster.namespace,
      args: ['--require-auth', '--token-file', tokenFile],
    });
    try {
      const none = await docker(['version'], server.env);
      assert.notEqual(none.code, 0);
      assert.match(none.stderr, /authentication required/);
      const wrong = await docker(
        ['version'],
        withHeaders(server.env, { Authorization: 'Bearer not-the-token-at-all' }),
      );
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /invalid token/);
      const raw = await fetch(`http://${server.dockerHost.slice('tcp://'.length)}/_ping`);
      assert.equal(raw.status, 401);
      assert.match(((await raw.json()) as { message: string }).message, /authentication required/);

      const good = await docker(
        ['version', '--format', '{{.Server.Version}}'],
        withHeaders(server.env, { Authorization: `Bearer ${TOKEN}` }),
      );
      assert.equal(good.code, 0, good.stderr);
      const alias = await docker(['info', '--format', '{{.Name}}'], withHeaders(server.env, { 'X-Badidea': TOKEN }));
      assert.equal(alias.code, 0, alias.stderr);
      assert.ok(alias.stdout.trim().endsWith(`/${cluster.namespace}`));
      assert.doesNotMatch(server.logs(), new RegExp(TOKEN));
      assert.match(server.logs(), /"client":"token:[0-9a-f]{12}"/);
    } finally {
      await server.stop();
    }
  });

  test('TLS with a client CA: no client certificate gets 401, a token still works', async () => {
    const certs = makeCerts();
    const server = await startBadidea({
      kubeconfig: cluster.kubeconfig,
      namespace: cluster.namespace,
      args: ['--tls-cert', certs.serverCert, '--tls-key', certs.serverKey, '--tls-ca', certs.ca, '--require-auth'],
      env: { BADIDEA_TOKENS: TOKEN },
    });
    try {
      const port = Number(server.dockerHost.split(':').pop());
      const get = (headers: Record<string, string> = {}) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = https.get(
            { host: '127.0.0.1', port, path: '/_ping', ca: readFileSync(certs.ca), headers },
            (res) => {
              let body = '';
              res.on('data', (d) => {
                body += d;
              });
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            },
          );
          req.on('error', reject);
        });
      const anonymous = await get();
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.body, /authentication required/);
      assert.equal((await get({ authorization: `Bearer ${TOKEN}` })).status, 200);
      const cli = await docker(['version', '--format', '{{.Server.Version}}'], {
        ...server.env,
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: certs.clientDir,
      });
      assert.equal(cli.code, 0, cli.stderr);
    } finally {
      await server.stop();
    }
  });

  test('refuses to start on a non-loopback address without authentication', async () => {
    const r = await run(
      join(process.cwd(), 'bin', 'badidea'),
      ['--kubeconfig', cluster.kubeconfig, '-H', 'tcp://0.0.0.0:0'],
      { PATH: process.env.PATH },
      15_000,
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /refusing to listen on tcp:\/\/0\.0\.0\.0:0 without authentication/);
    const plain2376 = await run(join(process.cwd(), 'bin', 'badidea'), ['-H', 'tcp://127.0.0.1:2376'], {
      PATH: process.env.PATH,
    });
    assert.equal(plain2376.code, 2);
    assert.match(plain2376.stderr, /port 2376/);
  });
});
