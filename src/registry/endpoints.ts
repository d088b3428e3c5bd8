// Which URLs serve a registry, as dockerd decides it (registry/service_v2.go, registry/config.go):
// Docker Hub is tried through each mirror first, then registry-1.docker.io; a registry marked insecure (by
// host[:port] or by CIDR; 127.0.0.0/8 always is) is tried over HTTPS without certificate checks, then HTTP.

import { BlockList, isIP } from 'node:net';
import { DOCKER_HUB_DOMAIN } from './reference.ts';

export const DOCKER_HUB_REGISTRY = 'https://registry-1.docker.io';

export interface Endpoint {
  /** `https://host[:port]` or `http://…`, without a trailing slash (a mirror may carry a path prefix). */
  readonly base: string;
  /** Skip TLS certificate verification (insecure registries over HTTPS). */
  readonly skipVerify: boolean;
  readonly mirror: boolean;
}

export interface EndpointOptions {
  /** Mirrors for Docker Hub: URLs like `http://127.0.0.1:5000` or `https://mirror.example`. */
  readonly mirrors: readonly string[];
  /** `host[:port]` or CIDR entries, like dockerd's insecure-registries. */
  readonly insecureRegistries: readonly string[];
  /** dockerd always treats 127.0.0.0/8 (and ::1, localhost) as insecure; false turns that off (tests of TLS). */
  readonly loopbackInsecure?: boolean;
}

export class InvalidRegistryOptionError extends Error {
  override name = 'InvalidRegistryOptionError';
}

/** Validates and normalises one mirror URL (dockerd's ValidateMirror). */
export function normalizeMirror(s: string): string {
  let u: URL;
  try {
    u = new URL(s.includes('://') ? s : `https://${s}`);
  } catch {
    throw new InvalidRegistryOptionError(`invalid mirror: "${s}" is not a valid URI`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new InvalidRegistryOptionError(`invalid mirror: unsupported scheme "${u.protocol.slice(0, -1)}" in "${s}"`);
  }
  if (u.username || u.password || u.search || u.hash) {
    throw new InvalidRegistryOptionError(`invalid mirror: "${s}" must not contain credentials, a query or a fragment`);
  }
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

function hostOf(domain: string): string {
  if (domain.startsWith('[')) return domain.slice(1, domain.indexOf(']'));
  const i = domain.lastIndexOf(':');
  return i > -1 ? domain.slice(0, i) : domain;
}

export class Endpoints {
  readonly #mirrors: string[];
  readonly #names = new Set<string>();
  readonly #cidrs = new BlockList();
  readonly #loopback: boolean;

  constructor(opts: EndpointOptions) {
    this.#mirrors = opts.mirrors.map(normalizeMirror);
    this.#loopback = opts.loopbackInsecure ?? true;
    if (this.#loopback) {
      this.#cidrs.addSubnet('127.0.0.0', 8, 'ipv4');
      this.#cidrs.addAddress('::1', 'ipv6');
    }
    for (const raw of opts.insecureRegistries) {
      const entry = raw.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
      const slash = entry.indexOf('/');
      if (slash > -1) {
        const ip = entry.slice(0, slash);
        const bits = Number(entry.slice(slash + 1));
        const family = isIP(ip);
        if (!family || !Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
          throw new InvalidRegistryOptionError(`insecure registry ${raw} is not valid: invalid CIDR`);
        }
        this.#cidrs.addSubnet(ip, bits, family === 4 ? 'ipv4' : 'ipv6');
      } else if (entry) {
        this.#names.add(entry.toLowerCase());
      }
    }
  }

  get mirrors(): readonly string[] {
    return this.#mirrors;
  }

  isInsecure(domain: string): boolean {
    const d = domain.toLowerCase();
    if (this.#names.has(d)) return true;
    const host = hostOf(d);
    if (this.#names.has(host)) return true;
    if (host === 'localhost' && this.#loopback) return true;
    const family = isIP(host);
    return family !== 0 && this.#cidrs.check(host, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** The endpoints to try for a registry domain, in order. */
  forDomain(domain: string): Endpoint[] {
    if (domain === DOCKER_HUB_DOMAIN) {
      return [
        ...this.#mirrors.map((base) => ({ base, skipVerify: this.isInsecure(new URL(base).host), mirror: true })),
        { base: DOCKER_HUB_REGISTRY, skipVerify: false, mirror: false },
      ];
    }
    if (this.isInsecure(domain)) {
      return [
        { base: `https://${domain}`, skipVerify: true, mirror: false },
        { base: `http://${domain}`, skipVerify: false, mirror: false },
      ];
    }
    return [{ base: `https://${domain}`, skipVerify: false, mirror: false }];
  }
}
