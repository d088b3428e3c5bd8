// GET on a collection: items without kind/apiVersion, sorted by key, one resourceVersion for the
// list, and limit/continue paging over a consistent snapshot (an expired token gives 410).
import type { MemoryStore } from '../store/memory-store.ts';
import { groupVersion, type ResourceInfo } from '../store/resources.ts';
import type { KubeObject } from '../store/types.ts';
import { badRequest, expired } from './status.ts';

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

function encode(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decode(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof t.rv === 'number' && typeof t.start === 'string') return t;
  } catch {
    // fall through
  }
  throw badRequest(`continue key is not valid: illegal base64 data at input byte 0`);
}

const keyOf = (o: KubeObject) =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name!;

export function stripTypeMeta(o: KubeObject): KubeObject {
  const { kind: _k, apiVersion: _a, ...rest } = o;
  return rest as KubeObject;
}

export function listResponse(
  store: MemoryStore,
  info: ResourceInfo,
  namespace: string | undefined,
  query: URLSearchParams,
): { kind: string; apiVersion: string; metadata: Record<string, unknown>; items: KubeObject[] } {
  const labelSelector = query.get('labelSelector') ?? undefined;
  const fieldSelector = query.get('fieldSelector') ?? undefined;
  const limitParam = query.get('limit');
  const limit = limitParam ? Number(limitParam) : 0;
  if (limitParam && !(Number.isInteger(limit) && limit >= 0)) throw badRequest(`limit: Invalid value: "${limitParam}"`);
  const token = query.get('continue');
  let at: number | undefined;
  let start = '';
  const rv = query.get('resourceVersion');
  if (rv && !/^\d+$/.test(rv))
    throw badRequest(`resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing "${rv}": invalid syntax`);
  if (rv && query.get('resourceVersionMatch') === 'Exact') at = Number(rv);
  if (token) {
    const t = decode(token);
    at = t.rv;
    start = t.start;
  }
  let result: { items: KubeObject[]; resourceVersion: string };
  try {
    result = store.list(info.key, namespace, { labelSelector, fieldSelector, atResourceVersion: at });
  } catch (err) {
    if (token && (err as { reason?: string }).reason === 'Expired') {
      const fresh = store.list(info.key, namespace, { labelSelector, fieldSelector });
      const remaining = fresh.items.filter((o) => keyOf(o) >= start);
      const e = expired(CONTINUE_EXPIRED);
      if (remaining.length > 0)
        (e.status as unknown as { metadata: Record<string, unknown> }).metadata = {
          continue: encode({ v: 'meta.k8s.io/v1', rv: Number(fresh.resourceVersion), start }),
        };
      throw e;
    }
    throw err;
  }
  let items = start ? result.items.filter((o) => keyOf(o) >= start) : result.items;
  const metadata: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (limit > 0 && items.length > limit) {
    const rest = items.length - limit;
    items = items.slice(0, limit);
    metadata.continue = encode({
      v: 'meta.k8s.io/v1',
      rv: Number(result.resourceVersion),
      start: `${keyOf(items[items.length - 1]!)}\u0000`,
    });
    if (!labelSelector && !fieldSelector) metadata.remainingItemCount = rest;
  }
  return { kind: `${info.kind}List`, apiVersion: groupVersion(info), metadata, items: items.map(stripTypeMeta) };
}
