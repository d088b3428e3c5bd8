// Translate's errors (TranslationError, pure and HTTP-free) as badidea's API errors, so src/api/server.ts maps them
// to the right status: invalid → 400, forbidden → 403, not-found → 404, conflict → 409, not-implemented → 501.

import { type ApiError, Conflict, Forbidden, InvalidParameter, NotFound, NotImplemented } from '../../errors.ts';
import { TranslationError } from '../../translate/translation-error.ts';

/** The ApiError for a TranslationError; any other value is returned unchanged. */
export function asApiError(err: unknown): unknown {
  if (!(err instanceof TranslationError)) return err;
  const make: Record<TranslationError['kind'], (m: string) => ApiError> = {
    invalid: (m) => new InvalidParameter(m),
    forbidden: (m) => new Forbidden(m),
    'not-found': (m) => new NotFound(m),
    conflict: (m) => new Conflict(m),
    'not-implemented': (m) => new NotImplemented(m),
  };
  return make[err.kind](err.message);
}

/** Runs a pure translate call, rethrowing its refusal as an ApiError. */
export function translated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw asApiError(err);
  }
}
