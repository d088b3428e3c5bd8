// Image endpoints: parse the request, call the backend, answer in Docker's wire format.

import { InvalidParameter, NotImplemented } from '../../errors.ts';
import { type AuthConfig, decodeRegistryAuthHeader, InvalidAuthError, normalizeAuth } from '../../registry/auth.ts';
import { familiarString } from '../../registry/reference.ts';
import type { Handler } from '../context.ts';
import { readJsonObject } from '../http/body.ts';
import { startJsonStream } from '../http/json-stream.ts';
import { parseFilters, queryBool } from '../http/query.ts';
import { empty, json } from '../http/reply.ts';
import { versionAtLeast } from '../version.ts';
import type { ImagesBackend } from './backend.ts';

function registryAuth(header: string | string[] | undefined): AuthConfig | undefined {
  try {
    return decodeRegistryAuthHeader(Array.isArray(header) ? header[0] : header);
  } catch (err) {
    if (err instanceof InvalidAuthError) throw new InvalidParameter(err.message);
    throw err;
  }
}

/** POST /images/create: pull (fromImage) with Docker's progress stream; import (fromSrc) is not possible. */
export function createHandler(backend: ImagesBackend): Handler {
  return async (ctx) => {
    const q = ctx.query;
    const fromImage = q.get('fromImage') ?? '';
    if (q.get('fromSrc') !== null || !fromImage) {
      if (!fromImage && q.get('fromSrc') === null) {
        throw new InvalidParameter('fromImage is required (importing with fromSrc is not supported by badidea)');
      }
      throw new NotImplemented(NOT_POSSIBLE.import);
    }
    ctx.body.resume(); // testcontainers sends {"fromImage","tag"} as a body too; the query is what counts
    const res = await backend.resolvePull({
      fromImage,
      tag: q.get('tag') ?? undefined,
      platform: q.get('platform') || undefined,
      auth: registryAuth(ctx.headers['x-registry-auth']),
    });
    const ref = res.resolved.ref;
    const stream = startJsonStream(ctx.res);
    try {
      await stream.send({ status: `Pulling from ${ref.path}`, id: ref.tag ?? ref.digest });
      const { upToDate } = await backend.recordPull(res);
      await stream.send({ status: `Digest: ${res.resolved.repoDigest}` });
      const name = familiarString(ref);
      await stream.send({
        status: upToDate ? `Status: Image is up to date for ${name}` : `Status: Downloaded newer image for ${name}`,
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await stream.send({ errorDetail: { message }, error: message });
    } finally {
      stream.end();
    }
    return undefined;
  };
}

export function listHandler(backend: ImagesBackend): Handler {
  return (ctx) => {
    const filters = new Map(parseFilters(ctx.query.get('filters')));
    // Before API 1.25 the reference filter was the `filter` parameter.
    const legacy = ctx.query.get('filter');
    if (legacy) filters.set('reference', [...(filters.get('reference') ?? []), legacy]);
    return json(backend.list(filters, !versionAtLeast(ctx.version, '1.44')));
  };
}

export function inspectHandler(backend: ImagesBackend): Handler {
  return (ctx) => json(backend.inspect(ctx.params.name));
}

export function historyHandler(backend: ImagesBackend): Handler {
  return (ctx) => json(backend.history(ctx.params.name));
}

export function tagHandler(backend: ImagesBackend): Handler {
  return async (ctx) => {
    await backend.tag(ctx.params.name, ctx.query.get('repo') ?? '', ctx.query.get('tag') ?? '');
    return empty(201);
  };
}

export function deleteHandler(backend: ImagesBackend): Handler {
  return async (ctx) => json(await backend.remove(ctx.params.name, queryBool(ctx.query, 'force')));
}

export function pruneHandler(backend: ImagesBackend): Handler {
  return async (ctx) => json(await backend.prune(parseFilters(ctx.query.get('filters'))));
}

/** POST /auth (docker login): checks the credentials against the registry. */
export function authHandler(backend: ImagesBackend): Handler {
  return async (ctx) => {
    const body = await readJsonObject(ctx);
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
    const auth = normalizeAuth({
      username: str('username'),
      password: str('password'),
      auth: str('auth'),
      email: str('email'),
      serveraddress: str('serveraddress'),
      identitytoken: str('identitytoken'),
      registrytoken: str('registrytoken'),
    });
    if (!auth) throw new InvalidParameter('username and password (or an identity token) are required');
    return json(await backend.login({ ...auth, serveraddress: str('serveraddress') }));
  };
}

/** Why these Docker features cannot exist here: there is no image store, only a cluster pulling from registries. */
export const NOT_POSSIBLE = {
  build:
    'badidea cannot build images: containers run as Kubernetes pods and there is no local image store; build elsewhere (BuildKit, kaniko, docker build on a machine with Docker) and push to a registry',
  load: 'badidea cannot load images from a tar archive: the cluster pulls images from registries only; push the image to a registry instead',
  save: 'badidea cannot export images to a tar archive: it never downloads image layers (the cluster nodes do); pull the image from its registry with another tool',
  push: 'badidea cannot push images: it holds no image layers, only registry references; push from where the image was built',
  commit:
    'badidea cannot commit containers to images: a pod’s filesystem cannot be snapshotted through the Kubernetes API',
  import: 'badidea cannot import images from a tar archive or URL: the cluster pulls images from registries only',
  search: 'badidea does not search registries: use the registry’s own web interface or API',
  export:
    'badidea cannot export a container’s filesystem: a pod’s filesystem cannot be read as a whole through the Kubernetes API',
} as const;

export function notPossible(what: keyof typeof NOT_POSSIBLE): Handler {
  return (ctx) => {
    ctx.body.resume();
    throw new NotImplemented(NOT_POSSIBLE[what]);
  };
}
