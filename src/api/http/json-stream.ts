// Chunked streaming responses, flushed per message: NDJSON (events, pull progress, wait) and raw byte streams
// (logs). Headers go out immediately, before the first message (clients such as `docker run` wait on them).

import type { ResponseWriter } from './response-writer.ts';

export interface JsonStream {
  /** Writes one JSON object + "\n" as its own chunk; resolves when the socket can take more. */
  send(value: unknown): Promise<void>;
  end(): void;
}

export function startJsonStream(res: ResponseWriter, status = 200): JsonStream {
  const raw = startRawStream(res, 'application/json', status);
  return {
    send: (value) => raw.write(`${JSON.stringify(value)}\n`),
    end: () => raw.end(),
  };
}

export interface RawStream {
  write(chunk: string | Uint8Array): Promise<void>;
  end(): void;
}

/** Chunked response with the given Content-Type (undefined: none, as dockerd's logs below API 1.42). */
export function startRawStream(res: ResponseWriter, contentType: string | undefined, status = 200): RawStream {
  res.writeHead(status, contentType ? { 'Content-Type': contentType } : {});
  res.flushHeaders();
  return {
    write: (chunk) => {
      if (res.destroyed || res.writableEnded) return Promise.resolve();
      if (res.write(chunk)) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => resolve();
        res.once('drain', done);
        res.once('close', done);
      });
    },
    end: () => {
      if (!res.writableEnded) res.end();
    },
  };
}
