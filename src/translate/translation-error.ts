// Errors thrown by the pure translation functions. `src/errors.ts` (the lead's) maps them to HTTP:
// 'invalid' → 400, 'forbidden' → 403, 'not-found' → 404, 'conflict' → 409, 'not-implemented' → 501.
// Every refusal of a create-request field is 'invalid' (400): the issue asks for a 400 that says why and what to do.

export type TranslationErrorKind = 'invalid' | 'forbidden' | 'not-found' | 'conflict' | 'not-implemented';

export class TranslationError extends Error {
  readonly kind: TranslationErrorKind;

  constructor(kind: TranslationErrorKind, message: string) {
    super(message);
    this.name = 'TranslationError';
    this.kind = kind;
  }
}

export function invalid(message: string): TranslationError {
  return new TranslationError('invalid', message);
}

export function notFound(message: string): TranslationError {
  return new TranslationError('not-found', message);
}
