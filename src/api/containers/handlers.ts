// Container lifecycle endpoints: parse the request, call the backend, answer in Docker's wire format.

import { InvalidParameter } from '../../errors.ts';
import { type AuthConfig, decodeRegistryAuthHeader, InvalidAuthError } from '../../registry/auth.ts';
import type { Handler } from '../context.ts';
import { readBody, readJsonObject } from '../http/body.ts';
import { startRawStream } from '../http/json-stream.ts';
import { queryBool, queryInt } from '../http/query.ts';
import { empty, json, noContent } from '../http/reply.ts';
import type { ContainersBackend, WaitCondition } from './backend.ts';

function registryAuth(header: string | string[] | undefined): AuthConfig | undefined {
  try {
    return decodeRegistryAuthHeader(Array.isArray(header) ? header[0] : header);
  } catch (err) {
    if (err instanceof InvalidAuthError) throw new InvalidParameter(err.message);
    throw err;
  }
}

/** POST /containers/create?name=&platform= (other query keys are ignored: docker-modem mirrors the body there). */
export function createHandler(backend: ContainersBackend): Handler {
  return async (ctx) => {
    const raw = await readBody(ctx);
    const ct = String(ctx.headers['content-type'] ?? '');
    if ((ct !== '' || raw.length > 0) && !/^application\/json\b/i.test(ct.split(';')[0].trim())) {
      throw new InvalidParameter(`Content-Type specified (${ct}) must be 'application/json'`);
    }
    let body: unknown;
    try {
      body = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw new InvalidParameter(`invalid JSON body: ${(err as Error).message}`);
    }
    const auth = registryAuth(ctx.headers['x-registry-auth']);
    const created = await backend.create({
      body,
      name: ctx.query.get('name') ?? undefined,
      platform: ctx.query.get('platform') ?? undefined,
      ...(auth && Object.keys(auth).length > 0 ? { auth } : {}),
    });
    return json(created, 201);
  };
}

export function listHandler(backend: ContainersBackend): Handler {
  return (ctx) =>
    json(
      backend.list({
        all: queryBool(ctx.query, 'all'),
        limit: queryInt(ctx.query, 'limit', -1) ?? -1,
        size: queryBool(ctx.query, 'size'),
        filters: ctx.query.get('filters'),
      }),
    );
}

export function inspectHandler(backend: ContainersBackend): Handler {
  return (ctx) => json(backend.inspect(ctx.params.id, queryBool(ctx.query, 'size')));
}

export function startHandler(backend: ContainersBackend): Handler {
  return async (ctx) => {
    if (ctx.query.get('checkpoint') || ctx.query.get('checkpoint-dir')) {
      throw new InvalidParameter('checkpoints are not supported by badidea: Kubernetes cannot restore a process');
    }
    ctx.body.resume();
    await backend.start(ctx.params.id);
    return noContent();
  };
}

/** `t` (seconds; -1 waits forever) from the query, or from a JSON body as testcontainers sends `{"t":0}`. */
async function stopTimeout(ctx: Parameters<Handler>[0]): Promise<number | undefined> {
  const fromQuery = queryInt(ctx.query, 't');
  if (fromQuery !== undefined) {
    ctx.body.resume();
    return fromQuery;
  }
  const raw = await readBody(ctx);
  if (raw.length === 0) return undefined;
  try {
    const body = JSON.parse(raw.toString('utf8')) as { t?: unknown };
    if (typeof body?.t === 'number' && Number.isInteger(body.t)) return body.t;
  } catch {
    // not JSON: no timeout given
  }
  return undefined;
}

export function stopHandler(backend: ContainersBackend): Handler {
  return async (ctx) => {
    const t = await stopTimeout(ctx);
    await backend.stop(ctx.params.id, t, ctx.query.get('signal') ?? undefined);
    return noContent();
  };
}

export function restartHandler(backend: ContainersBackend): Handler {
  return async (ctx) => {
    const t = await stopTimeout(ctx);
    await backend.restart(ctx.params.id, t, ctx.query.get('signal') ?? undefined);
    return noContent();
  };
}

export function killHandler(backend: ContainersBackend): Handler {
  return async (ctx) => {
    ctx.body.resume();
    await backend.kill(ctx.params.id, ctx.query.get('signal') ?? undefined);
    return noContent();
  };
}

/** 200 and the headers at once (docker run sends start only after them), the body when the condition is met. */
export function waitHandler(backend: ContainersBackend): Handler {
  return async (ctx) => {
    ctx.body.resume();
    const raw = ctx.query.get('condition');
    if (raw !== null && raw !== '' && !['not-running', 'next-exit', 'removed'].includes(raw)) {
      throw new InvalidParameter(`invalid condition: "${raw}"`);
    }
    const condition = (raw || 'not-running') as WaitCondition;
    const waiter = backend.wait(ctx.params.id, condition);
    const stream = startRawStream(ctx.res, 'application/json');
    let body: string;
    try {
      body = JSON.stringify(await waiter.result(ctx.signal));
    } catch (err) {
      if (ctx.signal.aborted) {
        stream.end();
        return undefined;
      }
      body = JSON.stringify({ Error: { Message: (err as Error).message }, StatusCode: -1 });
    }
    await stream.write(`${body}\n`);
    stream.end();
    return undefined;
  };
}

export function removeHandler(backend: ContainersBackend): Handler {
  return async (ctx) => {
    await backend.remove(ctx.params.id, {
      force: queryBool(ctx.query, 'force'),
      volumes: queryBool(ctx.query, 'v'),
      link: queryBool(ctx.query, 'link'),
    });
    return noContent();
  };
}

export function pruneHandler(backend: ContainersBackend): Handler {
  return async (ctx) => {
    ctx.body.resume();
    return json(await backend.prune(ctx.query.get('filters')));
  };
}

export function renameHandler(backend: ContainersBackend): Handler {
  return async (ctx) => {
    ctx.body.resume();
    await backend.rename(ctx.params.id, ctx.query.get('name') ?? '');
    return noContent();
  };
}

export function updateHandler(backend: ContainersBackend): Handler {
  return async (ctx) => json(await backend.update(ctx.params.id, await readJsonObject(ctx)));
}

export function refuseHandler(
  backend: { refuse(ref: string, what: 'pause' | 'unpause' | 'export' | 'changes'): never },
  what: 'pause' | 'unpause' | 'export' | 'changes',
): Handler {
  return (ctx) => {
    ctx.body.resume();
    backend.refuse(ctx.params.id, what);
    return empty(500);
  };
}
