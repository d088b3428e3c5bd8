// PATCH bodies by Content-Type: JSON patch (RFC 6902, fast-json-patch), JSON merge patch,
// strategic merge patch, and server-side apply approximated as a strategic merge of the applied
// configuration (no managedFields, no conflicts).
import jsonpatch from 'fast-json-patch';
import { clone } from '../store/json.ts';
import { mergePatch } from './merge-patch.ts';
import { badRequest, StatusError, unsupportedMediaType } from './status.ts';
import { strategicMergePatch } from './strategic-merge-patch.ts';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export function patchTypeOf(contentType: string | undefined): PatchType {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  switch (ct) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+cbor':
      return 'apply';
    default:
      throw unsupportedMediaType(
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
      );
  }
}

export function applyPatch(type: PatchType, original: unknown, body: Buffer): unknown {
  const text = body.toString('utf8');
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch (err) {
    if (type === 'apply')
      throw badRequest(
        `error decoding YAML: only JSON-compatible YAML is supported by the simulator: ${(err as Error).message}`,
      );
    throw badRequest(`invalid JSON Patch`);
  }
  switch (type) {
    case 'json': {
      if (!Array.isArray(patch))
        throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
      try {
        return jsonpatch.applyPatch(clone(original), patch as jsonpatch.Operation[], true, false).newDocument;
      } catch (err) {
        if (err instanceof StatusError) throw err;
        const e = err as { name?: string; message: string };
        if (e.name === 'TEST_OPERATION_FAILED')
          throw new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request');
        throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request`, {
          causes: [{ message: e.message.split('\n')[0] }],
        });
      }
    }
    case 'merge':
      return mergePatch(original, patch);
    case 'strategic':
    case 'apply':
      return strategicMergePatch(original, patch);
  }
}
