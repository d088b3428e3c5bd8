// pods/{name}/log as a streamed HTTPS GET (kubernetes.md 2c). Hand-written rather than the library's Log: that
// one throws away the Status body of every error but 500 (e.g. the 400 "is waiting to start").
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import { type KubeStatus, KubeStatusError, LogStreamUnsupportedError, parseStatus } from './errors.ts';
import { apiUrl, podPath } from './ws-channel.ts';

export type LogStream = 'Stdout' | 'Stderr' | 'All';

export interface PodLogsOptions {
  kc: KubeConfig;
  namespace: string;
  pod: string;
  container?: string;
  follow?: boolean;
  previous?: boolean;
  /** Prefix every line with an RFC3339 timestamp with 9 fractional digits (see parseTimestampedLine). */
  timestamps?: boolean;
  /** RFC3339 string or Date. At most one of sinceTime / sinceSeconds. */
  sinceTime?: string | Date;
  sinceSeconds?: number;
  tailLines?: number;
  limitBytes?: number;
  /**
   * PodLogsQuerySplitStreams (alpha, Kubernetes 1.32+, off by default). `All` is not sent (it is the default).
   * Stdout/Stderr on a server with the gate off → LogStreamUnsupportedError (422 "stream: Forbidden: may not be
   * specified"); with tailLines → LogStreamUnsupportedError why 'tailLines'. Servers older than 1.32 silently
   * ignore the parameter and send both streams: check serverKnowsLogStream() first.
   */
  stream?: LogStream;
  signal?: AbortSignal;
}

const MAX_ERROR_BODY = 64 * 1024;

/**
 * Opens the log stream. Resolves with the response body once the server answered 200 (chunked and endless while
 * following, until the container stops); destroy it to stop (the connection is closed, not reused). Rejects with
 * KubeStatusError keeping the server's message, e.g. 400 `container "x" in pod "y" is waiting to start:
 * ContainerCreating`, or LogStreamUnsupportedError.
 */
export async function podLogs(opts: PodLogsOptions): Promise<Readable> {
  opts.signal?.throwIfAborted();
  const sinceTime = opts.sinceTime instanceof Date ? opts.sinceTime.toISOString() : opts.sinceTime;
  const url = apiUrl(
    opts.kc,
    podPath(opts.namespace, opts.pod, 'log'),
    {
      container: opts.container,
      follow: opts.follow || undefined,
      previous: opts.previous || undefined,
      timestamps: opts.timestamps || undefined,
      sinceTime,
      sinceSeconds: opts.sinceSeconds,
      tailLines: opts.tailLines,
      limitBytes: opts.limitBytes,
      stream: opts.stream && opts.stream !== 'All' ? opts.stream : undefined,
    },
    'http',
  );
  const reqOpts: https.RequestOptions = {};
  await opts.kc.applyToHTTPSOptions(reqOpts);
  opts.signal?.throwIfAborted();
  const request = url.protocol === 'https:' ? https.request : http.request;
  return await new Promise<Readable>((resolve, reject) => {
    const req = request(url, {
      ...reqOpts,
      method: 'GET',
      headers: { ...reqOpts.headers, Accept: 'text/plain, application/json' },
      signal: opts.signal,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const code = res.statusCode ?? 0;
      if (code >= 200 && code < 300) {
        resolve(res);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_ERROR_BODY) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('error', reject);
      res.on('end', () => reject(logError(parseStatus(Buffer.concat(chunks).toString('utf8'), code), code)));
    });
    req.end();
  });
}

function logError(status: KubeStatus, code: number): KubeStatusError {
  if (code === 422 || status.reason === 'Invalid') {
    const causes = status.details?.causes ?? [];
    if (causes.some((c) => c.field === 'stream' && c.reason !== 'FieldValueNotSupported')) {
      return new LogStreamUnsupportedError(status, code, 'disabled');
    }
    if (causes.some((c) => /tailLines.*stream/.test(c.message ?? ''))) {
      return new LogStreamUnsupportedError(status, code, 'tailLines');
    }
  }
  return new KubeStatusError(status, code);
}

/**
 * Whether a server of this version knows `stream` on pods/log at all (1.32+). Older servers ignore unknown query
 * parameters and return both streams interleaved, so a caller that needs one stream must not rely on them.
 * Takes the `/version` answer (`major`, `minor` may carry a `+`, e.g. GKE's "32+").
 */
export function serverKnowsLogStream(version: { major: string; minor: string }): boolean {
  const major = Number.parseInt(version.major, 10);
  const minor = Number.parseInt(version.minor, 10);
  if (!Number.isFinite(major) || !Number.isFinite(minor)) return false;
  return major > 1 || (major === 1 && minor >= 32);
}
