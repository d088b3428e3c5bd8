// Registry credentials: Docker's AuthConfig (the X-Registry-Auth header and the POST /auth body), the
// WWW-Authenticate challenges of the distribution spec (Basic, and Bearer token auth), and the
// kubernetes.io/dockerconfigjson form the kubelet reads.

import { DOCKER_HUB_DOMAIN } from './reference.ts';

/** Docker's AuthConfig (api/types/registry). All fields optional; `{}` means anonymous. */
export interface AuthConfig {
  readonly username?: string;
  readonly password?: string;
  /** base64("user:password"), used when username/password are absent. */
  readonly auth?: string;
  readonly email?: string;
  readonly serveraddress?: string;
  /** A refresh token from an earlier login (OAuth2 token servers). */
  readonly identitytoken?: string;
  /** A bearer token to send to the registry as is. */
  readonly registrytoken?: string;
}

export class InvalidAuthError extends Error {
  override name = 'InvalidAuthError';
}

/** Normalises an AuthConfig: splits `auth` into username/password, drops empty strings. */
export function normalizeAuth(a: AuthConfig | undefined): AuthConfig | undefined {
  if (!a) return undefined;
  let { username, password } = a;
  if (!username && !password && a.auth) {
    const decoded = Buffer.from(a.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) {
      username = decoded.slice(0, i);
      password = decoded.slice(i + 1);
    }
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...a, username, password })) {
    if (typeof v === 'string' && v !== '' && k !== 'auth') out[k] = v;
  }
  return Object.keys(out).some((k) => k !== 'serveraddress' && k !== 'email') ? (out as AuthConfig) : undefined;
}

/**
 * Decodes X-Registry-Auth: base64url (Docker's encoding) or standard base64 of the JSON AuthConfig.
 * An empty header or `{}` is anonymous (undefined).
 */
export function decodeRegistryAuthHeader(header: string | undefined): AuthConfig | undefined {
  if (!header) return undefined;
  const text = Buffer.from(header.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidAuthError('invalid X-Registry-Auth header: not base64-encoded JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidAuthError('invalid X-Registry-Auth header: not a JSON object');
  }
  const o = parsed as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  return normalizeAuth({
    username: str('username') ?? str('Username'),
    password: str('password') ?? str('Password'),
    auth: str('auth') ?? str('Auth'),
    email: str('email') ?? str('Email'),
    serveraddress: str('serveraddress') ?? str('ServerAddress'),
    identitytoken: str('identitytoken') ?? str('IdentityToken'),
    registrytoken: str('registrytoken') ?? str('RegistryToken'),
  });
}

export interface Challenge {
  readonly scheme: string; // lower case: 'basic' | 'bearer' | …
  readonly params: Readonly<Record<string, string>>;
}

/** Parses a WWW-Authenticate header (RFC 7235) into its challenges. */
export function parseChallenges(header: string | null | undefined): Challenge[] {
  if (!header) return [];
  const out: { scheme: string; params: Record<string, string> }[] = [];
  const re = /\s*([A-Za-z][A-Za-z0-9_-]*)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*)))?\s*,?/gy;
  let m: RegExpExecArray | null = re.exec(header);
  while (m && m[0] !== '') {
    const [, name, quoted, token] = m;
    if (quoted === undefined && token === undefined) {
      out.push({ scheme: name.toLowerCase(), params: {} });
    } else if (out.length) {
      out[out.length - 1].params[name.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : token;
    }
    m = re.exec(header);
  }
  return out;
}

/** The key the kubelet and Docker use for a registry in a config.json / dockerconfigjson. */
export function credentialKey(domain: string): string {
  return domain === DOCKER_HUB_DOMAIN ? 'https://index.docker.io/v1/' : domain;
}

/** A `.dockerconfigjson` document with one registry, for an image pull Secret. */
export function dockerConfigJson(domain: string, a: AuthConfig): string {
  const entry: Record<string, string> = {};
  if (a.username !== undefined && a.password !== undefined) {
    entry.username = a.username;
    entry.password = a.password;
    entry.auth = Buffer.from(`${a.username}:${a.password}`).toString('base64');
  }
  if (a.identitytoken) entry.identitytoken = a.identitytoken;
  if (a.registrytoken) entry.registrytoken = a.registrytoken;
  if (a.email) entry.email = a.email;
  return JSON.stringify({ auths: { [credentialKey(domain)]: entry } });
}

/** The registry host a login's `serveraddress` names (`https://index.docker.io/v1/` → docker.io). */
export function loginDomain(serverAddress: string | undefined): string {
  if (!serverAddress) return DOCKER_HUB_DOMAIN;
  let s = serverAddress.trim();
  s = s.replace(/^[a-z]+:\/\//i, '');
  s = s.replace(/\/.*$/, '');
  if (s === 'index.docker.io' || s === 'registry-1.docker.io' || s === 'docker.io' || s === 'registry.hub.docker.com') {
    return DOCKER_HUB_DOMAIN;
  }
  return s.toLowerCase();
}
