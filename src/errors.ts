// Errors by kind. Code anywhere throws one of these; src/api/server.ts is the one place that turns an error
// into an HTTP status (statusOf) and a {"message"} body. Anything that is not an ApiError is a 500.

export type ErrorKind =
  | 'NotFound'
  | 'InvalidParameter'
  | 'Conflict'
  | 'NotModified'
  | 'Unauthorized'
  | 'Forbidden'
  | 'PayloadTooLarge'
  | 'Unavailable'
  | 'NotImplemented'
  | 'Internal';

export abstract class ApiError extends Error {
  abstract readonly kind: ErrorKind;
}

/** 404: the named object does not exist ("No such container: x"). */
export class NotFound extends ApiError {
  readonly kind = 'NotFound';
}
/** 400: the client sent something invalid (bad query, bad body, bad name, unsupported API version). */
export class InvalidParameter extends ApiError {
  readonly kind = 'InvalidParameter';
}
/** 409: the request conflicts with the current state (name in use, container not running). */
export class Conflict extends ApiError {
  readonly kind = 'Conflict';
}
/** 304: nothing to do (start a running container, stop a stopped one). The body is empty. */
export class NotModified extends ApiError {
  readonly kind = 'NotModified';
}
/** 401: no valid credentials. */
export class Unauthorized extends ApiError {
  readonly kind = 'Unauthorized';
}
/** 403: credentials are valid but the operation is not allowed (e.g. privileged containers). */
export class Forbidden extends ApiError {
  readonly kind = 'Forbidden';
}
/** 413: request body larger than the configured limit. */
export class PayloadTooLarge extends ApiError {
  readonly kind = 'PayloadTooLarge';
}
/** 503: the Kubernetes cluster (or another dependency) cannot be reached right now. */
export class Unavailable extends ApiError {
  readonly kind = 'Unavailable';
}
/** 501: a Docker feature Kubernetes cannot provide. */
export class NotImplemented extends ApiError {
  readonly kind = 'NotImplemented';
}
/** 500: a bug or an unexpected failure on our side. */
export class Internal extends ApiError {
  readonly kind = 'Internal';
}

const STATUS: Record<ErrorKind, number> = {
  NotFound: 404,
  InvalidParameter: 400,
  Conflict: 409,
  NotModified: 304,
  Unauthorized: 401,
  Forbidden: 403,
  PayloadTooLarge: 413,
  Unavailable: 503,
  NotImplemented: 501,
  Internal: 500,
};

/** The one mapping from an error to an HTTP status. */
export function statusOf(err: unknown): number {
  return err instanceof ApiError ? STATUS[err.kind] : 500;
}

/** The message a client sees. Unclassified errors keep their message (dockerd does the same). */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
