import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { Unauthorized } from '../errors.ts';
import { createAuthenticator } from './auth.ts';

const TOKEN = 'secret-token-0123456789';
const sock = (remoteAddress: string, tls?: { authorized: boolean; cn?: string }) =>
  ({
    remoteAddress,
    authorized: tls?.authorized,
    getPeerCertificate: () => ({ subject: { CN: tls?.cn } }),
  }) as unknown as Socket;
const tcp = { kind: 'tcp', tls: false } as const;
const tls = { kind: 'tcp', tls: true } as const;
const unix = { kind: 'unix', tls: false } as const;

test('loopback and unix are trusted unless requireAuth', () => {
  const auth = createAuthenticator({ tokens: [TOKEN], requireAuth: false });
  assert.equal(auth({}, sock('127.0.0.1'), tcp).kind, 'loopback');
  assert.equal(auth({}, sock('::ffff:127.0.0.1'), tcp).kind, 'loopback');
  assert.equal(auth({}, sock(''), unix).kind, 'unix');
  assert.throws(() => auth({}, sock('10.1.2.3'), tcp), Unauthorized);
  const strict = createAuthenticator({ tokens: [TOKEN], requireAuth: true });
  assert.throws(() => strict({}, sock('127.0.0.1'), tcp), /authentication required/);
  assert.throws(() => strict({}, sock(''), unix), Unauthorized);
});

test('tokens: Bearer and the X-Badidea alias; wrong tokens refused everywhere', () => {
  const auth = createAuthenticator({ tokens: ['another-token-abcdefg', TOKEN], requireAuth: true });
  assert.equal(auth({ authorization: `Bearer ${TOKEN}` }, sock('10.0.0.1'), tcp).kind, 'token');
  assert.equal(auth({ authorization: `bearer ${TOKEN}` }, sock('10.0.0.1'), tcp).kind, 'token');
  assert.equal(auth({ 'x-badidea': TOKEN }, sock('10.0.0.1'), tcp).kind, 'token');
  assert.throws(() => auth({ authorization: 'Bearer nope' }, sock('127.0.0.1'), tcp), /invalid token/);
  const open = createAuthenticator({ tokens: [TOKEN], requireAuth: false });
  assert.throws(() => open({ 'x-badidea': 'true' }, sock('127.0.0.1'), tcp), /invalid token/);
  assert.ok(!JSON.stringify(auth({ authorization: `Bearer ${TOKEN}` }, sock('x'), tcp)).includes(TOKEN));
});

test('client certificates verified by the TLS layer authenticate', () => {
  const auth = createAuthenticator({ tokens: [], requireAuth: true });
  assert.deepEqual(auth({}, sock('10.0.0.1', { authorized: true, cn: 'alice' }), tls), {
    kind: 'certificate',
    name: 'cert:alice',
  });
  assert.throws(() => auth({}, sock('10.0.0.1', { authorized: false }), tls), Unauthorized);
});
