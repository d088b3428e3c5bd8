// Request bodies: JSON with Docker's Content-Type rule, bounded by the configured size (413 beyond it).

import { InvalidParameter, PayloadTooLarge } from '../../errors.ts';
import type { RequestContext } from '../context.ts';

/** Reads the whole body, at most `limit` bytes. */
export async function readBody(ctx: Pick<RequestContext, 'body' | 'headers' | 'maxBodyBytes'>): Promise<Buffer> {
  const limit = ctx.maxBodyBytes;
  const declared = Number(ctx.headers['content-length'] ?? Number.NaN);
  if (declared > limit) {
    ctx.body.resume();
    throw new PayloadTooLarge(`request body is ${declared} bytes, larger than the limit of ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      ctx.body.resume();
      throw new PayloadTooLarge(`request body is larger than the limit of ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a JSON body. An empty body gives undefined (callers apply defaults). A non-empty body needs
 * Content-Type application/json or none at all, as dockerd's CheckForJSON. Malformed JSON is a 400.
 */
export async function readJson(ctx: Pick<RequestContext, 'body' | 'headers' | 'maxBodyBytes'>): Promise<unknown> {
  const buf = await readBody(ctx);
  if (buf.length === 0 || buf.toString('utf8').trim() === '') return undefined;
  const ct = ctx.headers['content-type'];
  if (ct && !/^application\/json\b/i.test(ct.split(';')[0].trim())) {
    throw new InvalidParameter(`Content-Type specified (${ct}) must be 'application/json'`);
  }
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new InvalidParameter(`invalid JSON body: ${(err as Error).message}`);
  }
}

/** A JSON object body (or {} when empty); anything else is a 400. */
export async function readJsonObject(
  ctx: Pick<RequestContext, 'body' | 'headers' | 'maxBodyBytes'>,
): Promise<Record<string, unknown>> {
  const v = await readJson(ctx);
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidParameter('request body must be a JSON object');
  return v as Record<string, unknown>;
}
