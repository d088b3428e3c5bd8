// How image records live in Kubernetes (pure encode/decode, no I/O):
// - one ConfigMap per image, named after its ID (the config digest), holding the config blob as pulled and a small
//   JSON record (repo digests, size, platform, pull secrets per registry);
// - one ConfigMap per tag, named after a hash of the canonical reference, pointing at an image ID: moving a tag is
//   one write, and Kubernetes' name uniqueness keeps a tag on one image;
// - one Secret (kubernetes.io/dockerconfigjson) per set of registry credentials used by a pull, named after a hash
//   of registry + credentials, referenced by the image records that were pulled with it.

import { createHash } from 'node:crypto';
import type { ObjectMeta } from '../../translate/kube-types.ts';

export const MANAGED_LABEL = 'badidea.dev/managed';
export const KIND_LABEL = 'badidea.dev/kind';
export const KIND_IMAGE = 'image';
export const KIND_TAG = 'image-tag';
export const KIND_PULL_SECRET = 'pull-secret';
/** Pods created from an image carry its ID here (the container engine sets it); rmi and prune read it. */
export const IMAGE_ID_ANNOTATION = 'badidea.dev/image-id';
/** On pull Secrets: the registry domain the credentials are for. */
export const REGISTRY_ANNOTATION = 'badidea.dev/registry';

export interface ConfigMap {
  apiVersion?: 'v1';
  kind?: 'ConfigMap';
  metadata: ObjectMeta;
  data?: Record<string, string>;
}

export interface Secret {
  apiVersion?: 'v1';
  kind?: 'Secret';
  metadata: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** The record kept for an image (the `image.json` key). */
export interface ImageRecord {
  /** `sha256:<hex>` of the config blob. */
  readonly id: string;
  /** `repo@sha256:…` (canonical repository names), Docker's RepoDigests. */
  readonly repoDigests: readonly string[];
  /** Per canonical repository: the platform manifest's digest, what a Pod pins. */
  readonly manifests: Readonly<Record<string, string>>;
  /** Sum of the compressed layer sizes and the config (Docker reports uncompressed sizes; we never unpack). */
  readonly size: number;
  /** Compressed size of each layer, in manifest order (for history). */
  readonly layerSizes: readonly number[];
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  /** Pull Secret per registry domain, for the pods of this image. */
  readonly pullSecrets: Readonly<Record<string, string>>;
  readonly pulledAt: string;
  readonly lastTagTime?: string;
}

export interface TagRecord {
  /** Canonical `docker.io/library/busybox:latest`. */
  readonly ref: string;
  readonly imageId: string;
  readonly taggedAt: string;
}

export interface StoredImage {
  readonly record: ImageRecord;
  readonly configJson: string;
  /** The ConfigMap as stored (for resourceVersion preconditions). */
  readonly object: ConfigMap;
}

export interface StoredTag {
  readonly tag: TagRecord;
  readonly object: ConfigMap;
}

function hex(id: string): string {
  return id.startsWith('sha256:') ? id.slice(7) : id;
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function imageObjectName(id: string): string {
  return `badidea-image-${hex(id)}`;
}

export function tagObjectName(canonicalRef: string): string {
  return `badidea-tag-${hash(canonicalRef).slice(0, 40)}`;
}

export function pullSecretName(domain: string, dockerConfigJson: string): string {
  return `badidea-pull-${hash(`${domain}\n${dockerConfigJson}`).slice(0, 40)}`;
}

function labels(kind: string): Record<string, string> {
  return { [MANAGED_LABEL]: 'true', [KIND_LABEL]: kind };
}

export function encodeImage(record: ImageRecord, configJson: string, base?: ConfigMap): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      ...(base?.metadata ?? {}),
      name: imageObjectName(record.id),
      labels: { ...(base?.metadata.labels ?? {}), ...labels(KIND_IMAGE) },
    },
    data: { 'image.json': JSON.stringify(record), 'config.json': configJson },
  };
}

export function decodeImage(cm: ConfigMap): StoredImage | undefined {
  if (cm.metadata.labels?.[KIND_LABEL] !== KIND_IMAGE || cm.metadata.deletionTimestamp) return undefined;
  const raw = cm.data?.['image.json'];
  const configJson = cm.data?.['config.json'];
  if (!raw || configJson === undefined) return undefined;
  try {
    const r = JSON.parse(raw) as ImageRecord;
    if (typeof r.id !== 'string') return undefined;
    return {
      record: {
        ...r,
        repoDigests: r.repoDigests ?? [],
        manifests: r.manifests ?? {},
        layerSizes: r.layerSizes ?? [],
        pullSecrets: r.pullSecrets ?? {},
      },
      configJson,
      object: cm,
    };
  } catch {
    return undefined;
  }
}

export function encodeTag(tag: TagRecord, base?: ConfigMap): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      ...(base?.metadata ?? {}),
      name: tagObjectName(tag.ref),
      labels: { ...(base?.metadata.labels ?? {}), ...labels(KIND_TAG) },
    },
    data: { ref: tag.ref, image: tag.imageId, taggedAt: tag.taggedAt },
  };
}

export function decodeTag(cm: ConfigMap): StoredTag | undefined {
  if (cm.metadata.labels?.[KIND_LABEL] !== KIND_TAG || cm.metadata.deletionTimestamp) return undefined;
  const d = cm.data ?? {};
  if (!d.ref || !d.image) return undefined;
  return { tag: { ref: d.ref, imageId: d.image, taggedAt: d.taggedAt ?? '' }, object: cm };
}

export function encodePullSecret(name: string, domain: string, dockerConfigJson: string): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, labels: labels(KIND_PULL_SECRET), annotations: { [REGISTRY_ANNOTATION]: domain } },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(dockerConfigJson).toString('base64') },
  };
}

export function isPullSecret(s: Secret): boolean {
  return s.metadata.labels?.[KIND_LABEL] === KIND_PULL_SECRET;
}
