// /networks: list, inspect, create, remove, prune, connect, disconnect.

import { InvalidParameter } from '../../errors.ts';
import type { Handler, Route } from '../context.ts';
import { readJson } from '../http/body.ts';
import { parseFilters } from '../http/query.ts';
import { empty, json, noContent } from '../http/reply.ts';
import type { NetworksBackend } from './backend.ts';

async function body(ctx: Parameters<Handler>[0]): Promise<Record<string, unknown>> {
  const b = await readJson(ctx);
  if (b === undefined || b === null) return {};
  if (typeof b !== 'object' || Array.isArray(b))
    throw new InvalidParameter('invalid request body: expected a JSON object');
  return b as Record<string, unknown>;
}

export function networkRoutes(backend: NetworksBackend): Route[] {
  return [
    { method: 'GET', path: '/networks', handler: (ctx) => json(backend.list(parseFilters(ctx.query.get('filters')))) },
    {
      method: 'POST',
      path: '/networks/create',
      handler: async (ctx) => json(await backend.create(await body(ctx)), 201),
    },
    {
      method: 'POST',
      path: '/networks/prune',
      handler: async (ctx) => json(await backend.prune(parseFilters(ctx.query.get('filters')))),
      minVersion: '1.25',
    },
    {
      method: 'GET',
      path: '/networks/{id}',
      handler: (ctx) => json(backend.inspect(ctx.params.id)),
    },
    {
      method: 'DELETE',
      path: '/networks/{id}',
      handler: async (ctx) => {
        await backend.remove(ctx.params.id);
        return noContent();
      },
    },
    {
      method: 'POST',
      path: '/networks/{id}/connect',
      handler: async (ctx) => {
        await backend.connect(ctx.params.id, await body(ctx));
        return empty(200);
      },
    },
    {
      method: 'POST',
      path: '/networks/{id}/disconnect',
      handler: async (ctx) => {
        await backend.disconnect(ctx.params.id, await body(ctx));
        return empty(200);
      },
    },
  ];
}
