// Counts the requests that reach the API server by verb and resource (`list pods`, `create pods/exec`, …), so a
// benchmark can tell how many API requests a client command made: the difference of two snapshots. A watch counts
// once, when it starts, so idle long-lived watches add nothing.
import type { IncomingMessage } from 'node:http';
import { parseApiPath } from './request.ts';

export interface RequestCounter {
  count(req: IncomingMessage): void;
  /** A copy of the counts so far. */
  snapshot(): Record<string, number>;
}

/** The Kubernetes verb of a request (requestinfo.go), with its resource: `watch pods`, `deletecollection pods`. */
export function requestKey(method: string, url: string): string {
  const u = new URL(url, 'https://localhost');
  let parsed: ReturnType<typeof parseApiPath>;
  try {
    parsed = parseApiPath(u.pathname.replace(/\/+$/, '') || '/');
  } catch {
    return `${method.toLowerCase()} unknown`;
  }
  if (parsed.kind !== 'resource')
    return `${method.toLowerCase()} ${parsed.kind === 'discovery' ? 'discovery' : u.pathname}`;
  const resource = parsed.subresource ? `${parsed.info.resource}/${parsed.subresource}` : parsed.info.resource;
  const watch = parsed.legacyWatch || u.searchParams.get('watch') === 'true' || u.searchParams.get('watch') === '1';
  return `${verbOf(method, watch, parsed.name !== undefined)} ${resource}`;
}

function verbOf(method: string, watch: boolean, named: boolean): string {
  if (method === 'GET') return watch ? 'watch' : named ? 'get' : 'list';
  if (method === 'DELETE') return named ? 'delete' : 'deletecollection';
  const verbs: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch' };
  return verbs[method] ?? method.toLowerCase();
}

export function requestCounter(): RequestCounter {
  const counts = new Map<string, number>();
  return {
    count(req) {
      const key = requestKey(req.method ?? 'GET', req.url ?? '/');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    snapshot: () => Object.fromEntries(counts),
  };
}
