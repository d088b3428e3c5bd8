// The simulated kube-apiserver: HTTPS (HTTP/1.1, JSON only), bearer-token authentication, discovery,
// the generic REST verbs over the MemoryStore, pod subresources (streams handed to PodSubresources),
// metrics.k8s.io from a MetricsSource, and stop/restart for fault injection.
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { MemoryStore } from '../store/memory-store.ts';
import { discovery, versionInfo } from './discovery.ts';
import { parseJson, readBody, sendError, sendJson, writeStatusToSocket } from './http.ts';
import { type MetricsSource, metricsResponse } from './metrics.ts';
import { openapiResponse } from './openapi.ts';
import type { PodSubresources } from './pod-subresources.ts';
import { getPod, handlePodSubresource, POD_SUBRESOURCES } from './pods.ts';
import { parseApiPath } from './request.ts';
import { requestCounter } from './request-counter.ts';
import { handleRest, type RestContext } from './rest.ts';
import { badRequest, methodNotSupported, notAcceptable, pathNotFound, unauthorized } from './status.ts';
import { ensureTls } from './tls.ts';

export interface ApiServerOptions {
  store: MemoryStore;
  subresources?: PodSubresources;
  metrics?: MetricsSource;
  host?: string;
  port?: number;
  /** Bearer token clients must send. */
  token: string;
  /** Where the CA and serving certificate are made (and reused). */
  tlsDir: string;
  /** Extra subjectAltNames, e.g. ['IP:172.17.0.1']. */
  extraSans?: string[];
  bookmarkIntervalMs?: number;
  /** Default watch lifetime without timeoutSeconds (real: random 30–60 min). */
  watchTimeoutMs?: () => number;
  log?: (line: string) => void;
}

export interface ApiServer {
  url: string;
  port: number;
  caPem: string;
  /** Fault injection: drop every connection and stop listening (clients see ECONNREFUSED). */
  stop(): Promise<void>;
  /** Listen again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
  /** Requests received so far by `verb resource` (for benchmarks: compare two snapshots). */
  requestCounts(): Record<string, number>;
}

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

function authorized(req: IncomingMessage, token: string): boolean {
  const h = req.headers.authorization ?? '';
  return h === `Bearer ${token}`;
}

function checkAccept(req: IncomingMessage): void {
  const accept = req.headers.accept;
  if (!accept) return;
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim());
  if (types.some((t) => t === 'application/json' || t === '*/*' || t === 'application/*' || t === 'application/yaml'))
    return;
  throw notAcceptable('only the following media types are accepted: application/json, application/yaml');
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { store } = options;
  const host = options.host ?? '127.0.0.1';
  const tls = ensureTls(options.tlsDir, options.extraSans);
  const sockets = new Set<Socket>();
  const streams = new Set<() => void>();
  const counter = requestCounter();
  let port = options.port ?? 0;
  const ctx: RestContext = {
    store,
    timing: {
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
      defaultTimeoutMs: options.watchTimeoutMs ?? (() => (1800 + Math.random() * 1800) * 1000),
    },
    trackStream: (close) => {
      streams.add(close);
      return () => streams.delete(close);
    },
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (!PUBLIC_PATHS.has(path) && !authorized(req, options.token)) throw unauthorized();
    if (path === '/version') return sendJson(res, 200, versionInfo());
    if (
      path === '/healthz' ||
      path === '/livez' ||
      path === '/readyz' ||
      path.startsWith('/healthz/') ||
      path.startsWith('/livez/') ||
      path.startsWith('/readyz/')
    ) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (path.startsWith('/openapi/')) return sendJson(res, 200, openapiResponse(path));
    checkAccept(req);
    const parsed = parseApiPath(path);
    if (parsed.kind === 'other') throw pathNotFound();
    if (parsed.kind === 'discovery') {
      if (req.method !== 'GET') throw methodNotSupported('', (req.method ?? '').toLowerCase());
      return sendJson(
        res,
        200,
        discovery(parsed.group, parsed.version, parsed.legacy, {
          metrics: !!options.metrics,
          serverAddress: `${host}:${port}`,
        }),
      );
    }
    const info = parsed.info;
    if (info.group === 'metrics.k8s.io') {
      if (!options.metrics) throw pathNotFound();
      if (req.method !== 'GET')
        throw methodNotSupported({ group: info.group, resource: info.resource }, (req.method ?? '').toLowerCase());
      return sendJson(
        res,
        200,
        await metricsResponse(options.metrics, info.resource as 'pods' | 'nodes', parsed.namespace, parsed.name),
      );
    }
    if (info.key === 'selfsubjectaccessreviews') {
      if (req.method !== 'POST')
        throw methodNotSupported({ group: info.group, resource: info.resource }, (req.method ?? '').toLowerCase());
      const body = parseJson(await readBody(req), 'SelfSubjectAccessReview') as Record<string, unknown>;
      const { status: _, ...rest } = body ?? {};
      return sendJson(res, 201, {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        ...rest,
        metadata: { creationTimestamp: null },
        status: { allowed: true, reason: 'the simulated cluster allows everything' },
      });
    }
    if (info.key === 'pods' && parsed.subresource && POD_SUBRESOURCES.has(parsed.subresource)) {
      return handlePodSubresource(store, options.subresources, parsed, req, res, url.searchParams);
    }
    return handleRest(ctx, parsed, req, res, url.searchParams);
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const started = Date.now();
    counter.count(req);
    route(req, res)
      .catch((err) => sendError(res, err))
      .finally(() => options.log?.(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`));
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    counter.count(req);
    try {
      const url = new URL(req.url ?? '/', 'https://localhost');
      if (!authorized(req, options.token)) throw unauthorized();
      const parsed = parseApiPath(url.pathname);
      if (parsed.kind !== 'resource' || parsed.info.key !== 'pods' || !parsed.name) throw pathNotFound();
      const sub = parsed.subresource;
      if (sub !== 'exec' && sub !== 'attach' && sub !== 'portforward')
        throw badRequest(`upgrade is not supported for ${sub ?? 'pods'}`);
      const pod = getPod(store, parsed.namespace, parsed.name);
      if (!options.subresources) throw badRequest(`pod ${parsed.name} has no node to serve ${sub}`);
      options.subresources.upgrade(sub, { pod, query: url.searchParams }, req, socket, head);
    } catch (err) {
      writeStatusToSocket(socket as unknown as NodeJS.WritableStream & { destroy(): void }, err);
    }
  }

  let server: https.Server | undefined;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = https.createServer({ key: tls.keyPem, cert: tls.certPem, ALPNProtocols: ['http/1.1'] }, onRequest);
      s.on('upgrade', onUpgrade);
      s.on('connection', (sock: Socket) => {
        sockets.add(sock);
        sock.on('close', () => sockets.delete(sock));
      });
      s.keepAliveTimeout = 60_000;
      s.headersTimeout = 65_000;
      s.requestTimeout = 0;
      s.once('error', reject);
      s.listen(port, host, () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });

  const stop = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    for (const close of [...streams]) close();
    for (const sock of sockets) sock.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    url: `https://${host}:${port}`,
    port,
    caPem: tls.caPem,
    stop,
    restart: async () => {
      if (!server) await listen();
    },
    close: stop,
    requestCounts: () => counter.snapshot(),
  };
}
