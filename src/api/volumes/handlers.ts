// Volume endpoints: parse the request, call the backend, answer in Docker's wire format.

import { InvalidParameter } from '../../errors.ts';
import type { Handler } from '../context.ts';
import { readJsonObject } from '../http/body.ts';
import { parseFilters, queryBool } from '../http/query.ts';
import { json, noContent } from '../http/reply.ts';
import { versionAtLeast } from '../version.ts';
import type { VolumesBackend } from './backend.ts';

function stringField(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new InvalidParameter(`${key} must be a string`);
  return v;
}

function stringMap(body: Record<string, unknown>, key: string): Record<string, string> {
  const v = body[key];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidParameter(`${key} must be an object of strings`);
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw new InvalidParameter(`${key}["${k}"] must be a string`);
  }
  return v as Record<string, string>;
}

const CREATE_FIELDS = new Set(['Name', 'Driver', 'DriverOpts', 'Labels', 'ClusterVolumeSpec']);

/** POST /volumes/create → 201 with the volume. */
export function createHandler(backend: VolumesBackend): Handler {
  return async (ctx) => {
    const body = await readJsonObject(ctx);
    const unknown = Object.keys(body).filter((k) => !CREATE_FIELDS.has(k));
    if (unknown.length > 0)
      throw new InvalidParameter(`unknown field(s) in the volume create request: ${unknown.join(', ')}`);
    const spec = body.ClusterVolumeSpec;
    const volume = await backend.create({
      name: stringField(body, 'Name'),
      driver: stringField(body, 'Driver'),
      options: stringMap(body, 'DriverOpts'),
      labels: stringMap(body, 'Labels'),
      clusterVolumeSpec: spec !== undefined && spec !== null,
    });
    return json(volume, 201);
  };
}

export function listHandler(backend: VolumesBackend): Handler {
  return (ctx) => json(backend.list(parseFilters(ctx.query.get('filters'))));
}

export function inspectHandler(backend: VolumesBackend): Handler {
  return (ctx) => json(backend.inspect(ctx.params.name));
}

export function deleteHandler(backend: VolumesBackend): Handler {
  return async (ctx) => {
    await backend.remove(ctx.params.name, queryBool(ctx.query, 'force'));
    return noContent();
  };
}

export function pruneHandler(backend: VolumesBackend): Handler {
  return async (ctx) =>
    json(await backend.prune(parseFilters(ctx.query.get('filters')), versionAtLeast(ctx.version, '1.42')));
}

/** PUT /volumes/{name}: cluster volumes only. */
export function updateHandler(): Handler {
  return () => {
    throw new InvalidParameter(
      'volume update applies to Swarm cluster volumes only; badidea volumes are PersistentVolumeClaims',
    );
  };
}
