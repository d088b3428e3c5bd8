// HTTP to the API server with the kubeconfig's credentials. Headers (tokens from exec/OIDC plugins) are
// computed per request by the library; the undici Agent is reused as long as the TLS material is the same,
// so requests share connections (the library would build a new Agent per request).

import { createHash } from 'node:crypto';
import type https from 'node:https';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { Agent, type Dispatcher, fetch, type Response } from 'undici';
import type { ClusterTarget } from './kubeconfig.ts';

export interface FetchOptions {
  body?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class KubeTransport {
  readonly target: ClusterTarget;
  #agent?: { key: string; agent: Agent };

  constructor(target: ClusterTarget) {
    this.target = target;
  }

  /** path includes the query string. Throws on network errors; any HTTP status is returned. */
  async fetch(method: string, path: string, o: FetchOptions = {}): Promise<Response> {
    const url = this.target.server + path;
    const { headers, dispatcher } = await this.#auth(url, method);
    return fetch(url, {
      method,
      headers: { Accept: 'application/json', ...headers, ...o.headers },
      body: o.body,
      signal: o.signal,
      dispatcher,
    });
  }

  async close(): Promise<void> {
    await this.#agent?.agent.close();
    this.#agent = undefined;
  }

  async #auth(url: string, method: string): Promise<{ headers: Record<string, string>; dispatcher?: Dispatcher }> {
    const { kc } = this.target;
    if (kc.getCurrentCluster()?.proxyUrl) {
      // Proxies: let the library build its dispatcher.
      const ctx = new RequestContext(url, method as HttpMethod);
      await kc.applySecurityAuthentication(ctx);
      return { headers: ctx.getHeaders(), dispatcher: ctx.getDispatcher() };
    }
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    const user = kc.getCurrentUser();
    if (user?.username)
      headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
    const connect = {
      ca: opts.ca,
      cert: opts.cert,
      key: opts.key,
      rejectUnauthorized: opts.rejectUnauthorized,
      servername: opts.servername,
    };
    const key = createHash('sha256')
      .update(JSON.stringify(connect, (_k, v) => (Buffer.isBuffer(v) ? v.toString('base64') : v)))
      .digest('hex');
    if (this.#agent?.key !== key) {
      const old = this.#agent?.agent;
      this.#agent = {
        key,
        agent: new Agent({ connect: connect as Agent.Options['connect'], keepAliveTimeout: 30_000 }),
      };
      void old?.close();
    }
    return { headers, dispatcher: this.#agent.agent };
  }
}

export { HttpMethod };
