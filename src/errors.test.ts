import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Conflict,
  Forbidden,
  Internal,
  InvalidParameter,
  messageOf,
  NotFound,
  NotImplemented,
  NotModified,
  PayloadTooLarge,
  statusOf,
  Unauthorized,
  Unavailable,
} from './errors.ts';

test('statusOf maps every kind to Docker status codes', () => {
  assert.equal(statusOf(new NotFound('x')), 404);
  assert.equal(statusOf(new InvalidParameter('x')), 400);
  assert.equal(statusOf(new Conflict('x')), 409);
  assert.equal(statusOf(new NotModified('x')), 304);
  assert.equal(statusOf(new Unauthorized('x')), 401);
  assert.equal(statusOf(new Forbidden('x')), 403);
  assert.equal(statusOf(new PayloadTooLarge('x')), 413);
  assert.equal(statusOf(new Unavailable('x')), 503);
  assert.equal(statusOf(new NotImplemented('x')), 501);
  assert.equal(statusOf(new Internal('x')), 500);
  assert.equal(statusOf(new Error('x')), 500);
  assert.equal(statusOf('nope'), 500);
});

test('errors keep their cause and message', () => {
  const cause = new Error('root');
  const err = new Unavailable('cluster down', { cause });
  assert.equal(err.cause, cause);
  assert.equal(messageOf(err), 'cluster down');
  assert.equal(messageOf(42), '42');
});
