// HEAD/GET/PUT /containers/{id}/archive (docker cp). The tar streams are piped, never held: GET writes the
// container's tar to the response as it comes (waiting for 'drain'), PUT hands the request body to the engine,
// which validates it while it streams into the container.

import type { Readable } from 'node:stream';
import type { Handler } from '../context.ts';
import { queryBool } from '../http/query.ts';
import { empty } from '../http/reply.ts';
import type { ResponseWriter } from '../http/response-writer.ts';

export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** What the archive routes need from the engine (src/engine/archive/archive-engine.ts). */
export interface ArchiveBackend {
  stat(ref: string, path: string | null, signal?: AbortSignal): Promise<PathStat>;
  get(ref: string, path: string | null, signal?: AbortSignal): Promise<{ stat: PathStat; body: Readable }>;
  put(
    ref: string,
    path: string | null,
    body: Readable,
    o: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean; signal?: AbortSignal },
  ): Promise<void>;
}

export const PATH_STAT_HEADER = 'X-Docker-Container-Path-Stat';

/** Standard base64 of compact JSON, moby's key order. */
export function encodeStat(s: PathStat): string {
  const json = JSON.stringify({ name: s.name, size: s.size, mode: s.mode, mtime: s.mtime, linkTarget: s.linkTarget });
  return Buffer.from(json, 'utf8').toString('base64');
}

export function headArchiveHandler(backend: ArchiveBackend): Handler {
  return async (ctx) => {
    const stat = await backend.stat(ctx.params.id, ctx.query.get('path'), ctx.signal);
    return { status: 200, headers: { [PATH_STAT_HEADER]: encodeStat(stat) } };
  };
}

export function getArchiveHandler(backend: ArchiveBackend): Handler {
  return async (ctx) => {
    const { stat, body } = await backend.get(ctx.params.id, ctx.query.get('path'), ctx.signal);
    ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar', [PATH_STAT_HEADER]: encodeStat(stat) });
    await pump(body, ctx.res, ctx.signal);
    return undefined;
  };
}

export function putArchiveHandler(backend: ArchiveBackend): Handler {
  return async (ctx) => {
    await backend.put(ctx.params.id, ctx.query.get('path'), ctx.body, {
      noOverwriteDirNonDir: queryBool(ctx.query, 'noOverwriteDirNonDir'),
      copyUIDGID: queryBool(ctx.query, 'copyUIDGID'),
      signal: ctx.signal,
    });
    return empty(200);
  };
}

/** Copies with backpressure; a failure midway ends the response abruptly (the client sees a cut tar stream). */
async function pump(body: Readable, res: ResponseWriter, signal: AbortSignal): Promise<void> {
  const onAbort = () => body.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of body) {
      if (res.destroyed) break;
      if (!res.write(chunk as Buffer)) {
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
      }
    }
    if (!res.writableEnded && !res.destroyed) res.end();
  } catch (err) {
    res.destroy(err instanceof Error ? err : undefined);
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!body.destroyed) body.destroy();
  }
}
