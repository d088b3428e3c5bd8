// Typed errors of the streaming subresources. They keep the Kubernetes Status (message, reason, code,
// causes) so the engine can map them to Docker errors without parsing text.

/** A bare or full `metav1.Status`, as sent in HTTP error bodies and on the exec error channel. */
export interface KubeStatus {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

/** Parses a Status from a body; text that is not a Status JSON becomes `{message: text}`. */
export function parseStatus(body: string, httpStatus?: number): KubeStatus {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as KubeStatus;
    } catch {
      // not JSON: fall through to the plain-text form
    }
  }
  return { status: 'Failure', message: text || `HTTP ${httpStatus ?? 'error'}`, code: httpStatus };
}

/** The API server answered with a Status error (an HTTP error before an upgrade, or a log request). */
export class KubeStatusError extends Error {
  /** HTTP status of the response, or the Status `code` when the Status came over a stream. */
  readonly httpStatus: number | undefined;
  readonly status: KubeStatus;
  /** Status reason, e.g. NotFound, BadRequest, Forbidden, InternalError, Invalid. */
  readonly reason: string | undefined;

  constructor(status: KubeStatus, httpStatus?: number) {
    super(status.message || status.reason || `Kubernetes request failed${httpStatus ? ` (HTTP ${httpStatus})` : ''}`);
    this.name = 'KubeStatusError';
    this.status = status;
    this.httpStatus = httpStatus ?? status.code;
    this.reason = status.reason;
  }
}

/** The WebSocket upgrade (exec, attach, portforward) was refused with a plain HTTP response. */
export class UpgradeFailedError extends KubeStatusError {
  constructor(status: KubeStatus, httpStatus: number) {
    super(status, httpStatus);
    this.name = 'UpgradeFailedError';
  }
}

/** The remote command could not run: a Failure Status other than NonZeroExitCode on the error channel. */
export class RemoteCommandError extends KubeStatusError {
  constructor(status: KubeStatus) {
    super(status);
    this.name = 'RemoteCommandError';
  }
}

/** The stream broke the protocol: closed without an exit status, a malformed status, an unexpected frame. */
export class StreamProtocolError extends Error {
  /** WebSocket close code, when the connection closed. */
  readonly closeCode: number | undefined;

  constructor(message: string, closeCode?: number) {
    super(message);
    this.name = 'StreamProtocolError';
    this.closeCode = closeCode;
  }
}

/**
 * The server does not support `stream=Stdout|Stderr` on pods/log (PodLogsQuerySplitStreams off), or not with
 * `tailLines` (`why: 'tailLines'`, Kubernetes rejects a specific stream with tailLines "for now").
 */
export class LogStreamUnsupportedError extends KubeStatusError {
  readonly why: 'disabled' | 'tailLines';

  constructor(status: KubeStatus, httpStatus: number, why: 'disabled' | 'tailLines') {
    super(status, httpStatus);
    this.name = 'LogStreamUnsupportedError';
    this.why = why;
  }
}

/** Text the kubelet wrote on a port-forward error channel, e.g. "... connect: connection refused". */
export class PortForwardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PortForwardError';
  }
}
