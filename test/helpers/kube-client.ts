// A raw JSON client for the Kubernetes API, with the credentials of a kubeconfig (any kind the
// official client understands: tokens, client certificates, exec plugins).
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../sim/store/types.ts';

export class KubeError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown, what: string) {
    super(`${what}: HTTP ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
  }
}

export interface KubeClient {
  server: string;
  request<T = KubeObject>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
  /** Streams watch events until the callback returns true or the timeout passes; resolves with the last event's object. */
  watchUntil<T = KubeObject>(
    path: string,
    done: (type: string, object: T) => boolean,
    timeoutMs: number,
  ): Promise<{ type: string; object: T }>;
}

export async function kubeClient(kubeconfigPath: string): Promise<KubeClient> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`${kubeconfigPath}: no current cluster`);
  const server = cluster.server.replace(/\/$/, '');
  const options = async (method: string, path: string, headers: Record<string, string>) => {
    const o: https.RequestOptions = { method, headers };
    await kc.applyToHTTPSOptions(o);
    const url = new URL(server + path);
    return { url, o };
  };
  return {
    server,
    async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json') {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const { url, o } = await options(method, path, {
        Accept: 'application/json',
        ...(payload !== undefined ? { 'Content-Type': contentType } : {}),
      });
      return await new Promise<T>((resolve, reject) => {
        const req = https.request(url, o, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            text += d;
          });
          res.on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: keep the text
            }
            if ((res.statusCode ?? 0) >= 300) reject(new KubeError(res.statusCode ?? 0, parsed, `${method} ${path}`));
            else resolve(parsed as T);
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(payload);
      });
    },
    async watchUntil<T>(path: string, done: (type: string, object: T) => boolean, timeoutMs: number) {
      const sep = path.includes('?') ? '&' : '?';
      const { url, o } = await options('GET', `${path}${sep}watch=true`, { Accept: 'application/json' });
      return await new Promise<{ type: string; object: T }>((resolve, reject) => {
        const req = https.request(url, o, (res) => {
          if ((res.statusCode ?? 0) >= 300) {
            reject(new KubeError(res.statusCode ?? 0, '', `watch ${path}`));
            req.destroy();
            return;
          }
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            buf += d;
            for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
              const line = buf.slice(0, nl);
              buf = buf.slice(nl + 1);
              if (!line.trim()) continue;
              const ev = JSON.parse(line) as { type: string; object: T };
              if (done(ev.type, ev.object)) {
                clearTimeout(timer);
                req.destroy();
                resolve(ev);
                return;
              }
            }
          });
          res.on('end', () => reject(new Error(`watch ${path} ended`)));
        });
        const timer = setTimeout(() => {
          req.destroy();
          reject(new Error(`watch ${path}: timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        req.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        req.end();
      });
    },
  };
}
