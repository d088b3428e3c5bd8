import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NotModified } from '../errors.ts';
import { silentLogger } from '../log.ts';
import { type ApiServer, startApiServer } from './api-server.ts';
import type { Route } from './context.ts';
import { readJsonObject } from './http/body.ts';
import { json } from './http/reply.ts';
import { StdcopyDecoder } from './http/stdcopy.ts';
import { parseListenAddress } from './listen-address.ts';
import { systemRoutes } from './system/routes.ts';
import { echoRoute } from './testing/echo-route.ts';
import { rawConnect, splitHead } from './testing/raw-socket.ts';

const TOKEN = 'test-token-0123456789abcdef';

const testRoutes: Route[] = [
  echoRoute,
  { method: 'GET', path: '/boom', handler: () => Promise.reject(new Error('kaboom')) },
  { method: 'POST', path: '/start', handler: () => Promise.reject(new NotModified('')) },
  { method: 'POST', path: '/body', handler: async (ctx) => json(await readJsonObject(ctx)) },
];

const backend = {
  clusterVersion: async () => ({ kubernetesVersion: 'v1.32.0', platform: 'test' }),
  info: async () => ({ Containers: 0 }),
  diskUsage: async () => {
    const none = { items: [], active: 0, total: 0, size: 0, reclaimable: 0 };
    return { containers: none, images: none, volumes: none };
  },
};

async function start(requireAuth = false): Promise<{ server: ApiServer; port: number }> {
  const server = await startApiServer({
    listen: [parseListenAddress('tcp://127.0.0.1:0')],
    auth: { tokens: [TOKEN], requireAuth },
    log: silentLogger,
    serverVersion: '0.0.1',
    maxBodyBytes: 1024,
    routes: [systemRoutes(backend, { serverVersion: '0.0.1', gitCommit: 'abc' }), testRoutes],
  });
  return { server, port: Number(server.listeners[0].dockerHost.split(':').pop()) };
}

async function msg(r: Response): Promise<string> {
  return ((await r.json()) as { message: string }).message;
}

async function request(port: number, method: string, path: string, init: RequestInit = {}) {
  return fetch(`http://127.0.0.1:${port}${path}`, { method, ...init });
}

describe('api server', () => {
  let server: ApiServer;
  let port: number;
  before(async () => {
    ({ server, port } = await start());
  });
  after(() => server.shutdown(1000));

  test('HEAD and GET /_ping, versioned and not', async () => {
    const head = await request(port, 'HEAD', '/_ping');
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('api-version'), '1.55');
    assert.equal(head.headers.get('ostype'), 'linux');
    assert.equal(head.headers.get('docker-experimental'), 'false');
    assert.equal(head.headers.get('server'), 'badidea/0.0.1 (linux)');
    assert.equal(head.headers.get('cache-control'), 'no-cache, no-store, must-revalidate');
    assert.equal(head.headers.get('pragma'), 'no-cache');
    assert.equal(head.headers.get('content-length'), '0');
    for (const path of ['/_ping', '/v1.24/_ping', '/v1.55/_ping']) {
      const r = await request(port, 'GET', path);
      assert.equal(r.status, 200);
      assert.equal(await r.text(), 'OK');
    }
  });

  test('versions out of range get 400', async () => {
    const high = await request(port, 'GET', '/v1.99/version');
    assert.equal(high.status, 400);
    assert.deepEqual(await high.json(), {
      message: 'client version 1.99 is too new. Maximum supported API version is 1.55',
    });
    const low = await request(port, 'GET', '/v1.11/version');
    assert.equal(low.status, 400);
    assert.match(low.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(await low.text(), /^client version 1.11 is too old. Minimum supported API version is 1.24/);
  });

  test('unknown routes: Docker 404 JSON; handler errors map to statuses', async () => {
    const r = await request(port, 'GET', '/v1.41/nope');
    assert.equal(r.status, 404);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(await r.text(), '{"message":"page not found"}\n');
    assert.equal((await request(port, 'DELETE', '/_ping')).status, 404);
    const boom = await request(port, 'GET', '/boom');
    assert.equal(boom.status, 500);
    assert.deepEqual(await boom.json(), { message: 'kaboom' });
    const nm = await request(port, 'POST', '/start');
    assert.equal(nm.status, 304);
    assert.equal(nm.headers.get('content-type'), null);
  });

  test('JSON bodies: content type, malformed JSON, size limit', async () => {
    const ok = await request(port, 'POST', '/body', {
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    assert.deepEqual(await ok.json(), { a: 1 });
    const bad = await request(port, 'POST', '/body', { body: '{bad', headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 400);
    const form = await request(port, 'POST', '/body', {
      body: 'a=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 400);
    assert.match(await msg(form), /must be 'application\/json'/);
    const big = await request(port, 'POST', '/body', {
      body: JSON.stringify({ x: 'y'.repeat(2000) }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(big.status, 413);
    assert.match(await msg(big), /larger than the limit of 1024 bytes/);
  });

  test('/version names badidea and the cluster; /system/df by API version', async () => {
    const v = (await (await request(port, 'GET', '/v1.50/version')).json()) as {
      ApiVersion: string;
      MinAPIVersion: string;
      Version: string;
      Components: { Version: string }[];
    };
    assert.equal(v.ApiVersion, '1.55');
    assert.equal(v.MinAPIVersion, '1.24');
    assert.equal(v.Version, '0.0.1');
    assert.equal(v.Components[1].Version, 'v1.32.0');
    const old = (await (await request(port, 'GET', '/v1.41/system/df')).json()) as object;
    assert.deepEqual(Object.keys(old).sort(), ['BuildCache', 'Containers', 'Images', 'LayersSize', 'Volumes']);
    const cur = (await (await request(port, 'GET', '/system/df?type=container')).json()) as object;
    assert.deepEqual(Object.keys(cur), ['ContainerUsage']);
  });

  test('hijack with Upgrade: tcp on a keep-alive connection, stdin half-close, server FIN', async () => {
    const c = await rawConnect({ port });
    c.write('GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.waitFor((b) => b.toString().endsWith('OK'));
    const before = c.received().length;
    const body = '{"Detach":false,"Tty":false}';
    c.write(
      `POST /v1.50/echo/e1/start HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n` +
        `Connection: Upgrade\r\nContent-Type: application/json\r\nUpgrade: tcp\r\n\r\n${body}hello\n`,
    );
    await c.waitFor((b) => b.subarray(before).includes('hello'));
    const { head, rest } = splitHead(c.received().subarray(before))!;
    assert.equal(
      head,
      'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\n' +
        'Upgrade: tcp\r\nApi-Version: 1.55\r\nDocker-Experimental: false\r\nOstype: linux\r\nServer: badidea/0.0.1 (linux)\r\n\r\n',
    );
    assert.ok(rest.length > 0);
    c.write('more\n');
    await c.waitFor((b) => b.includes('more'));
    c.end();
    await c.ended;
    const start = c.received().indexOf('\r\n\r\n', before) + 4;
    const frames = new StdcopyDecoder().push(c.received().subarray(start));
    assert.deepEqual(
      frames.map((f) => [f.stream, f.payload.toString()]),
      [
        [1, `start ${body}\n`],
        [1, 'hello\n'],
        [1, 'more\n'],
        [2, 'stdin eof\n'],
        [1, 'output after eof\n'],
      ],
    );
    await c.closed;
  });

  test('hijack without Upgrade answers 200 with a raw stream (API 1.41) and supports half-close', async () => {
    const c = await rawConnect({ port });
    c.write('GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.waitFor((b) => b.toString().endsWith('OK'));
    const before = c.received().length;
    const body = '{"Tty":true}';
    c.write(
      `POST /v1.41/echo/e2/start HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    await c.waitFor((b) => b.subarray(before).includes('start'));
    const { head } = splitHead(c.received().subarray(before))!;
    assert.equal(
      head,
      'HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\nApi-Version: 1.55\r\n' +
        'Docker-Experimental: false\r\nOstype: linux\r\nServer: badidea/0.0.1 (linux)\r\n\r\n',
    );
    c.write('typed\n');
    await c.waitFor((b) => b.includes('typed'));
    c.end();
    await c.ended;
    const out = splitHead(c.received().subarray(before))!.rest.toString();
    assert.equal(out, `start ${body}\ntyped\nstdin eof\noutput after eof\n`);
  });

  test('errors before the hijack on an Upgrade request are plain HTTP answers', async () => {
    const c = await rawConnect({ port });
    c.write(
      'POST /echo/missing/start HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n',
    );
    await c.ended;
    const { head, rest } = splitHead(c.received())!;
    assert.match(head, /^HTTP\/1.1 404 Not Found\r\n/);
    assert.match(head, /Content-Type: application\/json/);
    assert.equal(rest.toString(), '{"message":"No such exec instance: missing"}\n');
    c.destroy();
  });
});

describe('api server with --require-auth', () => {
  test('401 without credentials, served with a token', async () => {
    const { server, port } = await start(true);
    try {
      const r = await request(port, 'GET', '/_ping');
      assert.equal(r.status, 401);
      assert.match(await msg(r), /authentication required/);
      assert.equal((await request(port, 'GET', '/_ping', { headers: { authorization: 'Bearer wrong' } })).status, 401);
      assert.equal(
        (await request(port, 'GET', '/_ping', { headers: { authorization: `Bearer ${TOKEN}` } })).status,
        200,
      );
      assert.equal((await request(port, 'GET', '/_ping', { headers: { 'x-badidea': TOKEN } })).status, 200);
    } finally {
      await server.shutdown(1000);
    }
  });
});
