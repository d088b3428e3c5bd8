// Errors of the registry client, classified so the engine can map them to Docker's statuses; the messages are
// the ones dockerd prints (distribution errcode texts, Go's `Get "url": dial tcp …` network errors).

export type RegistryErrorKind =
  | 'not-found' // manifest or repository unknown, no manifest for the platform
  | 'unauthorized' // credentials missing or rejected
  | 'denied' // authenticated but not allowed
  | 'unavailable' // network, TLS, DNS, 5xx
  | 'invalid' // the registry sent something we cannot use (bad digest, unsupported manifest)
  | 'platform'; // the image exists but not for the requested platform

export class RegistryError extends Error {
  override name = 'RegistryError';
  readonly kind: RegistryErrorKind;
  /** The distribution error code (`MANIFEST_UNKNOWN`, `UNAUTHORIZED`, …) when the registry sent one. */
  readonly code?: string;
  constructor(kind: RegistryErrorKind, message: string, code?: string) {
    super(message);
    this.kind = kind;
    if (code) this.code = code;
  }
}

interface DistributionErrorBody {
  errors?: { code?: string; message?: string; detail?: unknown }[];
  details?: string;
  message?: string;
}

/** distribution's errcode.Error.Error(): `manifest unknown: manifest unknown`. */
export function formatErrcode(code: string, message: string | undefined): string {
  return `${code.toLowerCase().replace(/_/g, ' ')}: ${message ?? ''}`.trimEnd();
}

/** Reads a registry error body into `{code, text}`; falls back to the HTTP status text. */
export function parseErrorBody(status: number, statusText: string, body: string): { code?: string; text: string } {
  let parsed: DistributionErrorBody | undefined;
  try {
    parsed = JSON.parse(body) as DistributionErrorBody;
  } catch {
    parsed = undefined;
  }
  const first = parsed?.errors?.[0];
  if (first?.code) return { code: first.code, text: formatErrcode(first.code, first.message) };
  if (parsed?.details) return { text: `${statusText.toLowerCase() || status}: ${parsed.details}` };
  if (parsed?.message) return { text: parsed.message };
  if (status === 401) return { code: 'UNAUTHORIZED', text: formatErrcode('UNAUTHORIZED', 'authentication required') };
  if (status === 404) return { text: 'not found' };
  return { text: `unexpected status: ${status} ${statusText}`.trimEnd() };
}

/** Go's net/http error text for a failed request, built from Node's error codes. */
export function networkErrorMessage(method: string, url: string, err: unknown): string {
  const verb = method.charAt(0) + method.slice(1).toLowerCase();
  const cause = (err as { cause?: unknown })?.cause ?? err;
  const c = cause as { code?: string; message?: string; hostname?: string; address?: string; port?: number };
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const addr = `${u.hostname}:${port}`;
  let detail: string;
  switch (c?.code) {
    case 'ECONNREFUSED':
      detail = `dial tcp ${addr}: connect: connection refused`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      detail = `dial tcp: lookup ${u.hostname}: no such host`;
      break;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      detail = `dial tcp ${addr}: i/o timeout`;
      break;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      detail = 'connection reset by peer';
      break;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      detail = `dial tcp ${addr}: connect: no route to host`;
      break;
    default:
      if ((c as { name?: string })?.name === 'TimeoutError' || (c as { name?: string })?.name === 'AbortError') {
        detail = 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)';
      } else {
        detail = c?.message ?? String(cause);
      }
  }
  return `${verb} "${url}": ${detail}`;
}
