// POST /containers/{id}/exec, POST /exec/{id}/start, POST /exec/{id}/resize, GET /exec/{id}/json.

import { InvalidParameter } from '../../errors.ts';
import type { Handler } from '../context.ts';
import { readJsonObject } from '../http/body.ts';
import { queryInt } from '../http/query.ts';
import { empty, json } from '../http/reply.ts';
import type { ExecBackend } from './backend.ts';

export function execCreateHandler(backend: ExecBackend): Handler {
  return async (ctx) => {
    const body = await readJsonObject(ctx);
    return json(backend.create(ctx.params.id, body), 201);
  };
}

export function execStartHandler(backend: ExecBackend): Handler {
  return async (ctx) => {
    const body = await readJsonObject(ctx);
    const detach = body.Detach === true;
    const prepared = backend.prepareStart(ctx.params.id);
    if (detach) {
      prepared.detach();
      return { ...empty(200), headers: { 'Content-Length': '0' } };
    }
    const conn = await ctx.hijack({ tty: prepared.tty, stdin: true, versionHeaders: true });
    await prepared.run(conn);
    return undefined;
  };
}

export function execResizeHandler(backend: ExecBackend): Handler {
  return (ctx) => {
    const h = queryInt(ctx.query, 'h', 0) ?? 0;
    const w = queryInt(ctx.query, 'w', 0) ?? 0;
    if (h < 0 || w < 0) throw new InvalidParameter('invalid terminal size: height and width must not be negative');
    backend.resize(ctx.params.id, h, w);
    return { ...empty(200), headers: { 'Content-Length': '0' } };
  };
}

export function execInspectHandler(backend: ExecBackend): Handler {
  return (ctx) => json(backend.inspect(ctx.params.id));
}
