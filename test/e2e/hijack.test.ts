// Connection hijacking over every transport badidea serves (plain TCP, TLS, unix socket), driven by a raw
// socket client: the Upgrade: tcp form (101) and the legacy form (200), on keep-alive connections that already
// served a request, stdin half-close, the server's FIN at the end of output, and shutdown with a stream open.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ApiServer, startApiServer } from '../../src/api/api-server.ts';
import { StdcopyDecoder } from '../../src/api/http/stdcopy.ts';
import { parseListenAddress } from '../../src/api/listen-address.ts';
import { systemRoutes } from '../../src/api/system/routes.ts';
import { echoRoute } from '../../src/api/testing/echo-route.ts';
import { type RawTarget, rawConnect, splitHead } from '../../src/api/testing/raw-socket.ts';
import { silentLogger } from '../../src/log.ts';
import { makeCerts, type TestCerts } from '../helpers/certs.ts';

const none = { items: [], active: 0, total: 0, size: 0, reclaimable: 0 };
const backend = {
  clusterVersion: async () => ({}),
  info: async () => ({}),
  diskUsage: async () => ({ containers: none, images: none, volumes: none }),
};

async function startServer(listen: string, certs?: TestCerts): Promise<ApiServer> {
  return startApiServer({
    listen: [parseListenAddress(listen)],
    tls: certs && {
      cert: readFileSync(certs.serverCert),
      key: readFileSync(certs.serverKey),
      ca: readFileSync(certs.ca),
    },
    auth: { tokens: [], requireAuth: Boolean(certs) },
    log: silentLogger,
    serverVersion: '0.0.0-test',
    maxBodyBytes: 1 << 20,
    routes: [systemRoutes(backend, { serverVersion: '0.0.0-test', gitCommit: '' }), [echoRoute]],
  });
}

/** One keep-alive request first, then the hijack on the same connection. */
async function hijackSession(target: RawTarget, upgrade: boolean) {
  const c = await rawConnect(target);
  c.write('GET /v1.50/_ping HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: Docker-Client/28.2.2 (linux)\r\n\r\n');
  await c.waitFor((b) => b.toString().endsWith('OK'));
  const offset = c.received().length;
  const body = '{"Detach":false,"Tty":false}';
  const hijackHeaders = upgrade ? 'Connection: Upgrade\r\nUpgrade: tcp\r\n' : '';
  c.write(
    `POST /v1.50/echo/x/start HTTP/1.1\r\nHost: api.moby.localhost\r\nContent-Length: ${body.length}\r\n` +
      `${hijackHeaders}Content-Type: application/json\r\n\r\n${body}`,
  );
  await c.waitFor((b) => b.subarray(offset).includes('start'));
  c.write('line one\n');
  await c.waitFor((b) => b.includes('line one'));
  c.end(); // stdin EOF only: output must keep flowing
  await c.ended; // the server's FIN after the last output
  const { head, rest } = splitHead(c.received().subarray(offset))!;
  const frames = new StdcopyDecoder().push(rest).map((f) => [f.stream, f.payload.toString()]);
  await c.closed;
  return { head, frames, body };
}

for (const transport of ['tcp', 'tls', 'unix'] as const) {
  describe(`hijack over ${transport}`, () => {
    let server: ApiServer;
    let target: RawTarget;
    before(async () => {
      if (transport === 'unix') {
        const path = join(mkdtempSync(join(tmpdir(), 'hijack-')), 'd.sock');
        server = await startServer(`unix://${path}`);
        target = { path };
      } else if (transport === 'tls') {
        const certs = makeCerts();
        server = await startServer('tcp://127.0.0.1:0', certs);
        const port = Number(server.listeners[0].dockerHost.split(':').pop());
        const file = (n: string) => readFileSync(join(certs.clientDir, n));
        target = { port, tls: { ca: file('ca.pem'), cert: file('cert.pem'), key: file('key.pem') } };
      } else {
        server = await startServer('tcp://127.0.0.1:0');
        target = { port: Number(server.listeners[0].dockerHost.split(':').pop()) };
      }
    });
    after(() => server.shutdown(1000));

    for (const upgrade of [true, false]) {
      test(upgrade ? 'Upgrade: tcp → 101 UPGRADED' : 'no Upgrade → 200 raw stream', async () => {
        const { head, frames, body } = await hijackSession(target, upgrade);
        assert.match(head, upgrade ? /^HTTP\/1\.1 101 UPGRADED\r\n/ : /^HTTP\/1\.1 200 OK\r\n/);
        assert.match(head, /Content-Type: application\/vnd\.docker\.multiplexed-stream\r\n/);
        if (upgrade) assert.match(head, /Connection: Upgrade\r\nUpgrade: tcp\r\n/);
        assert.doesNotMatch(head, /Content-Length|Transfer-Encoding/);
        assert.deepEqual(frames, [
          [1, `start ${body}\n`],
          [1, 'line one\n'],
          [2, 'stdin eof\n'],
          [1, 'output after eof\n'],
        ]);
      });
    }
  });
}

describe('shutdown with a hijacked stream open', () => {
  test('the stream is closed when the shutdown timeout passes', async () => {
    const server = await startServer('tcp://127.0.0.1:0');
    const c = await rawConnect({ port: Number(server.listeners[0].dockerHost.split(':').pop()) });
    c.write(
      'POST /echo/x/start HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n',
    );
    await c.waitFor((b) => b.includes('start'));
    const t0 = Date.now();
    await server.shutdown(300);
    await c.ended;
    c.destroy();
    assert.ok(Date.now() - t0 < 3000);
  });
});
