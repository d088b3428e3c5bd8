// Pod subresources handled by the API server itself (binding, eviction) and the hand-off of the
// streaming ones (log here; exec/attach/portforward on upgrade) to the node's PodSubresources.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPlainObject } from '../store/json.ts';
import type { MemoryStore } from '../store/memory-store.ts';
import type { KubeObject } from '../store/types.ts';
import { parseJson, readBody, sendJson } from './http.ts';
import type { PodSubresources } from './pod-subresources.ts';
import type { ResourceRequest } from './request.ts';
import { badRequest, methodNotSupported, notFound, successStatus } from './status.ts';

export const POD_SUBRESOURCES = new Set(['binding', 'eviction', 'log', 'exec', 'attach', 'portforward', 'proxy']);

export function getPod(store: MemoryStore, namespace: string | undefined, name: string): KubeObject {
  const pod = store.get('pods', namespace, name);
  if (!pod) throw notFound('pods', name);
  return pod;
}

export async function handlePodSubresource(
  store: MemoryStore,
  subresources: PodSubresources | undefined,
  r: ResourceRequest,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  const name = r.name!;
  const method = req.method ?? 'GET';
  switch (r.subresource) {
    case 'binding': {
      if (method !== 'POST') throw methodNotSupported({ resource: 'pods/binding' }, method.toLowerCase());
      const body = parseJson(await readBody(req), 'Binding') as {
        target?: { name?: string };
        metadata?: { name?: string };
      };
      const target = body?.target?.name;
      if (!target) throw badRequest('Binding "" is invalid: target.name: Required value');
      store.bind(r.namespace!, name, target, { dryRun: query.has('dryRun') });
      return sendJson(res, 201, { ...successStatus(), code: 201 });
    }
    case 'eviction': {
      if (method !== 'POST')
        throw methodNotSupported({ group: 'policy', resource: 'pods/eviction' }, method.toLowerCase());
      const body = parseJson(await readBody(req), 'Eviction') as { deleteOptions?: Record<string, unknown> };
      getPod(store, r.namespace, name);
      const opts = isPlainObject(body?.deleteOptions) ? body.deleteOptions : {};
      store.delete('pods', r.namespace, name, opts);
      return sendJson(res, 201, { ...successStatus(), code: 201 });
    }
    case 'log': {
      if (method !== 'GET') throw methodNotSupported({ resource: 'pods/log' }, method.toLowerCase());
      const pod = getPod(store, r.namespace, name);
      if (!subresources) throw badRequest(`pod ${name} has no node to serve its logs`);
      subresources.log({ pod, query }, req, res);
      return;
    }
    case 'exec':
    case 'attach':
    case 'portforward':
      getPod(store, r.namespace, name);
      throw badRequest('Upgrade request required');
    default:
      throw notFound('pods', name);
  }
}
