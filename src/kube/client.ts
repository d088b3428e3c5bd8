// The request wrapper the engine uses for every Kubernetes call: plain JSON in and out, Kubernetes errors
// mapped to badidea's (with the Status kept, see kubeStatusOf), network failures turned into 503 and
// reported to the connection, and a timeout on every non-streaming call.

import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { KubeConnection } from './connection.ts';
import { errorFromStatus, parseStatus } from './errors.ts';
import type { KubeList, KubeObject } from './types.ts';

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface CallOptions {
  query?: Query;
  signal?: AbortSignal;
  /** Default: the client's timeout. 0 disables it (streams). */
  timeoutMs?: number;
}

export interface DeleteOptions extends CallOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type PatchType = 'merge' | 'json' | 'strategic';
const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) q.append(k, item);
    else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

export class KubeClient {
  readonly connection: KubeConnection;
  readonly #timeoutMs: number;

  constructor(connection: KubeConnection, o: { timeoutMs?: number } = {}) {
    this.connection = connection;
    this.#timeoutMs = o.timeoutMs ?? 30_000;
  }

  get namespace(): string {
    return this.connection.namespace;
  }

  /** "/api/v1/namespaces/<ns>/<resource>[/<name>[/<sub>]]" in the namespace in use. */
  corePath(resource: string, name?: string, subresource?: string): string {
    let p = `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/${resource}`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
    return p;
  }

  get<T = KubeObject>(path: string, o?: CallOptions): Promise<T> {
    return this.request<T>('GET', path, undefined, o);
  }

  list<T = KubeObject>(path: string, o?: CallOptions & { labelSelector?: string }): Promise<KubeList<T>> {
    return this.request<KubeList<T>>('GET', path, undefined, {
      ...o,
      query: { ...o?.query, labelSelector: o?.labelSelector },
    });
  }

  create<T = KubeObject>(path: string, body: unknown, o?: CallOptions): Promise<T> {
    return this.request<T>('POST', path, body, o);
  }

  replace<T = KubeObject>(path: string, body: unknown, o?: CallOptions): Promise<T> {
    return this.request<T>('PUT', path, body, o);
  }

  /** PATCH with the right Content-Type (the library's default would send JSON Patch). */
  patch<T = KubeObject>(path: string, patch: unknown, type: PatchType = 'merge', o?: CallOptions): Promise<T> {
    return this.request<T>('PATCH', path, patch, o, PATCH_CONTENT_TYPE[type]);
  }

  delete<T = KubeObject>(path: string, o: DeleteOptions = {}): Promise<T> {
    const body =
      o.gracePeriodSeconds !== undefined || o.propagationPolicy || o.preconditions
        ? {
            kind: 'DeleteOptions',
            apiVersion: 'v1',
            gracePeriodSeconds: o.gracePeriodSeconds,
            propagationPolicy: o.propagationPolicy,
            preconditions: o.preconditions,
          }
        : undefined;
    return this.request<T>('DELETE', path, body, o);
  }

  /** Any JSON call. */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    o: CallOptions = {},
    contentType = 'application/json',
  ): Promise<T> {
    const res = await this.#send(method, path, body, o, contentType);
    const text = await res.text();
    if (res.status >= 300) throw errorFromStatus(parseStatus(res.status, text), `${method.toLowerCase()} ${path}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A streaming GET (pod logs with follow, watches): the body as a node Readable; errors as for request(). */
  async stream(path: string, o: CallOptions = {}): Promise<Readable> {
    const res = await this.#send('GET', path, undefined, { timeoutMs: 0, ...o }, undefined);
    if (res.status >= 300) {
      throw errorFromStatus(parseStatus(res.status, await res.text()), `get ${path}`);
    }
    if (!res.body) return Readable.from([]);
    return Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  }

  async #send(method: string, path: string, body: unknown, o: CallOptions, contentType: string | undefined) {
    this.connection.ensureUp();
    const timeoutMs = o.timeoutMs ?? this.#timeoutMs;
    const signals = [o.signal, timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    try {
      const res = await this.connection.transport.fetch(method, withQuery(path, o.query), {
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        headers: body === undefined || !contentType ? {} : { 'Content-Type': contentType },
        signal: signals.length ? AbortSignal.any(signals) : undefined,
      });
      if (res.status === 401) {
        const text = await res.text();
        this.connection.reportFailure(
          undefined,
          `the cluster rejected badidea's credentials (401 ${parseStatus(401, text).message})`,
        );
        throw this.connection.unavailable();
      }
      this.connection.reportSuccess();
      return res;
    } catch (err) {
      if (o.signal?.aborted) throw o.signal.reason ?? err;
      if ((err as Error)?.name === 'Unavailable' || (err as { kind?: string })?.kind === 'Unavailable') throw err;
      this.connection.reportFailure(err);
      throw this.connection.unavailable();
    }
  }
}
