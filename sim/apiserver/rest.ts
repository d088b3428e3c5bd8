// The generic REST verbs on stored resources: get, list/watch, create, update, patch, delete and
// deletecollection, with the request checks of staging/src/k8s.io/apiserver/pkg/endpoints/handlers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPlainObject } from '../store/json.ts';
import { type MemoryStore, qualifiedResource, type UpdateSubresource } from '../store/memory-store.ts';
import type { DeleteOptions, KubeObject } from '../store/types.ts';
import { EVENTS_V1_KEY, eventsV1Store } from './events-v1.ts';
import { parseJson, readBody, sendJson } from './http.ts';
import { listResponse } from './list.ts';
import { applyPatch, patchTypeOf } from './patch.ts';
import { decodeProtobuf, PROTOBUF } from './protobuf.ts';
import type { ResourceRequest } from './request.ts';
import {
  badRequest,
  methodNotSupported,
  notFound,
  pathNotFound,
  StatusError,
  successStatus,
  unsupportedMediaType,
} from './status.ts';
import { toTable, wantsTable } from './table.ts';
import { serveWatch, type WatchTiming } from './watch.ts';

export interface RestContext {
  store: MemoryStore;
  timing: WatchTiming;
  trackStream: (close: () => void) => () => void;
}

const isTrue = (v: string | null) => v === 'true' || v === '1';

function dryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values)
    if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

/** Bodies of POST/PUT are JSON; protobuf and CBOR clients get 415 (client-go then retries with JSON). */
function checkContentType(req: IncomingMessage): void {
  const ct = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  if (ct === 'application/json' || ct === '' || ct === '*/*' || ct === PROTOBUF) return;
  throw unsupportedMediaType(
    'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
  );
}

function decodeObject(r: ResourceRequest, body: Buffer, req: IncomingMessage): KubeObject {
  const what = `${r.info.kind} in version "${r.version}" cannot be handled as a ${r.info.kind}`;
  let o: unknown;
  if ((req.headers['content-type'] ?? '').startsWith(PROTOBUF)) {
    try {
      o = decodeProtobuf(body);
    } catch (err) {
      if (err instanceof StatusError) throw err;
      throw badRequest(`${what}: ${(err as Error).message}`);
    }
  } else o = parseJson(body, what);
  if (!isPlainObject(o))
    throw badRequest(
      `${r.info.kind} in version "${r.version}" cannot be handled as a ${r.info.kind}: json: cannot unmarshal into Go value of type ${r.info.kind}`,
    );
  const obj = o as KubeObject;
  if (obj.kind !== undefined && obj.kind !== r.info.kind)
    throw badRequest(
      `${obj.kind} in version "${r.version}" cannot be handled as a ${r.info.kind}: no kind "${obj.kind}" is registered for version "${obj.apiVersion ?? r.version}"`,
    );
  if (!isPlainObject(obj.metadata)) obj.metadata = {};
  return obj;
}

function checkNamespace(r: ResourceRequest, obj: KubeObject): void {
  if (!r.info.namespaced) return;
  if (obj.metadata.namespace && obj.metadata.namespace !== r.namespace)
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  obj.metadata.namespace = r.namespace;
}

function deleteOptions(query: URLSearchParams, body: Buffer): DeleteOptions & { dryRun?: boolean } {
  const opts: DeleteOptions & { dryRun?: boolean; orphanDependents?: boolean } = {};
  if (body.length > 0 && body.toString().trim() !== '') {
    const b = parseJson(body, 'DeleteOptions') as Record<string, unknown>;
    if (typeof b.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = b.gracePeriodSeconds;
    if (typeof b.propagationPolicy === 'string')
      opts.propagationPolicy = b.propagationPolicy as DeleteOptions['propagationPolicy'];
    if (isPlainObject(b.preconditions)) opts.preconditions = b.preconditions as DeleteOptions['preconditions'];
    if (typeof b.orphanDependents === 'boolean') opts.orphanDependents = b.orphanDependents;
    if (Array.isArray(b.dryRun) && b.dryRun.includes('All')) opts.dryRun = true;
  }
  const grace = query.get('gracePeriodSeconds');
  if (grace !== null) opts.gracePeriodSeconds = Number(grace);
  const policy = query.get('propagationPolicy');
  if (policy !== null) opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  if (query.get('orphanDependents') !== null) opts.orphanDependents = isTrue(query.get('orphanDependents'));
  if (opts.propagationPolicy && !['Background', 'Foreground', 'Orphan'].includes(opts.propagationPolicy))
    throw badRequest(
      `propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  if (opts.orphanDependents !== undefined && !opts.propagationPolicy)
    opts.propagationPolicy = opts.orphanDependents ? 'Orphan' : 'Background';
  if (dryRun(query)) opts.dryRun = true;
  return opts;
}

function updateSubresource(r: ResourceRequest): UpdateSubresource | undefined {
  if (!r.subresource) return undefined;
  if (r.subresource === 'status' && r.info.statusSubresource) return 'status';
  if (r.subresource === 'finalize' && r.info.key === 'namespaces') return 'finalize';
  if (r.subresource === 'ephemeralcontainers' && r.info.key === 'pods') return 'ephemeralcontainers';
  throw pathNotFound();
}

export async function handleRest(
  ctx: RestContext,
  r: ResourceRequest,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  const info = r.info;
  const store = info.key === EVENTS_V1_KEY ? eventsV1Store(ctx.store) : ctx.store;
  const method = req.method ?? 'GET';
  const qr = qualifiedResource(info);
  const watching = r.legacyWatch || isTrue(query.get('watch'));
  if (r.name === undefined) {
    if (method === 'GET') {
      if (watching) return serveWatch(store, info, r.namespace, query, req, res, ctx.timing, ctx.trackStream);
      const list = listResponse(store, info, r.namespace, query);
      if (wantsTable(req))
        return sendJson(
          res,
          200,
          toTable(info, list.items as KubeObject[], list.metadata as Record<string, unknown>, store.now()),
        );
      return sendJson(res, 200, list);
    }
    if (method === 'POST') {
      if (!info.verbs.includes('create')) throw methodNotSupported(qr, 'create');
      checkContentType(req);
      const obj = decodeObject(r, await readBody(req), req);
      checkNamespace(r, obj);
      const created = store.create(info.key, obj, { dryRun: dryRun(query) });
      return sendJson(res, 201, created);
    }
    if (method === 'DELETE') {
      if (!info.verbs.includes('deletecollection')) throw methodNotSupported(qr, 'deletecollection');
      const opts = deleteOptions(query, await readBody(req));
      const list = store.list(info.key, r.namespace, {
        labelSelector: query.get('labelSelector') ?? undefined,
        fieldSelector: query.get('fieldSelector') ?? undefined,
      });
      const items = list.items.map((o) => store.delete(info.key, o.metadata.namespace, o.metadata.name!, opts));
      return sendJson(res, 200, {
        kind: `${info.kind}List`,
        apiVersion: list.items[0]?.apiVersion ?? 'v1',
        metadata: { resourceVersion: store.resourceVersion() },
        items,
      });
    }
    throw methodNotSupported(qr, method.toLowerCase());
  }
  const name = r.name;
  if (method === 'GET' && watching) {
    query.set('fieldSelector', [query.get('fieldSelector'), `metadata.name=${name}`].filter(Boolean).join(','));
    return serveWatch(store, info, r.namespace, query, req, res, ctx.timing, ctx.trackStream);
  }
  const sub = method === 'GET' || method === 'DELETE' ? r.subresource : updateSubresource(r);
  if (sub !== undefined && method === 'DELETE') throw methodNotSupported(qr, 'delete');
  if (method === 'GET') {
    if (r.subresource && !['status', 'ephemeralcontainers'].includes(r.subresource)) throw pathNotFound();
    const o = store.get(info.key, r.namespace, name);
    if (!o) throw notFound(qr, name);
    if (wantsTable(req) && !r.subresource)
      return sendJson(res, 200, toTable(info, [o], { resourceVersion: o.metadata.resourceVersion }, store.now()));
    return sendJson(res, 200, o);
  }
  if (method === 'PUT') {
    checkContentType(req);
    const obj = decodeObject(r, await readBody(req), req);
    checkNamespace(r, obj);
    if (obj.metadata.name !== name)
      throw badRequest(
        `the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${name})`,
      );
    const updated = store.update(info.key, obj, {
      subresource: sub as UpdateSubresource | undefined,
      dryRun: dryRun(query),
    });
    return sendJson(res, 200, updated);
  }
  if (method === 'PATCH') {
    const type = patchTypeOf(req.headers['content-type']);
    const body = await readBody(req);
    if (type === 'apply' && !query.get('fieldManager'))
      throw badRequest(
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    const current = store.get(info.key, r.namespace, name);
    if (!current) {
      if (type !== 'apply' || sub) throw notFound(qr, name);
      const obj = applyPatch(type, { metadata: {} }, body) as KubeObject;
      checkNamespace(r, obj);
      obj.metadata.name = name;
      return sendJson(res, 201, store.create(info.key, obj, { dryRun: dryRun(query) }));
    }
    const patched = applyPatch(type, current, body) as KubeObject;
    if (!isPlainObject(patched) || !isPlainObject(patched.metadata))
      throw badRequest('the patch produced an object without metadata');
    if (patched.metadata.name !== name)
      throw badRequest(
        `the name of the object (${patched.metadata.name ?? ''}) does not match the name on the URL (${name})`,
      );
    checkNamespace(r, patched);
    const updated = store.update(info.key, patched, {
      subresource: sub as UpdateSubresource | undefined,
      dryRun: dryRun(query),
    });
    return sendJson(res, 200, updated);
  }
  if (method === 'DELETE') {
    if (!info.verbs.includes('delete')) throw methodNotSupported(qr, 'delete');
    const opts = deleteOptions(query, await readBody(req));
    const result = store.deleteDetailed(info.key, r.namespace, name, opts);
    if (result.deleted && !info.returnDeletedObject) {
      const details: Record<string, string> = { name, kind: info.resource, uid: result.object.metadata.uid ?? '' };
      if (info.group) details.group = info.group;
      return sendJson(res, 200, successStatus(details));
    }
    return sendJson(res, 200, result.object);
  }
  throw methodNotSupported(qr, method.toLowerCase());
}
