// What a handler sees: the parsed request, who sent it, and ways to answer (a reply value, a stream, a hijack).

import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { HijackedStream, HijackOptions } from './http/hijack.ts';
import type { ResponseWriter } from './http/response-writer.ts';

export interface Identity {
  /** How the client was recognised. */
  kind: 'unix' | 'loopback' | 'certificate' | 'token';
  /** For logs: the certificate CN, a token fingerprint, or the peer address. */
  name: string;
}

export interface RequestContext {
  readonly id: string;
  readonly method: string;
  /** The path without its /vX.Y prefix, e.g. "/containers/abc/json". */
  readonly path: string;
  /** Path parameters, URL-decoded: "/containers/{id}/json" gives params.id. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The API version of this request: the path's, or the maximum when unversioned. */
  readonly version: string;
  readonly identity: Identity;
  /** Aborted when the client goes away before the response is complete. */
  readonly signal: AbortSignal;
  /** The request body as sent (use readJson for JSON bodies). */
  readonly body: Readable;
  /** Largest JSON body accepted (bytes). */
  readonly maxBodyBytes: number;
  /** For streaming responses (see http/json-stream.ts); plain handlers return a Reply instead. */
  readonly res: ResponseWriter;
  /**
   * Takes over the connection for attach / exec start: answers 101 UPGRADED when the client asked for
   * `Upgrade: tcp`, else 200 with a raw stream. Only on routes declared with `hijack: true`.
   */
  hijack(options: HijackOptions): Promise<HijackedStream>;
}

/** A complete, non-streaming answer. */
export interface Reply {
  status: number;
  /** Serialised as JSON + "\n" with Content-Type application/json. */
  json?: unknown;
  /** Sent as is, with contentType (default text/plain; charset=utf-8). */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Handlers return a Reply, or undefined when they wrote the response themselves (streams, hijacks). */
export type Handler = (ctx: RequestContext) => Promise<Reply | undefined> | Reply | undefined;

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: Method;
  /** "/containers/{id}/json"; "{name*}" matches across slashes (image names). */
  path: string;
  handler: Handler;
  /** attach and exec start: the route may take over the connection (ctx.hijack). */
  hijack?: boolean;
  /** Oldest API version that has this route; older versions get 400 (not 404, as moby). */
  minVersion?: string;
}
