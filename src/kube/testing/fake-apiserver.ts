// A tiny Kubernetes API server for unit tests of the kube layer: /version, nodes, and list + watch of
// namespaced core/v1 collections with label selectors, resourceVersions, 410 Expired, dropped watches, and
// stop/start on the same port to play a cluster that goes away and comes back.

import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { KubeObject } from '../types.ts';

interface Watcher {
  resource: string;
  namespace: string;
  selector: Record<string, string>;
  res: http.ServerResponse;
}

export class FakeApiServer {
  readonly objects = new Map<string, KubeObject>(); // key resource/ns/name
  readonly requests: string[] = [];
  nodes: KubeObject[] = [];
  rv = 100;
  /** Watches from a resourceVersion below this get 410 Expired. */
  oldestRv = 0;
  /** Status for /api/v1/nodes (403 to play RBAC). */
  nodesStatus = 200;
  #server?: http.Server;
  #port = 0;
  readonly #watchers = new Set<Watcher>();
  readonly #history: { resource: string; namespace: string; type: string; object: KubeObject }[] = [];
  readonly #sockets = new Set<import('node:net').Socket>();

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async start(port = this.#port): Promise<void> {
    const server = http.createServer((req, res) => this.#handle(req, res));
    server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Closes the server and every connection (the cluster disappears). */
  async stop(): Promise<void> {
    const s = this.#server;
    this.#server = undefined;
    this.#watchers.clear();
    for (const sock of this.#sockets) sock.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Reserves a port without serving (for "down at start"). */
  async reservePort(): Promise<number> {
    await this.start();
    await this.stop();
    return this.#port;
  }

  writeKubeconfig(dir: string, namespace = 'testns', port = this.#port): string {
    const path = join(dir, 'kubeconfig');
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: fake\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true`,
        'users:',
        '- name: tester\n  user:\n    token: fake-token',
        'contexts:',
        `- name: fake\n  context:\n    cluster: fake\n    user: tester\n    namespace: ${namespace}`,
        'current-context: fake',
        '',
      ].join('\n'),
    );
    return path;
  }

  /** Creates or updates an object and notifies watchers. */
  put(resource: string, obj: KubeObject): KubeObject {
    const ns = obj.metadata.namespace ?? 'testns';
    const key = `${resource}/${ns}/${obj.metadata.name}`;
    const type = this.objects.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = { ...obj, metadata: { ...obj.metadata, namespace: ns, resourceVersion: String(++this.rv) } };
    this.objects.set(key, stored);
    this.#notify(resource, ns, type, stored);
    return stored;
  }

  remove(resource: string, namespace: string, name: string): void {
    const key = `${resource}/${namespace}/${name}`;
    const obj = this.objects.get(key);
    if (!obj) return;
    this.objects.delete(key);
    this.#notify(resource, namespace, 'DELETED', {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: String(++this.rv) },
    });
  }

  /** Ends every open watch (as an API server restart or a proxy timeout would). */
  dropWatches(): void {
    for (const w of this.#watchers) w.res.end();
    this.#watchers.clear();
  }

  /** Sends 410 ERROR events to open watches and closes them; later watches from old RVs get 410 too. */
  expireHistory(): void {
    this.oldestRv = this.rv + 1;
    for (const w of this.#watchers) {
      w.res.end(`${JSON.stringify({ type: 'ERROR', object: expired(0, this.rv) })}\n`);
    }
    this.#watchers.clear();
  }

  get watchCount(): number {
    return this.#watchers.size;
  }

  #notify(resource: string, ns: string, type: string, obj: KubeObject): void {
    this.#history.push({ resource, namespace: ns, type, object: obj });
    for (const w of this.#watchers) {
      if (w.resource === resource && w.namespace === ns && matches(obj, w.selector)) {
        w.res.write(`${JSON.stringify({ type, object: obj })}\n`);
      }
    }
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): unknown {
    this.requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/version') return send(200, { gitVersion: 'v1.32.0-fake', platform: 'linux/amd64' });
    if (url.pathname === '/api/v1/nodes') {
      if (this.nodesStatus !== 200) return send(this.nodesStatus, status(this.nodesStatus, 'nodes is forbidden'));
      return send(200, { kind: 'NodeList', metadata: { resourceVersion: String(this.rv) }, items: this.nodes });
    }
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m || req.method !== 'GET') return send(404, status(404, 'the server could not find the requested resource'));
    const [, namespace, resource] = m;
    const selector = parseSelector(url.searchParams.get('labelSelector') ?? '');
    if (url.searchParams.get('watch') === '1' || url.searchParams.get('watch') === 'true') {
      const from = Number(url.searchParams.get('resourceVersion') || 0);
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      if (from && from < this.oldestRv) {
        res.end(`${JSON.stringify({ type: 'ERROR', object: expired(from, this.rv) })}\n`);
        return;
      }
      for (const h of this.#history) {
        if (h.resource === resource && h.namespace === namespace && Number(h.object.metadata.resourceVersion) > from) {
          if (matches(h.object, selector)) res.write(`${JSON.stringify({ type: h.type, object: h.object })}\n`);
        }
      }
      const w: Watcher = { resource, namespace, selector, res };
      this.#watchers.add(w);
      res.on('close', () => this.#watchers.delete(w));
      return;
    }
    const items = [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(`${resource}/${namespace}/`) && matches(o, selector))
      .map(([, o]) => o);
    send(200, { kind: 'List', metadata: { resourceVersion: String(this.rv) }, items });
  }
}

function status(code: number, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code };
}

function expired(from: number, current: number) {
  return { ...status(410, `too old resource version: ${from} (${current})`), reason: 'Expired' };
}

function parseSelector(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(',').filter(Boolean)) {
    const [k, v] = part.split('=');
    out[k] = v ?? '';
  }
  return out;
}

function matches(o: KubeObject, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => o.metadata.labels?.[k] === v);
}
