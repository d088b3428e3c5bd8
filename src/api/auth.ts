// Who may talk to us. Served: unix-socket and loopback clients (unless requireAuth), clients with a
// certificate signed by the configured client CA, and clients with a configured token in
// "Authorization: Bearer <token>" (primary) or "X-Badidea: <token>" (the seed's header, as an alias).
// Tokens are compared in constant time. Explicitly wrong credentials are refused even on loopback.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Unauthorized } from '../errors.ts';
import type { Identity } from './context.ts';
import { isLoopbackHost } from './listen-address.ts';

export interface AuthOptions {
  tokens: readonly string[];
  requireAuth: boolean;
}

export interface Transport {
  kind: 'tcp' | 'unix';
  tls: boolean;
}

export type Authenticator = (headers: IncomingHttpHeaders, socket: Socket, transport: Transport) => Identity;

const digest = (s: string) => createHash('sha256').update(s).digest();

export function tokenFromHeaders(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const alias = headers['x-badidea'];
  if (typeof alias === 'string' && alias.trim()) return alias.trim();
  return undefined;
}

export function createAuthenticator(options: AuthOptions): Authenticator {
  const known = options.tokens.map(digest);
  const tokenMatches = (token: string) => {
    const d = digest(token);
    let ok = false;
    for (const k of known) ok = timingSafeEqual(d, k) || ok;
    return ok;
  };
  const how =
    'present a client certificate signed by the server\'s CA, or a token in the "Authorization: Bearer <token>" header ' +
    '(docker CLI: "HttpHeaders" in ~/.docker/config.json)';

  return (headers, socket, transport) => {
    const token = tokenFromHeaders(headers);
    if (token !== undefined) {
      if (!tokenMatches(token)) throw new Unauthorized('invalid token');
      return { kind: 'token', name: `token:${digest(token).toString('hex').slice(0, 12)}` };
    }
    if (transport.tls) {
      const tls = socket as TLSSocket;
      if (tls.authorized) {
        const cn = tls.getPeerCertificate()?.subject?.CN;
        return { kind: 'certificate', name: `cert:${Array.isArray(cn) ? cn.join(',') : (cn ?? '?')}` };
      }
    }
    if (!options.requireAuth) {
      if (transport.kind === 'unix') return { kind: 'unix', name: 'unix' };
      const peer = socket.remoteAddress ?? '';
      if (isLoopbackHost(peer)) return { kind: 'loopback', name: peer };
    }
    throw new Unauthorized(`authentication required: ${how}`);
  };
}
