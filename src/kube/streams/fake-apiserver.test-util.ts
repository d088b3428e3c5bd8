// A small API server for the stream clients' unit tests: it speaks the wire protocols exactly as
// kubernetes.md 2a-2c describes (first empty frame, Status on channel 3, v5 close frame, port prefixes).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { type WebSocket, WebSocketServer } from 'ws';

export const TOKEN = 'test-token';

export interface ChannelConn {
  ws: WebSocket;
  protocol: string;
  query: URLSearchParams;
  subresource: string;
  send(channel: number, data?: Buffer | string): void;
  /** Channel-3 Status, then (v5, newest translator) a close frame. */
  status(status: object): void;
  stdin: Buffer[];
  stdinEnded: Promise<void>;
  resizes: unknown[];
}

export type UpgradeHandler = (conn: ChannelConn) => void;
export type HttpHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

export interface FakeApiServer {
  kc: KubeConfig;
  url: string;
  /** Upgrade requests seen (path + query). */
  upgrades: URL[];
  /** Sec-WebSocket-Protocol offers seen. */
  offered: string[];
  /** Authorization headers seen. */
  auth: (string | undefined)[];
  onUpgrade: UpgradeHandler;
  onHttp: HttpHandler;
  /** Answer upgrades with this HTTP status + body instead (a refused upgrade). */
  refuse: { code: number; body: string } | null;
  /** Subprotocols the server supports, in its own order; it picks the first client-offered one it knows. */
  supported: string[];
  /** Server-side sockets still open. */
  openSockets(): number;
  close(): Promise<void>;
}

export const ALL_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
];

function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fake-apiserver-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startFakeApiServer(opts: { tls?: boolean } = {}): Promise<FakeApiServer> {
  const tls = opts.tls ? selfSigned() : null;
  const sockets = new Set<import('node:net').Socket>();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => {
      for (const p of offered) if (fake.supported.includes(p)) return p;
      return false;
    },
  });
  const fake: FakeApiServer = {
    kc: new KubeConfig(),
    url: '',
    upgrades: [],
    offered: [],
    auth: [],
    onUpgrade: () => {},
    onHttp: (_req, res) => {
      res.writeHead(404).end();
    },
    refuse: null,
    supported: [...ALL_PROTOCOLS],
    openSockets: () => [...sockets].filter((s) => !s.destroyed).length,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    fake.auth.push(req.headers.authorization);
    fake.onHttp(req, res, new URL(req.url ?? '/', 'http://x'));
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    fake.upgrades.push(url);
    fake.offered.push(String(req.headers['sec-websocket-protocol'] ?? ''));
    fake.auth.push(req.headers.authorization);
    if (fake.refuse) {
      const body = fake.refuse.body;
      socket.end(
        `HTTP/1.1 ${fake.refuse.code} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const subresource = url.pathname.split('/').pop() ?? '';
      let endStdin!: () => void;
      const conn: ChannelConn = {
        ws,
        protocol: ws.protocol,
        query: url.searchParams,
        subresource,
        send: (channel, data) => {
          const body = data === undefined ? Buffer.alloc(0) : Buffer.from(data);
          ws.send(Buffer.concat([Buffer.of(channel), body]));
        },
        status: (status) => {
          ws.send(Buffer.concat([Buffer.of(3), Buffer.from(JSON.stringify(status))]));
          if (ws.protocol === 'v5.channel.k8s.io') ws.close(1000);
        },
        stdin: [],
        stdinEnded: new Promise((r) => {
          endStdin = r;
        }),
        resizes: [],
      };
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0) conn.stdin.push(data.subarray(1));
        else if (data[0] === 4) conn.resizes.push(JSON.parse(data.subarray(1).toString()));
        else if (data[0] === 255) {
          if (data.length !== 2 || data[1] !== 0)
            ws.terminate(); // any other close frame: protocol error
          else endStdin();
        }
      });
      if (subresource === 'portforward') {
        const port = Number(url.searchParams.get('ports'));
        const prefix = Buffer.of(port & 0xff, port >> 8);
        conn.send(0, prefix);
        conn.send(1, prefix);
      } else {
        // The "connected" frame: one empty frame on the lowest requested writable channel.
        const q = url.searchParams;
        conn.send(q.get('stdout') === 'true' ? 1 : q.get('stderr') === 'true' ? 2 : 3);
      }
      fake.onUpgrade(conn);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  fake.url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  fake.kc.loadFromOptions({
    clusters: [
      tls
        ? { name: 'fake', server: fake.url, caData: Buffer.from(tls.cert).toString('base64') }
        : { name: 'fake', server: fake.url, skipTLSVerify: true },
    ],
    users: [{ name: 'u', token: TOKEN }],
    contexts: [{ name: 'c', cluster: 'fake', user: 'u', namespace: 'default' }],
    currentContext: 'c',
  });
  return fake;
}

export function statusBody(code: number, reason: string, message: string, extra: object = {}): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
    ...extra,
  });
}
