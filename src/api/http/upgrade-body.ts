// On an `Upgrade: tcp` request node hands over the socket right after the headers; a body announced by
// Content-Length (exec start's {"Detach":false,"Tty":false}) is still on the wire. Read exactly that many
// bytes; whatever follows is the client's stdin.

import type { Duplex } from 'node:stream';
import { InvalidParameter, PayloadTooLarge } from '../../errors.ts';

export async function readUpgradeBody(
  socket: Duplex,
  head: Buffer,
  headers: { 'content-length'?: string; 'transfer-encoding'?: string },
  limit: number,
): Promise<{ body: Buffer; rest: Buffer }> {
  if (headers['transfer-encoding']) {
    throw new InvalidParameter('a chunked request body cannot be combined with Upgrade: tcp; send Content-Length');
  }
  const length = Number(headers['content-length'] ?? 0);
  if (!Number.isSafeInteger(length) || length < 0) throw new InvalidParameter('invalid Content-Length');
  if (length > limit)
    throw new PayloadTooLarge(`request body is ${length} bytes, larger than the limit of ${limit} bytes`);
  if (head.length >= length) return { body: head.subarray(0, length), rest: head.subarray(length) };
  const chunks = [head];
  let have = head.length;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= length) finish();
    };
    const onEnd = () => finish(new InvalidParameter('connection closed before the request body was complete'));
    const finish = (err?: Error) => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.pause();
      if (err) reject(err);
      else resolve();
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
  });
  const all = Buffer.concat(chunks);
  return { body: all.subarray(0, length), rest: all.subarray(length) };
}
