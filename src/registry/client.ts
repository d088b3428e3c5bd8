// A small client for the OCI distribution API: manifests (with manifest lists / OCI indexes resolved for a
// platform), config blobs, Basic and Bearer-token auth, Docker Hub mirrors, insecure registries and extra CAs.
//
// Why our own: the npm clients (docker-registry-client, @renovatebot/docker-registry-client, oci-registry-client)
// are either unmaintained, built on restify/request, or miss mirrors, insecure fallback and OCI indexes; badidea
// only needs the read side of the spec (GET manifests and one blob per image), about 300 lines over undici.

import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher, fetch } from 'undici';
import { type AuthConfig, type Challenge, loginDomain, parseChallenges } from './auth.ts';
import { type Endpoint, type EndpointOptions, Endpoints } from './endpoints.ts';
import { networkErrorMessage, parseErrorBody, RegistryError } from './errors.ts';
import { formatPlatform, normalizePlatform, type Platform, selectPlatform } from './platform.ts';
import { familiarName, familiarString, type Reference, withDefaultTag } from './reference.ts';
import {
  type Descriptor,
  type ImageConfigFile,
  type ImageIndex,
  type ImageManifest,
  MANIFEST_ACCEPT,
  MediaType,
} from './types.ts';

export interface RegistryClientOptions extends EndpointOptions {
  /** Extra CA certificates (PEM) trusted for registries, beside the system roots. */
  readonly caCertificates?: readonly string[];
  /** Per-request timeout; default 30 s. */
  readonly timeoutMs?: number;
  readonly userAgent?: string;
  /** Injected for tests: the clock used for token expiry. */
  readonly now?: () => number;
}

export interface ResolveOptions {
  readonly platform: Platform;
  /** The platform was asked for explicitly (`--platform`): a single-platform image of another one is an error. */
  readonly explicitPlatform?: boolean;
  readonly auth?: AuthConfig;
}

/** The outcome of resolving a reference: what an image record needs. */
export interface ResolvedImage {
  /** The reference as resolved (`:latest` added when neither tag nor digest was given). */
  readonly ref: Reference;
  /** Digest of what the tag names (the index for multi-platform images): Docker's RepoDigest. */
  readonly repoDigest: string;
  /** Digest of the platform's image manifest: what a Pod pins. */
  readonly manifestDigest: string;
  readonly manifest: ImageManifest;
  /** Config blob digest: Docker's image ID. */
  readonly configDigest: string;
  /** The raw config blob (its sha256 is the image ID). */
  readonly configJson: string;
  readonly config: ImageConfigFile;
  /** The platform of the chosen manifest. */
  readonly platform: Platform;
  /** The endpoint that served it, e.g. `http://127.0.0.1:5000`. */
  readonly endpoint: string;
}

const MAX_MANIFEST = 4 << 20;
const MAX_CONFIG = 8 << 20;

interface Fetched {
  readonly body: Buffer;
  readonly mediaType: string;
  readonly digest: string;
}

function sha256(b: Buffer | string): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

/** A small LRU for content-addressed data (config blobs, manifests by digest): safe to cache forever. */
class Lru<V> {
  readonly #max: number;
  readonly #m = new Map<string, V>();
  constructor(max: number) {
    this.#max = max;
  }
  get(k: string): V | undefined {
    const v = this.#m.get(k);
    if (v !== undefined) {
      this.#m.delete(k);
      this.#m.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.#m.delete(k);
    this.#m.set(k, v);
    if (this.#m.size > this.#max) this.#m.delete(this.#m.keys().next().value as string);
  }
}

export class RegistryClient {
  readonly endpoints: Endpoints;
  readonly #verified: Agent;
  readonly #unverified: Agent;
  readonly #timeoutMs: number;
  readonly #userAgent: string;
  readonly #now: () => number;
  /** Last challenge seen per endpoint base, so later requests authenticate up front. */
  readonly #challenges = new Map<string, Challenge>();
  readonly #tokens = new Map<string, { header: string; expires: number }>();
  readonly #blobs = new Lru<string>(256);
  readonly #manifests = new Lru<Fetched>(256);

  constructor(opts: RegistryClientOptions) {
    this.endpoints = new Endpoints(opts);
    const ca = opts.caCertificates?.length ? [...rootCertificates, ...opts.caCertificates] : undefined;
    this.#verified = new Agent({ connect: ca ? { ca } : {} });
    this.#unverified = new Agent({ connect: { rejectUnauthorized: false } });
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#userAgent = opts.userAgent ?? 'badidea';
    this.#now = opts.now ?? Date.now;
  }

  async close(): Promise<void> {
    await Promise.all([this.#verified.close(), this.#unverified.close()]);
  }

  /**
   * Resolves a reference to one platform's image: manifest, config blob and digests. Tries each endpoint in
   * order (mirrors, then the registry; HTTPS, then HTTP for insecure ones), like dockerd's pull.
   */
  async resolve(input: Reference, opts: ResolveOptions): Promise<ResolvedImage> {
    const ref = withDefaultTag(input);
    const eps = this.endpoints.forDomain(ref.domain);
    let last: unknown;
    for (const [i, ep] of eps.entries()) {
      try {
        return await this.#resolveAt(ep, ref, opts);
      } catch (err) {
        last = err;
        const more = i < eps.length - 1;
        // dockerd falls back from a mirror on any error, and from HTTPS to HTTP on transport errors only.
        if (!more) break;
        if (ep.mirror) continue;
        if (err instanceof RegistryError && err.kind === 'unavailable' && err.code === undefined) continue;
        break;
      }
    }
    throw translatePullError(last, ref);
  }

  async #resolveAt(ep: Endpoint, ref: Reference, opts: ResolveOptions): Promise<ResolvedImage> {
    const reference = ref.digest ?? ref.tag!;
    const top = await this.#getManifest(ep, ref.path, reference, opts.auth);
    if (ref.digest && top.digest !== ref.digest) {
      throw new RegistryError('invalid', `manifest verification failed for digest ${ref.digest}`);
    }
    let manifestFetched = top;
    const parsedTop = parseJson(top.body, 'manifest') as Partial<ImageIndex & ImageManifest>;
    const mediaType = top.mediaType || parsedTop.mediaType || '';
    if (isIndex(mediaType, parsedTop)) {
      const entries = (parsedTop.manifests ?? []).filter((d) => !isAttestation(d));
      const chosen = selectPlatform(entries, opts.platform);
      if (!chosen) {
        throw new RegistryError(
          'platform',
          `no matching manifest for ${formatPlatform(normalizePlatform(opts.platform))} in the manifest list entries`,
        );
      }
      manifestFetched = await this.#getManifest(ep, ref.path, chosen.digest, opts.auth);
      if (manifestFetched.digest !== chosen.digest) {
        throw new RegistryError('invalid', `manifest verification failed for digest ${chosen.digest}`);
      }
    } else if (mediaType === MediaType.dockerSchema1 || mediaType === MediaType.dockerSchema1Signed) {
      throw new RegistryError(
        'invalid',
        `${familiarString(ref)}: Docker Image manifest schema 1 is not supported; push the image again with a current client`,
      );
    }
    const manifest = parseJson(manifestFetched.body, 'manifest') as ImageManifest;
    if (!manifest.config?.digest || !Array.isArray(manifest.layers)) {
      throw new RegistryError('invalid', `unsupported manifest media type ${manifestFetched.mediaType || 'unknown'}`);
    }
    const configJson = await this.#getConfig(ep, ref.path, manifest.config, opts.auth);
    const config = parseJson(Buffer.from(configJson), 'image config') as ImageConfigFile;
    const platform: Platform = {
      os: config.os ?? 'linux',
      architecture: config.architecture ?? 'amd64',
      ...(config.variant ? { variant: config.variant } : {}),
    };
    if (
      opts.explicitPlatform &&
      !isIndex(mediaType, parsedTop) &&
      selectPlatform([{ platform }], opts.platform) === undefined
    ) {
      throw new RegistryError(
        'platform',
        `image with reference ${familiarString(ref)} was found but its platform (${formatPlatform(platform)}) does not match the specified platform (${formatPlatform(normalizePlatform(opts.platform))})`,
      );
    }
    return {
      ref,
      repoDigest: top.digest,
      manifestDigest: manifestFetched.digest,
      manifest,
      configDigest: manifest.config.digest,
      configJson,
      config,
      platform,
      endpoint: ep.base,
    };
  }

  /**
   * Checks credentials against a registry, as dockerd's POST /auth: GET /v2/ with them (through the token server
   * for Bearer registries). Throws RegistryError('unauthorized') with dockerd's message when they are refused.
   */
  async login(auth: AuthConfig): Promise<void> {
    const domain = loginDomain(auth.serveraddress);
    const eps = this.endpoints.forDomain(domain).filter((e) => !e.mirror);
    let last: unknown;
    for (const ep of eps) {
      const url = `${ep.base}/v2/`;
      try {
        const first = await this.#fetch(ep, url, {});
        if (first.status === 200) {
          await first.body?.cancel();
          return;
        }
        const challenges = parseChallenges(first.headers.get('www-authenticate'));
        await first.body?.cancel();
        if (first.status !== 401 || !challenges.length) {
          throw new RegistryError('unavailable', `login attempt to ${url} failed with status: ${statusLine(first)}`);
        }
        const header = await this.#authorization(ep, challenges[0], '', auth, true);
        const second = await this.#fetch(ep, url, header ? { authorization: header } : {});
        await second.body?.cancel();
        if (second.status === 200) return;
        throw new RegistryError('unauthorized', `login attempt to ${url} failed with status: ${statusLine(second)}`);
      } catch (err) {
        last = err;
        if (err instanceof RegistryError && err.kind === 'unavailable' && err.code === undefined && ep !== eps.at(-1)) {
          continue;
        }
        break;
      }
    }
    throw last;
  }

  async #getManifest(ep: Endpoint, path: string, reference: string, auth?: AuthConfig): Promise<Fetched> {
    const isDigest = reference.includes(':');
    const key = `${ep.base}/${path}@${reference}`;
    if (isDigest) {
      const cached = this.#manifests.get(key);
      if (cached) return cached;
    }
    const url = `${ep.base}/v2/${path}/manifests/${reference}`;
    const res = await this.#send(ep, url, path, { accept: MANIFEST_ACCEPT.join(', ') }, auth);
    const body = await readBody(res, MAX_MANIFEST, url);
    const fetched: Fetched = {
      body,
      mediaType: (res.headers.get('content-type') ?? '').split(';')[0].trim(),
      digest: sha256(body),
    };
    if (isDigest) this.#manifests.set(key, fetched);
    return fetched;
  }

  async #getConfig(ep: Endpoint, path: string, d: Descriptor, auth?: AuthConfig): Promise<string> {
    const cached = this.#blobs.get(d.digest);
    if (cached !== undefined) return cached;
    const url = `${ep.base}/v2/${path}/blobs/${d.digest}`;
    const res = await this.#send(ep, url, path, {}, auth);
    const body = await readBody(res, MAX_CONFIG, url);
    if (sha256(body) !== d.digest) throw new RegistryError('invalid', `config blob ${d.digest} failed verification`);
    const text = body.toString('utf8');
    this.#blobs.set(d.digest, text);
    return text;
  }

  /** Sends a GET for a repository, answering one auth challenge; non-2xx responses become RegistryErrors. */
  async #send(ep: Endpoint, url: string, repo: string, headers: Record<string, string>, auth?: AuthConfig) {
    const scope = `repository:${repo}:pull`;
    const known = this.#challenges.get(ep.base);
    let authorization = known ? await this.#authorization(ep, known, scope, auth, false) : undefined;
    let res = await this.#fetch(ep, url, authorization ? { ...headers, authorization } : headers);
    if (res.status === 401) {
      const challenges = parseChallenges(res.headers.get('www-authenticate'));
      const challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
      if (challenge) {
        await res.body?.cancel();
        this.#challenges.set(ep.base, challenge);
        authorization = await this.#authorization(ep, challenge, scope, auth, true);
        if (authorization === undefined) {
          throw new RegistryError('unauthorized', `Head "${url}": no basic auth credentials`, 'UNAUTHORIZED');
        }
        res = await this.#fetch(ep, url, { ...headers, authorization });
      }
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    const { code, text: message } = parseErrorBody(res.status, res.statusText, text);
    const kind =
      res.status === 401
        ? 'unauthorized'
        : res.status === 403
          ? 'denied'
          : res.status === 404
            ? 'not-found'
            : res.status >= 500 || res.status === 429
              ? 'unavailable'
              : 'invalid';
    throw new RegistryError(kind, message, code ?? (res.status === 404 ? 'NOT_FOUND' : `HTTP_${res.status}`));
  }

  /** The Authorization header for a challenge; undefined for Basic without credentials. */
  async #authorization(
    ep: Endpoint,
    c: Challenge,
    scope: string,
    auth: AuthConfig | undefined,
    refresh: boolean,
  ): Promise<string | undefined> {
    if (auth?.registrytoken) return `Bearer ${auth.registrytoken}`;
    const basic =
      auth?.username !== undefined && auth.password !== undefined
        ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
        : undefined;
    if (c.scheme === 'basic') return basic;
    if (c.scheme !== 'bearer' || !c.params.realm) return undefined;
    const key = `${ep.base}|${scope}|${basic ?? ''}|${auth?.identitytoken ?? ''}`;
    const cached = this.#tokens.get(key);
    if (cached && !refresh && cached.expires > this.#now()) return cached.header;
    const realm = new URL(c.params.realm);
    let res: Response;
    const tokenEp: Endpoint = { base: realm.origin, skipVerify: ep.skipVerify, mirror: false };
    if (auth?.identitytoken) {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: auth.identitytoken,
        client_id: 'docker',
        ...(c.params.service ? { service: c.params.service } : {}),
        ...(scope ? { scope } : {}),
      });
      res = await this.#fetch(
        tokenEp,
        realm.toString(),
        { 'content-type': 'application/x-www-form-urlencoded' },
        {
          method: 'POST',
          body: form.toString(),
        },
      );
    } else {
      if (c.params.service) realm.searchParams.set('service', c.params.service);
      if (scope) realm.searchParams.set('scope', scope);
      if (basic) realm.searchParams.set('account', auth!.username!);
      res = await this.#fetch(tokenEp, realm.toString(), basic ? { authorization: basic } : {});
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) {
      const { code, text: message } = parseErrorBody(res.status, res.statusText, text);
      const kind = res.status === 401 ? 'unauthorized' : res.status === 403 ? 'denied' : 'unavailable';
      throw new RegistryError(kind, `Get "${realm.origin}${realm.pathname}": ${message}`, code ?? `HTTP_${res.status}`);
    }
    let body: { token?: string; access_token?: string; expires_in?: number };
    try {
      body = JSON.parse(text);
    } catch {
      throw new RegistryError('invalid', `token server ${realm.origin} sent an invalid response`);
    }
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError('invalid', `token server ${realm.origin} sent no token`);
    const header = `Bearer ${token}`;
    const ttl = Math.max(60, body.expires_in ?? 60) * 1000;
    this.#tokens.set(key, { header, expires: this.#now() + ttl - 10_000 });
    return header;
  }

  async #fetch(
    ep: Endpoint,
    url: string,
    headers: Record<string, string>,
    init: { method?: string; body?: string } = {},
  ): Promise<Response> {
    const dispatcher: Dispatcher = ep.skipVerify ? this.#unverified : this.#verified;
    try {
      return await fetch(url, {
        method: init.method ?? 'GET',
        headers: { 'user-agent': this.#userAgent, ...headers },
        body: init.body,
        dispatcher,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      throw new RegistryError('unavailable', networkErrorMessage(init.method ?? 'GET', url, err));
    }
  }
}

type Response = Awaited<ReturnType<typeof fetch>>;

function statusLine(r: Response): string {
  return `${r.status} ${r.statusText}`.trimEnd();
}

async function readBody(res: Response, max: number, url: string): Promise<Buffer> {
  const len = Number(res.headers.get('content-length') ?? '0');
  if (len > max) {
    await res.body?.cancel();
    throw new RegistryError('invalid', `${url}: response of ${len} bytes exceeds the limit of ${max}`);
  }
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > max) throw new RegistryError('invalid', `${url}: response exceeds the limit of ${max} bytes`);
  return buf;
}

function parseJson(b: Buffer, what: string): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    throw new RegistryError('invalid', `the registry sent an invalid ${what}`);
  }
}

function isIndex(mediaType: string, parsed: { manifests?: unknown }): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerList || Array.isArray(parsed.manifests);
}

function isAttestation(d: Descriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || d.platform?.os === 'unknown';
}

/** moby's translatePullError: registry errors in the words `docker pull` prints. */
export function translatePullError(err: unknown, ref: Reference): unknown {
  if (!(err instanceof RegistryError)) return err;
  switch (err.code) {
    case 'MANIFEST_UNKNOWN':
    case 'NOT_FOUND':
      return new RegistryError(
        'not-found',
        `manifest for ${familiarString(ref)} not found: ${err.code === 'NOT_FOUND' ? 'manifest unknown: manifest unknown' : err.message}`,
        err.code,
      );
    case 'NAME_UNKNOWN':
      return new RegistryError('not-found', `repository ${familiarName(ref)} not found: ${err.message}`, err.code);
    case 'DENIED':
      return new RegistryError(
        'denied',
        `pull access denied for ${familiarName(ref)}, repository does not exist or may require 'docker login': ${err.message}`,
        err.code,
      );
    default:
      return err;
  }
}
