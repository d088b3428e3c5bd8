// Answers on a not-yet-upgraded socket: the API server's Status errors (JSON) and the kubelet's
// plain-text errors that the API server's upgrade-aware proxy passes through unchanged.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { StatusError } from '../status.ts';

function writeRaw(socket: Duplex, code: number, contentType: string, body: string): void {
  const buf = Buffer.from(body);
  socket.end(
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\nContent-Type: ${contentType}\r\nContent-Length: ${buf.length}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function rejectWithStatus(socket: Duplex, err: StatusError): void {
  writeRaw(socket, err.code, 'application/json', JSON.stringify(err.status));
}

export function rejectWithText(socket: Duplex, code: number, text: string): void {
  writeRaw(socket, code, 'text/plain; charset=utf-8', `${text}\n`);
}
