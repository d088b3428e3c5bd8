import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RegistryClient } from './client.ts';
import { RegistryError } from './errors.ts';
import { parseReference } from './reference.ts';
import {
  freePort,
  type PrivateRegistry,
  startPrivateRegistry,
  TEST_PASSWORD,
  TEST_USER,
} from './testing/htpasswd-registry.ts';
import { type Layer, pushImage, pushIndex, readImage } from './testing/push.ts';
import { MediaType } from './types.ts';

const LOCAL = 'http://127.0.0.1:5000';
const amd64 = { os: 'linux', architecture: 'amd64' };

async function rejectsWith(p: Promise<unknown>, kind: string, message: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof RegistryError, String(err));
    assert.equal(err.kind, kind);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

describe('against the local registry (127.0.0.1:5000)', () => {
  const client = new RegistryClient({ mirrors: [LOCAL], insecureRegistries: [] });
  after(() => client.close());

  test('a Docker Hub name resolves through the mirror', async () => {
    const r = await client.resolve(parseReference('busybox'), { platform: amd64 });
    assert.deepEqual(r.ref, { domain: 'docker.io', path: 'library/busybox', tag: 'latest' });
    assert.equal(r.endpoint, LOCAL);
    assert.match(r.configDigest, /^sha256:[a-f0-9]{64}$/);
    assert.equal(r.repoDigest, r.manifestDigest);
    const blob = r.configJson;
    assert.equal(`sha256:${createHash('sha256').update(blob).digest('hex')}`, r.configDigest);
    assert.deepEqual(r.config.config?.Cmd, ['sh']);
  });

  test('the same image by registry address and by digest', async () => {
    const byTag = await client.resolve(parseReference('127.0.0.1:5000/library/busybox:latest'), { platform: amd64 });
    const byDigest = await client.resolve(parseReference(`127.0.0.1:5000/library/busybox@${byTag.repoDigest}`), {
      platform: amd64,
    });
    assert.equal(byDigest.configDigest, byTag.configDigest);
    assert.equal(byTag.endpoint, LOCAL); // 127.0.0.0/8 is insecure by default: HTTPS failed, HTTP served
  });

  test('an unknown tag is Docker`s manifest-unknown error', async () => {
    await rejectsWith(
      client.resolve(parseReference('127.0.0.1:5000/nosuch:v1'), { platform: amd64 }),
      'not-found',
      'manifest for 127.0.0.1:5000/nosuch:v1 not found: manifest unknown: manifest unknown',
    );
  });

  test('an unreachable registry is unavailable, with Go`s wording', async () => {
    const port = await freePort();
    await rejectsWith(
      client.resolve(parseReference(`127.0.0.1:${port}/x`), { platform: amd64 }),
      'unavailable',
      `Get "http://127.0.0.1:${port}/v2/x/manifests/latest": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    );
  });

  test('a multi-platform index resolves to the requested platform', async () => {
    const bb = await readImage(LOCAL, 'library/busybox', 'latest');
    const mk = (architecture: string, variant?: string) =>
      pushImage({
        base: LOCAL,
        repo: 'badidea-test/multi',
        config: {
          ...bb.config,
          architecture,
          ...(variant ? { variant } : {}),
          config: { Cmd: ['echo', architecture] },
        },
        layers: bb.layers,
      });
    const a = await mk('amd64');
    const b = await mk('arm64', 'v8');
    const index = await pushIndex({
      base: LOCAL,
      repo: 'badidea-test/multi',
      tag: 'v1',
      entries: [
        { image: a, platform: amd64 },
        { image: b, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      ],
    });
    const ref = parseReference('127.0.0.1:5000/badidea-test/multi:v1');
    const ra = await client.resolve(ref, { platform: amd64 });
    assert.equal(ra.repoDigest, index);
    assert.equal(ra.manifestDigest, a.manifestDigest);
    assert.equal(ra.configDigest, a.configDigest);
    const rb = await client.resolve(ref, { platform: { os: 'linux', architecture: 'arm64' } });
    assert.equal(rb.manifestDigest, b.manifestDigest);
    assert.deepEqual(rb.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
    await rejectsWith(
      client.resolve(ref, { platform: { os: 'linux', architecture: 's390x' } }),
      'platform',
      'no matching manifest for linux/s390x in the manifest list entries',
    );
    await rejectsWith(
      client.resolve(parseReference('127.0.0.1:5000/library/busybox'), {
        platform: { os: 'linux', architecture: 'arm64' },
        explicitPlatform: true,
      }),
      'platform',
      /was found but its platform \(linux\/amd64\) does not match the specified platform \(linux\/arm64\/v8\)/,
    );
  });
});

describe('a private registry with htpasswd (Basic auth)', () => {
  let reg: PrivateRegistry;
  let layers: Layer[];
  const client = new RegistryClient({ mirrors: [], insecureRegistries: [] });
  before(async () => {
    reg = await startPrivateRegistry();
    const bb = await readImage(LOCAL, 'library/busybox', 'latest');
    layers = bb.layers;
    await pushImage({
      base: reg.base,
      repo: 'private/bb',
      tag: '1',
      config: bb.config,
      layers,
      auth: { username: TEST_USER, password: TEST_PASSWORD },
    });
  });
  after(async () => {
    await client.close();
    await reg?.stop();
  });

  test('without credentials: dockerd`s "no basic auth credentials"', async () => {
    await rejectsWith(
      client.resolve(parseReference(`${reg.host}/private/bb:1`), { platform: amd64 }),
      'unauthorized',
      `Head "${reg.base}/v2/private/bb/manifests/1": no basic auth credentials`,
    );
  });

  test('with wrong credentials: the registry`s error', async () => {
    await rejectsWith(
      client.resolve(parseReference(`${reg.host}/private/bb:1`), {
        platform: amd64,
        auth: { username: TEST_USER, password: 'wrong' },
      }),
      'unauthorized',
      'unauthorized: authentication required',
    );
  });

  test('with credentials (also as `auth`) it resolves', async () => {
    const r = await client.resolve(parseReference(`${reg.host}/private/bb:1`), {
      platform: amd64,
      auth: { username: TEST_USER, password: TEST_PASSWORD },
    });
    assert.equal(r.endpoint, reg.base);
  });

  test('login checks the credentials', async () => {
    await client.login({ username: TEST_USER, password: TEST_PASSWORD, serveraddress: reg.host });
    await client.login({ username: TEST_USER, password: TEST_PASSWORD, serveraddress: `http://${reg.host}/v2/` });
    await rejectsWith(
      client.login({ username: TEST_USER, password: 'nope', serveraddress: reg.host }),
      'unauthorized',
      `login attempt to ${reg.base}/v2/ failed with status: 401 Unauthorized`,
    );
  });
});

/** A fake registry with token auth (like Docker Hub): /v2/ and manifests need a Bearer token from /token. */
function tokenRegistry(handler?: (req: IncomingMessage, res: ServerResponse) => boolean) {
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['x'] } });
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: [],
  });
  const tokenRequests: string[] = [];
  const server = createHttp((req, res) => {
    if (handler?.(req, res)) return;
    const url = new URL(req.url!, 'http://x');
    const base = `${(req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${req.headers.host}`;
    if (url.pathname === '/token') {
      tokenRequests.push(`${req.method} ${url.search} ${req.headers.authorization ?? ''}`);
      if (req.headers.authorization && req.headers.authorization !== `Basic ${btoa('u:p')}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ details: 'incorrect username or password' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: req.headers.authorization ? 'tok-user' : 'tok-anon', expires_in: 300 }));
      return;
    }
    const auth = req.headers.authorization ?? '';
    const wants = url.pathname.startsWith('/v2/private/') ? 'Bearer tok-user' : 'Bearer tok-';
    if (!auth.startsWith(wants)) {
      res.writeHead(401, {
        'content-type': 'application/json',
        'www-authenticate': `Bearer realm="${base}/token",service="fake",scope="repository:x:pull"`,
      });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      return;
    }
    if (url.pathname === '/v2/') {
      res.writeHead(200).end('{}');
    } else if (url.pathname.endsWith('/manifests/latest')) {
      res.writeHead(200, { 'content-type': MediaType.ociManifest }).end(manifest);
    } else if (url.pathname.endsWith(`/blobs/${configDigest}`)) {
      res.writeHead(200).end(config);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] }));
    }
  });
  return { server, tokenRequests, configDigest };
}

async function listen(s: ReturnType<typeof createHttp>): Promise<string> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('Bearer token auth', () => {
  test('anonymous and credentialed tokens, cached per scope; OCI manifests', async () => {
    const fake = tokenRegistry();
    const host = await listen(fake.server);
    const client = new RegistryClient({ mirrors: [], insecureRegistries: [] });
    try {
      const r = await client.resolve(parseReference(`${host}/pub/app`), { platform: amd64 });
      assert.equal(r.configDigest, fake.configDigest);
      assert.equal(fake.tokenRequests.length, 1);
      assert.match(fake.tokenRequests[0], /^GET \?service=fake&scope=repository%3Apub%2Fapp%3Apull $/);
      await client.resolve(parseReference(`${host}/pub/app`), { platform: amd64 });
      assert.equal(fake.tokenRequests.length, 1, 'token reused');
      const p = await client.resolve(parseReference(`${host}/private/app`), {
        platform: amd64,
        auth: { username: 'u', password: 'p' },
      });
      assert.equal(p.configDigest, fake.configDigest);
      assert.match(fake.tokenRequests.at(-1)!, /account=u .*Basic/);
      await rejectsWith(
        client.resolve(parseReference(`${host}/private/app`), {
          platform: amd64,
          auth: { username: 'u', password: 'x' },
        }),
        'unauthorized',
        `Get "http://${host}/token": unauthorized: incorrect username or password`,
      );
      await rejectsWith(
        client.resolve(parseReference(`${host}/pub/app:missing`), { platform: amd64 }),
        'not-found',
        /^manifest for .* not found|^repository .* not found/,
      );
      await client.login({ username: 'u', password: 'p', serveraddress: host });
      await rejectsWith(
        client.login({ username: 'u', password: 'x', serveraddress: host }),
        'unauthorized',
        /incorrect/,
      );
    } finally {
      await client.close();
      fake.server.close();
    }
  });

  test('an identity token is exchanged with a refresh_token grant', async () => {
    const seen: string[] = [];
    const fake = tokenRegistry((req, res) => {
      if (req.url === '/token' && req.method === 'POST') {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => {
          seen.push(body);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ access_token: 'tok-user', expires_in: 300 }));
        });
        return true;
      }
      return false;
    });
    const host = await listen(fake.server);
    const client = new RegistryClient({ mirrors: [], insecureRegistries: [] });
    try {
      await client.resolve(parseReference(`${host}/private/app`), { platform: amd64, auth: { identitytoken: 'rt' } });
      assert.match(seen[0], /grant_type=refresh_token&refresh_token=rt&client_id=docker/);
    } finally {
      await client.close();
      fake.server.close();
    }
  });
});

describe('TLS', () => {
  test('an extra CA makes a self-signed registry trusted; without it the error is clear', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'badidea-ca-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=registry.test',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      const fake = tokenRegistry();
      const tls = createHttps({ cert, key: readFileSync(join(dir, 'key.pem')) }, (req, res) =>
        fake.server.emit('request', req, res),
      );
      await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
      const port = (tls.address() as AddressInfo).port;
      const secure = new RegistryClient({
        mirrors: [],
        insecureRegistries: [],
        loopbackInsecure: false,
        caCertificates: [cert],
      });
      const plain = new RegistryClient({ mirrors: [], insecureRegistries: [], loopbackInsecure: false });
      const insecure = new RegistryClient({ mirrors: [], insecureRegistries: [`127.0.0.1:${port}`] });
      const login = { username: 'u', password: 'p', serveraddress: `127.0.0.1:${port}` };
      try {
        await secure.login(login);
        await insecure.login(login);
        await rejectsWith(plain.login(login), 'unavailable', /self[- ]signed certificate/);
      } finally {
        await Promise.all([secure.close(), plain.close(), insecure.close()]);
        tls.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
