// Kubernetes Status errors, with the messages of k8s.io/apimachinery/pkg/api/errors/errors.go.
// Everything the simulated API server and store reject is a StatusError; the HTTP layer sends
// `error.status` as the body with `error.status.code` as the HTTP status.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  /** Absent on the Success Status some DELETEs return. */
  code?: number;
}

export class StatusError extends Error {
  readonly status: Status;
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
    if (details) this.status.details = details;
  }
  get code(): number {
    return this.status.code ?? 500;
  }
  get reason(): string {
    return this.status.reason ?? '';
  }
}

export function isStatusError(err: unknown): err is StatusError {
  return err instanceof StatusError;
}

/** A group-qualified resource as Go prints schema.GroupResource: "pods", "deployments.apps". */
export interface QualifiedResource {
  group?: string;
  resource: string;
}

function qualified(r: QualifiedResource | string): { text: string; group?: string; resource: string } {
  if (typeof r === 'string') return { text: r, resource: r };
  const text = r.group ? `${r.resource}.${r.group}` : r.resource;
  return r.group ? { text, group: r.group, resource: r.resource } : { text, resource: r.resource };
}

function details(name: string, r: QualifiedResource | string): StatusDetails {
  const q = qualified(r);
  return q.group ? { name, group: q.group, kind: q.resource } : { name, kind: q.resource };
}

export function notFound(resource: QualifiedResource | string, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualified(resource).text} "${name}" not found`, details(name, resource));
}

export function alreadyExists(resource: QualifiedResource | string, name: string): StatusError {
  return new StatusError(
    409,
    'AlreadyExists',
    `${qualified(resource).text} "${name}" already exists`,
    details(name, resource),
  );
}

/** generateName collision: the real server sets retryAfterSeconds 1 (NewGenerateNameConflict). */
export function generateNameConflict(resource: QualifiedResource | string, name: string): StatusError {
  return new StatusError(
    409,
    'AlreadyExists',
    `${qualified(resource).text} "${name}" already exists, the server was not able to generate a unique name for the object`,
    { ...details(name, resource), retryAfterSeconds: 1 },
  );
}

export function conflict(resource: QualifiedResource | string, name: string, reason: string): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(resource).text} "${name}": ${reason}`,
    details(name, resource),
  );
}

export const OPTIMISTIC_LOCK_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

export function staleResourceVersion(resource: QualifiedResource | string, name: string): StatusError {
  return conflict(resource, name, OPTIMISTIC_LOCK_MESSAGE);
}

/** A field.Error as in k8s.io/apimachinery/pkg/util/validation/field/errors.go. */
export interface FieldError {
  type:
    | 'FieldValueNotFound'
    | 'FieldValueRequired'
    | 'FieldValueDuplicate'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueTooMany'
    | 'InternalError'
    | 'FieldValueTypeInvalid';
  field: string;
  /** The body after "field: ": "Required value", `Invalid value: "X": detail` … */
  body: string;
}

/** `Kind "name" is invalid: <one error>` or `... is invalid: [e1, e2]`. Kind is group-qualified ("Deployment.apps"). */
export function invalid(kind: { group?: string; kind: string }, name: string, errors: FieldError[]): StatusError {
  const text = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
  const causes = errors.map((e) => ({ reason: e.type, message: e.body, field: e.field }));
  const messages = [...new Set(errors.map((e) => `${e.field}: ${e.body}`))];
  const aggregate = messages.length === 0 ? '' : messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  const message = aggregate ? `${text} "${name}" is invalid: ${aggregate}` : `${text} "${name}" is invalid`;
  const d: StatusDetails = { name, kind: kind.kind, causes };
  if (kind.group) d.group = kind.group;
  return new StatusError(422, 'Invalid', message, d);
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

/** 410 Expired (NewResourceExpired): a watch or continue token from before the retained history. */
export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

export function gone(message: string): StatusError {
  return new StatusError(410, 'Gone', message);
}

export function forbidden(resource: QualifiedResource | string, name: string, reason: string): StatusError {
  const q = qualified(resource);
  const message = name ? `${q.text} "${name}" is forbidden: ${reason}` : `${q.text} is forbidden: ${reason}`;
  return new StatusError(403, 'Forbidden', message, details(name, resource));
}

export function unauthorized(message = 'Unauthorized'): StatusError {
  return new StatusError(401, 'Unauthorized', message);
}

export function methodNotSupported(resource: QualifiedResource | string, action: string): StatusError {
  const q = qualified(resource);
  const d: StatusDetails = { kind: q.resource };
  if (q.group) d.group = q.group;
  return new StatusError(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${q.text}"`, d);
}

export function unsupportedMediaType(message: string): StatusError {
  return new StatusError(415, 'UnsupportedMediaType', message);
}

export function notAcceptable(message: string): StatusError {
  return new StatusError(406, 'NotAcceptable', message);
}

export function tooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return new StatusError(429, 'TooManyRequests', message, { retryAfterSeconds });
}

export function serviceUnavailable(message: string): StatusError {
  return new StatusError(503, 'ServiceUnavailable', message);
}

export function timeout(message: string, retryAfterSeconds = 0): StatusError {
  return new StatusError(504, 'Timeout', `Timeout: ${message}`, { retryAfterSeconds });
}

export function internalError(err: unknown): StatusError {
  const message = err instanceof Error ? err.message : String(err);
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** The path segment not served at all: the real 404 body for an unknown URL. */
export function pathNotFound(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** `{"kind":"Status","status":"Success",...}` returned by some DELETEs. */
export function successStatus(details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  if (details) s.details = details;
  return s;
}
