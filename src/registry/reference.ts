// Image references with Docker Hub's normalisation rules, as in docker/distribution's `reference` package
// (regexp.go, normalize.go): `busybox` → `docker.io/library/busybox:latest`, `index.docker.io/x` → `docker.io/x`,
// `localhost:5000/a` keeps its domain, a first component without `.`/`:` (and not `localhost`) is a Docker Hub path.
//
// Why our own: the npm packages that port this grammar (@swimlane/docker-reference, parse-docker-image-name) are
// unmaintained Flow ports or skip the normalisation and error texts Docker clients see; the grammar is ~60 lines.

export const DOCKER_HUB_DOMAIN = 'docker.io';
const LEGACY_HUB_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO = 'library';
export const DEFAULT_TAG = 'latest';
const NAME_MAX = 255;

const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|${ipv6})(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const referenceRe = new RegExp(
  `^((?:${domain}/)?${pathComponent}(?:/${pathComponent})*)(?::(${tag}))?(?:@(${digest}))?$`,
);
const anchoredTag = new RegExp(`^${tag}$`);
const anchoredDigest = new RegExp(`^${digest}$`);
const anchoredId = /^[a-f0-9]{64}$/;

/** A fully normalised reference: `domain/path[:tag][@digest]`. */
export interface Reference {
  /** Registry host as written, normalised for Docker Hub (`docker.io`), e.g. `127.0.0.1:5000`. */
  readonly domain: string;
  /** Repository path inside the registry, e.g. `library/busybox`. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

export class InvalidReferenceError extends Error {
  override name = 'InvalidReferenceError';
}

/** `docker.io/library/busybox` */
export function repositoryName(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The familiar repository name Docker shows: `busybox`, `user/app`, `127.0.0.1:5000/busybox`. */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DOCKER_HUB_DOMAIN) return repositoryName(ref);
  return ref.path.startsWith(`${OFFICIAL_REPO}/`) && ref.path.split('/').length === 2
    ? ref.path.slice(OFFICIAL_REPO.length + 1)
    : ref.path;
}

/** Familiar form with tag and digest as written: `busybox:latest`, `busybox@sha256:…`. */
export function familiarString(ref: Reference): string {
  return familiarName(ref) + (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}

/** Canonical form: `docker.io/library/busybox:latest`. */
export function canonicalString(ref: Reference): string {
  return repositoryName(ref) + (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}

/** Adds `:latest` when the reference has neither tag nor digest (distribution's TagNameOnly). */
export function withDefaultTag(ref: Reference): Reference {
  return ref.tag || ref.digest ? ref : { ...ref, tag: DEFAULT_TAG };
}

function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const i = name.indexOf('/');
  let d: string;
  let remainder: string;
  const first = i === -1 ? '' : name.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    d = DOCKER_HUB_DOMAIN;
    remainder = name;
  } else {
    d = first;
    remainder = name.slice(i + 1);
  }
  if (d === LEGACY_HUB_DOMAIN) d = DOCKER_HUB_DOMAIN;
  if (d === DOCKER_HUB_DOMAIN && !remainder.includes('/')) remainder = `${OFFICIAL_REPO}/${remainder}`;
  return { domain: d, remainder };
}

/**
 * Parses what a user types (`busybox`, `user/app:1`, `reg:5000/a/b@sha256:…`) into a normalised reference.
 * Errors carry distribution's texts (`invalid reference format`, `… must be lowercase`).
 */
export function parseReference(input: string): Reference {
  if (anchoredId.test(input)) {
    throw new InvalidReferenceError(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain: d, remainder } = splitDockerDomain(input);
  const tagSep = remainder.indexOf(':');
  const at = remainder.indexOf('@');
  const end = [tagSep, at].filter((n) => n > -1);
  const remoteName = end.length ? remainder.slice(0, Math.min(...end)) : remainder;
  if (remoteName.toLowerCase() !== remoteName) {
    throw new InvalidReferenceError(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  }
  const full = `${d}/${remainder}`;
  const m = referenceRe.exec(full);
  if (!m) {
    if (input === '')
      throw new InvalidReferenceError('invalid reference format: repository name must have at least one component');
    throw new InvalidReferenceError('invalid reference format');
  }
  if (m[1].length > NAME_MAX) {
    throw new InvalidReferenceError(
      `invalid reference format: repository name must not be more than ${NAME_MAX} characters`,
    );
  }
  const path = m[1].slice(d.length + 1);
  return { domain: d, path, ...(m[2] ? { tag: m[2] } : {}), ...(m[3] ? { digest: m[3] } : {}) };
}

export function isValidTag(s: string): boolean {
  return anchoredTag.test(s);
}

export function isDigest(s: string): boolean {
  return anchoredDigest.test(s);
}

/** A full image ID (`sha256:<64 hex>` or the bare 64 hex). */
export function isFullImageId(s: string): boolean {
  return anchoredId.test(s) || /^sha256:[a-f0-9]{64}$/.test(s);
}

/** `fromImage` + `tag` of POST /images/create: the tag may also be a digest (`sha256:…`). */
export function parseFromImage(fromImage: string, tagOrDigest: string | undefined): Reference {
  const ref = parseReference(fromImage);
  if (!tagOrDigest) return ref;
  if (isDigest(tagOrDigest)) return { domain: ref.domain, path: ref.path, digest: tagOrDigest };
  if (!isValidTag(tagOrDigest)) throw new InvalidReferenceError('invalid reference format');
  return { domain: ref.domain, path: ref.path, tag: tagOrDigest };
}

/** The 12-hex short form Docker prints (`7ba60629dcff`). */
export function shortId(id: string): string {
  const hex = id.startsWith('sha256:') ? id.slice(7) : id;
  return hex.slice(0, 12);
}
