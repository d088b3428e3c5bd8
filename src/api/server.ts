// The HTTP dispatch: authenticate, negotiate the API version, route, run the handler, and turn whatever it
// throws into a status and a {"message"} body. This is the only place an error becomes a response.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Duplex, Readable } from 'node:stream';
import { ApiError, Internal, InvalidParameter, messageOf, NotFound, statusOf } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Authenticator, Transport } from './auth.ts';
import type { Identity, Reply, RequestContext } from './context.ts';
import { type HijackedStream, type HijackOptions, hijackHead, startHijack } from './http/hijack.ts';
import { RawResponse, type ResponseWriter } from './http/response-writer.ts';
import type { SocketTakeover } from './http/socket-takeover.ts';
import { readUpgradeBody } from './http/upgrade-body.ts';
import type { Router } from './router.ts';
import { commonHeaders, negotiate, splitVersion, VersionTooOld, versionAtLeast } from './version.ts';

export interface DispatcherDeps {
  router: Router;
  authenticate: Authenticator;
  log: Logger;
  serverVersion: string;
  maxBodyBytes: number;
  takeover: SocketTakeover;
  /** Connections taken away from the HTTP server (upgrades, hijacks): closed at shutdown. */
  hijacks: Set<Duplex>;
  now?: () => number;
}

export interface Dispatcher {
  /** node's shouldUpgradeCallback: only hijack routes are taken as upgrades; others are served normally. */
  shouldUpgrade(req: IncomingMessage): boolean;
  onRequest(req: IncomingMessage, res: ServerResponse, transport: Transport): void;
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, transport: Transport): void;
}

interface Exchange {
  req: IncomingMessage;
  res: ResponseWriter;
  body: Readable;
  transport: Transport;
  /** Set for `Upgrade: tcp` requests: the socket and the bytes after the body (stdin). */
  upgrade?: { socket: Duplex; rest: Buffer };
  /** Set for ordinary requests. */
  httpRes?: ServerResponse;
}

const RAW_STREAM = 'application/vnd.docker.raw-stream';
const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const now = deps.now ?? (() => performance.now());
  const headers = commonHeaders(deps.serverVersion);
  const versionHeaders = {
    'Api-Version': headers['Api-Version'],
    'Docker-Experimental': headers['Docker-Experimental'],
    Ostype: headers.Ostype,
    Server: headers.Server,
  };

  const splitUrl = (url: string) => {
    const qi = url.indexOf('?');
    return { rawPath: qi < 0 ? url : url.slice(0, qi), query: new URLSearchParams(qi < 0 ? '' : url.slice(qi + 1)) };
  };

  async function handle(x: Exchange): Promise<void> {
    const start = now();
    const id = randomUUID().slice(0, 8);
    const { req, res } = x;
    const method = req.method ?? 'GET';
    const { rawPath, query } = splitUrl(req.url ?? '/');
    const controller = new AbortController();
    let identity: Identity | undefined;
    let hijacked: { socket: Duplex; status: number } | undefined;
    let version = '';

    const logDone = (status: number, err?: unknown) => {
      const fields = {
        id,
        method,
        path: req.url,
        status,
        duration_ms: Math.round((now() - start) * 10) / 10,
        client: identity?.name ?? req.socket.remoteAddress ?? x.transport.kind,
        api: version || undefined,
        error: err === undefined ? undefined : messageOf(err),
      };
      if (status >= 500) deps.log.error('request', fields);
      else deps.log.info('request', fields);
    };

    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (x.httpRes) {
      const r = x.httpRes;
      r.once('close', () => {
        if (!r.writableFinished) controller.abort(new Error('client went away'));
        if (!hijacked) logDone(r.statusCode);
      });
    } else if (x.upgrade) {
      x.upgrade.socket.once('close', () => controller.abort(new Error('client went away')));
    }

    try {
      identity = deps.authenticate(req.headers, req.socket as never, x.transport);
      const split = splitVersion(rawPath);
      version = negotiate(split.version);
      const match = deps.router.match(method, split.path);
      if (!match) throw new NotFound('page not found');
      const { route, params } = match;
      if (route.minVersion && !versionAtLeast(version, route.minVersion)) {
        throw new InvalidParameter(
          `${split.path} requires API version ${route.minVersion}, but this request uses ${version}`,
        );
      }
      const ctx: RequestContext = {
        id,
        method,
        path: split.path,
        params,
        query,
        headers: req.headers,
        version,
        identity,
        signal: controller.signal,
        body: x.body,
        maxBodyBytes: deps.maxBodyBytes,
        res,
        hijack: async (options: HijackOptions): Promise<HijackedStream> => {
          if (!route.hijack) throw new Internal(`${route.path} is not declared as a hijack route`);
          if (hijacked) throw new Internal('connection already hijacked');
          let socket: Duplex;
          let head: Buffer;
          if (x.upgrade) {
            ({ socket, rest: head } = x.upgrade);
          } else {
            if (!req.complete) {
              req.resume();
              await new Promise((resolve) => req.once('end', resolve));
            }
            socket = deps.takeover.take(req, x.httpRes!);
            head = Buffer.alloc(0);
          }
          const status = x.upgrade ? 101 : 200;
          hijacked = { socket, status };
          deps.hijacks.add(socket);
          socket.once('close', () => {
            deps.hijacks.delete(socket);
            controller.abort(new Error('connection closed'));
            logDone(status);
          });
          const contentType = options.tty || !versionAtLeast(version, '1.42') ? RAW_STREAM : MULTIPLEXED_STREAM;
          const headText = hijackHead({
            upgrade: Boolean(x.upgrade),
            contentType,
            headers: options.versionHeaders === false ? {} : versionHeaders,
          });
          return startHijack({ ...options, socket, head, headText });
        },
      };
      const reply = await route.handler(ctx);
      if (hijacked) return;
      if (reply) {
        writeReply(res, reply, method);
        if (x.upgrade) logDone(reply.status);
      } else if (!res.headersSent) throw new Internal(`handler for ${method} ${route.path} produced no response`);
      else if (!res.writableEnded) res.end();
    } catch (err) {
      if (hijacked) {
        deps.log.error('hijacked stream failed', { id, error: messageOf(err) });
        hijacked.socket.destroy();
        return;
      }
      writeError(res, err, deps.log, id);
      if (x.upgrade) logDone(statusOf(err), err);
    }
  }

  return {
    shouldUpgrade(req) {
      const { rawPath } = splitUrl(req.url ?? '/');
      const m = deps.router.match(req.method ?? 'GET', splitVersion(rawPath).path);
      return Boolean(m?.route.hijack) && /^tcp$/i.test(String(req.headers.upgrade ?? '').trim());
    },
    onRequest(req, res, transport) {
      void handle({ req, res, body: req, transport, httpRes: res });
    },
    onUpgrade(req, socket, head, transport) {
      socket.on('error', () => {});
      deps.hijacks.add(socket);
      socket.once('close', () => deps.hijacks.delete(socket));
      readUpgradeBody(socket, head, req.headers as never, deps.maxBodyBytes).then(
        ({ body, rest }) =>
          handle({
            req,
            res: new RawResponse(socket),
            body: Readable.from([body]),
            transport,
            upgrade: { socket, rest },
          }),
        (err) => {
          const res = new RawResponse(socket);
          for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
          writeError(res, err, deps.log, 'upgrade');
        },
      );
    },
  };
}

function writeReply(res: ResponseWriter, reply: Reply, method: string): void {
  const extra = reply.headers ?? {};
  if (reply.json !== undefined) {
    const body = `${JSON.stringify(reply.json)}\n`;
    res.writeHead(reply.status, {
      ...extra,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(method === 'HEAD' ? undefined : body);
  } else if (reply.text !== undefined) {
    res.writeHead(reply.status, {
      ...extra,
      'Content-Type': reply.contentType ?? 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(reply.text),
    });
    res.end(method === 'HEAD' ? undefined : reply.text);
  } else {
    res.writeHead(reply.status, extra);
    res.end();
  }
}

function writeError(res: ResponseWriter, err: unknown, log: Logger, id: string): void {
  const status = statusOf(err);
  const message = messageOf(err);
  if (!(err instanceof ApiError)) log.error('unclassified error', { id, error: message, stack: (err as Error)?.stack });
  if (res.headersSent) {
    // A streaming response failed midway: the client sees a truncated stream, never a wrong status.
    res.destroy(err instanceof Error ? err : undefined);
    return;
  }
  if (status === 304) {
    res.writeHead(304);
    res.end();
  } else if (err instanceof VersionTooOld) {
    writeReply(res, { status, text: `${message}\n` }, 'GET');
  } else {
    writeReply(res, { status, json: { message } }, 'GET');
  }
}
