// Kubernetes answers and failures as badidea errors. The Status (code, reason, message) stays attached so the
// engine can tell AlreadyExists from Conflict, and rephrase NotFound as Docker's "No such container".

import { type ApiError, Conflict, Forbidden, Internal, InvalidParameter, NotFound, Unavailable } from '../errors.ts';
import type { KubeStatus } from './types.ts';

const STATUS = Symbol('kubeStatus');

export function kubeStatusOf(err: unknown): KubeStatus | undefined {
  return (err as { [STATUS]?: KubeStatus } | null)?.[STATUS];
}

export function parseStatus(code: number, text: string): KubeStatus {
  try {
    const s = JSON.parse(text) as KubeStatus;
    if (s && typeof s === 'object' && (s.kind === 'Status' || s.message)) return { ...s, code: s.code ?? code };
  } catch {}
  return { code, message: text.trim() || `HTTP ${code}`, reason: undefined };
}

/** An HTTP error answer from the API server. `what` names the request, e.g. "create pods/web". */
export function errorFromStatus(status: KubeStatus, what: string): ApiError {
  const code = status.code ?? 500;
  const message = status.message ?? `HTTP ${code}`;
  let err: ApiError;
  if (code === 404) err = new NotFound(message);
  else if (code === 409 || code === 410) err = new Conflict(message);
  else if (code === 400 || code === 422) err = new InvalidParameter(message);
  else if (code === 403) err = new Forbidden(`Kubernetes refused ${what}: ${message}`);
  else if (code === 401)
    err = new Unavailable(`the Kubernetes cluster rejected badidea's credentials (${what}): ${message}`);
  else if (code === 429 || code >= 500) err = new Unavailable(`Kubernetes could not ${what}: ${message}`);
  else err = new Internal(`Kubernetes answered ${code} to ${what}: ${message}`);
  Object.defineProperty(err, STATUS, { value: status, enumerable: false });
  return err;
}

/** A readable cause for a network failure from undici's fetch ("connect ECONNREFUSED 127.0.0.1:6443"). */
export function describeNetworkError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { message?: string; code?: string } };
  if (e?.name === 'TimeoutError') return 'request timed out';
  if (e?.cause?.message) return e.cause.message;
  return e?.message ?? String(err);
}
