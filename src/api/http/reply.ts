// Constructors for the usual answers.

import type { Reply } from '../context.ts';

export function json(value: unknown, status = 200): Reply {
  return { status, json: value };
}

export function text(body: string, status = 200, contentType = 'text/plain; charset=utf-8'): Reply {
  return { status, text: body, contentType };
}

export function noContent(): Reply {
  return { status: 204 };
}

export function empty(status: number): Reply {
  return { status };
}
