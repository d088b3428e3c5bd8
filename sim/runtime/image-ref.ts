// Docker image reference parsing as the container runtime sees it: registry host, repository,
// tag or digest, and the fully qualified form the kubelet reports (docker.io/library/busybox:latest).

export interface ImageRef {
  /** Registry host as written, or 'docker.io'. */
  registry: string;
  /** Repository path without the registry, with 'library/' for official Docker Hub images. */
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImageRef(ref: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) {
    registry = parts.shift()!;
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  let repository = parts.join('/');
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (!tag && !digest) tag = 'latest';
  return { registry, repository, tag, digest };
}

/** The fully qualified reference containerd-based kubelets report in containerStatuses[].image. */
export function qualifiedImage(ref: string): string {
  const r = parseImageRef(ref);
  return `${r.registry}/${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** The reference handed to dockerd: Docker Hub images without the docker.io prefix. */
export function dockerImage(ref: string): string {
  const r = parseImageRef(ref);
  let repo = r.registry === 'docker.io' ? r.repository.replace(/^library\//, '') : `${r.registry}/${r.repository}`;
  if (r.tag) repo += `:${r.tag}`;
  if (r.digest) repo += `@${r.digest}`;
  return repo;
}

/** Whether the tag is latest or absent: the API server then defaults imagePullPolicy to Always. */
export function isLatest(ref: string): boolean {
  const r = parseImageRef(ref);
  return !r.digest && r.tag === 'latest';
}

/** A valid reference has no upper case in the repository and no spaces (containerd's parser is stricter). */
export function isValidImageRef(ref: string): boolean {
  if (!ref || /\s/.test(ref)) return false;
  const r = parseImageRef(ref);
  return /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(r.repository);
}
