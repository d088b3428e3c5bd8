// The sockets we serve on: plain or TLS TCP, and unix sockets. Each listener knows its transport so the
// authenticator can tell unix-socket and loopback clients from remote ones.

import { lstat, unlink } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Transport } from './auth.ts';
import type { SocketTakeover } from './http/socket-takeover.ts';
import type { ListenAddress } from './listen-address.ts';
import type { Dispatcher } from './server.ts';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** Client CA: certificates it signed authenticate their holder. */
  ca?: Buffer;
}

export interface Listener {
  address: ListenAddress;
  /** The address as a DOCKER_HOST value, with the real port when 0 was asked for. */
  dockerHost: string;
  tls: boolean;
  server: http.Server;
  /** Stops accepting; resolves when every connection on it is closed. */
  close(): Promise<void>;
}

export interface ListenerDeps {
  dispatcher: Dispatcher;
  takeover: SocketTakeover;
  tls?: TlsMaterial;
}

export async function startListener(address: ListenAddress, deps: ListenerDeps): Promise<Listener> {
  const useTls = address.kind === 'tcp' && deps.tls !== undefined;
  const transport: Transport = { kind: address.kind, tls: useTls };
  const options: http.ServerOptions = {
    shouldUpgradeCallback: (req) => deps.dispatcher.shouldUpgrade(req),
    requestTimeout: 0,
    keepAliveTimeout: 75_000,
  };
  let server: http.Server;
  if (useTls) {
    const t = deps.tls!;
    server = https.createServer({
      ...options,
      cert: t.cert,
      key: t.key,
      ca: t.ca,
      requestCert: Boolean(t.ca),
      // Unverified clients still get an HTTP answer: a 401 JSON, or service by token.
      rejectUnauthorized: false,
    });
  } else {
    server = http.createServer(options);
  }
  deps.takeover.watch(server, useTls ? 'secureConnection' : 'connection');
  server.on('request', (req, res) => deps.dispatcher.onRequest(req, res, transport));
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => deps.dispatcher.onUpgrade(req, socket, head, transport));

  if (address.kind === 'unix') await removeStaleSocket(address.path);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if (address.kind === 'unix') server.listen(address.path, done);
    else server.listen(address.port, address.host, done);
  });

  let dockerHost = address.url;
  if (address.kind === 'tcp') {
    const port = (server.address() as net.AddressInfo).port;
    dockerHost = `tcp://${net.isIPv6(address.host) ? `[${address.host}]` : address.host}:${port}`;
  }
  return {
    address,
    dockerHost,
    tls: useTls,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/** A socket file left by a crashed server is removed; one that still answers is an error. */
async function removeStaleSocket(path: string): Promise<void> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(path);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket`);
  const alive = await new Promise<boolean>((resolve) => {
    const c = net.connect(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
  if (alive) throw new Error(`${path} is in use by another server`);
  await unlink(path);
}
