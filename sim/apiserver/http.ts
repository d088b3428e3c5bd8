// Small HTTP helpers: JSON bodies in and out, and the one place an error becomes a Status response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, internalError, isStatusError, type Status } from './status.ts';

export const MAX_BODY = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new (class extends Error {})('request entity too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJson(body: Buffer, what: string): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') throw badRequest(`${what}: unexpected end of JSON input`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`${what}: ${(err as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

export function statusFor(err: unknown): Status {
  if (isStatusError(err)) return err.status;
  return internalError(err).status;
}

export function sendError(res: ServerResponse, err: unknown): void {
  const status = statusFor(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status.code ?? 500, status);
}

/** Writes a Status as a raw HTTP/1.1 response on a socket that was about to be upgraded. */
export function writeStatusToSocket(socket: NodeJS.WritableStream & { destroy(): void }, err: unknown): void {
  const status = statusFor(err);
  const text = JSON.stringify(status);
  socket.write(
    `HTTP/1.1 ${status.code} ${status.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
  socket.destroy();
}
