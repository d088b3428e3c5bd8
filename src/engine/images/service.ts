// The images engine: pull (resolve in the registry, record in Kubernetes), tag, login, and what the container
// engine asks of an image. Removal and prune live in remove.ts. Reads come from the cache (Catalog); writes go
// through the kube gateway, retried on resourceVersion conflicts.

import { Conflict, InvalidParameter } from '../../errors.ts';
import { type AuthConfig, dockerConfigJson } from '../../registry/auth.ts';
import type { RegistryClient, ResolvedImage } from '../../registry/client.ts';
import { normalizePlatform, type Platform, parsePlatform } from '../../registry/platform.ts';
import {
  canonicalString,
  familiarName,
  familiarString,
  isDigest,
  parseFromImage,
  parseReference,
  type Reference,
  repositoryName,
} from '../../registry/reference.ts';
import type { ImageConfig } from '../../translate/docker-types.ts';
import { Catalog } from './catalog.ts';
import { containerConfigOf } from './format.ts';
import {
  type ConfigMap,
  encodeImage,
  encodePullSecret,
  encodeTag,
  type ImageRecord,
  imageObjectName,
  isPullSecret,
  pullSecretName,
  tagObjectName,
} from './objects.ts';
import { toApiError } from './registry-errors.ts';
import { type ImageKube, isConflict, ReadYourWrites } from './store.ts';

/** Who uses images and pull secrets: answered by the container engine (pods in the cache). */
export interface ImageUsers {
  /** Containers created from this image ID, with whether they are running. */
  containersUsing(imageId: string): readonly { id: string; running: boolean }[];
  /** Pull Secret names referenced by pods; they are kept even when no image record names them. */
  pullSecretsInUse(): ReadonlySet<string>;
}

export interface ImageServiceDeps {
  readonly kube: ImageKube;
  readonly registry: Pick<RegistryClient, 'resolve' | 'login'>;
  /** The platform images are resolved for when the client names none: the cluster's nodes'. */
  readonly platform: () => Platform;
  readonly users: ImageUsers;
  readonly now?: () => Date;
}

/** What the container engine needs to run an image (resolveImageForContainer). */
export interface ContainerImage {
  /** `sha256:…` of the config: Docker's image ID (container inspect `Image`). */
  readonly imageId: string;
  /** `repo@sha256:…` of the platform manifest: what the Pod's container `image` pins. */
  readonly digestRef: string;
  /** The image's config (Entrypoint, Cmd, Env, WorkingDir, User, ExposedPorts, Volumes, Healthcheck, …). */
  readonly config: ImageConfig;
  /** The image pull Secret to list in the Pod's imagePullSecrets, when the image came from a private registry. */
  readonly pullSecretName?: string;
  readonly platform: Platform;
}

export interface PullRequest {
  readonly fromImage: string;
  readonly tag?: string;
  /** `linux/arm64` etc.; empty for the cluster's platform. */
  readonly platform?: string;
  readonly auth?: AuthConfig;
}

export interface Resolution {
  readonly resolved: ResolvedImage;
  readonly auth?: AuthConfig;
}

const RETRIES = 4;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export class ImageService {
  readonly #kube: ImageKube;
  readonly #registry: ImageServiceDeps['registry'];
  readonly #platform: () => Platform;
  readonly users: ImageUsers;
  readonly #now: () => Date;

  constructor(deps: ImageServiceDeps) {
    this.#kube = {
      configMaps: new ReadYourWrites(deps.kube.configMaps),
      secrets: new ReadYourWrites(deps.kube.secrets),
    };
    this.#registry = deps.registry;
    this.#platform = deps.platform;
    this.users = deps.users;
    this.#now = deps.now ?? (() => new Date());
  }

  catalog(): Catalog {
    return new Catalog(this.#kube.configMaps.list());
  }

  /** The registry part of a pull: errors here are the HTTP status of POST /images/create (nothing streamed yet). */
  async resolve(req: PullRequest): Promise<Resolution> {
    try {
      const ref = parseFromImage(req.fromImage, req.tag || undefined);
      const explicit = Boolean(req.platform);
      const platform = explicit ? parsePlatform(req.platform!, this.#platform()) : normalizePlatform(this.#platform());
      const resolved = await this.#registry.resolve(ref, { platform, explicitPlatform: explicit, auth: req.auth });
      return { resolved, ...(req.auth ? { auth: req.auth } : {}) };
    } catch (err) {
      throw toApiError(err);
    }
  }

  /**
   * The Kubernetes part of a pull: records the image (merging repo digests and pull secrets into an existing
   * record) and points the tag at it. `upToDate` is Docker's "Image is up to date" (known image, tag unchanged).
   */
  async record(res: Resolution): Promise<{ upToDate: boolean }> {
    const r = res.resolved;
    const repo = repositoryName(r.ref);
    const secret = res.auth ? await this.#ensurePullSecret(r.ref.domain, res.auth) : undefined;
    const now = this.#now().toISOString();
    let existed = false;
    await this.#upsertImage(r.configDigest, (cur) => {
      existed = cur !== undefined;
      const record: ImageRecord = {
        id: r.configDigest,
        repoDigests: [...new Set([...(cur?.repoDigests ?? []), `${repo}@${r.repoDigest}`])].sort(),
        manifests: { ...(cur?.manifests ?? {}), [repo]: r.manifestDigest },
        size: r.manifest.config.size + r.manifest.layers.reduce((n, l) => n + (l.size ?? 0), 0),
        layerSizes: r.manifest.layers.map((l) => l.size ?? 0),
        os: r.platform.os,
        architecture: r.platform.architecture,
        ...(r.platform.variant ? { variant: r.platform.variant } : {}),
        pullSecrets: { ...(cur?.pullSecrets ?? {}), ...(secret ? { [r.ref.domain]: secret } : {}) },
        pulledAt: cur?.pulledAt ?? now,
        ...(cur?.lastTagTime || r.ref.tag ? { lastTagTime: r.ref.tag ? now : cur?.lastTagTime } : {}),
      };
      return { record, configJson: r.configJson };
    });
    let tagMoved = false;
    if (r.ref.tag) tagMoved = await this.#setTag(canonicalString({ ...r.ref, digest: undefined }), r.configDigest);
    if (secret) await this.gcPullSecrets();
    return { upToDate: existed && !tagMoved };
  }

  /** POST /images/{name}/tag: `repo` (required) and `tag` (default latest). */
  async tag(source: string, repo: string, tag: string): Promise<void> {
    const found = this.catalog().get(source);
    let target: Reference;
    try {
      target = parseReference(repo);
    } catch (err) {
      throw toApiError(err);
    }
    if (target.digest) throw new InvalidParameter('refusing to create a tag with a digest reference');
    if (tag) {
      if (isDigest(tag)) throw new InvalidParameter('refusing to create a tag with a digest reference');
      try {
        target = parseFromImage(repo, tag);
      } catch (err) {
        throw toApiError(err);
      }
    }
    if (!target.tag) target = { ...target, tag: 'latest' };
    if (familiarName(target) === 'sha256') {
      throw new InvalidParameter('refusing to create an ambiguous tag using digest algorithm as name');
    }
    await this.#setTag(canonicalString(target), found.image.record.id);
    await this.#upsertImage(found.image.record.id, (cur) =>
      cur ? { record: { ...cur, lastTagTime: this.#now().toISOString() } } : undefined,
    );
  }

  /** POST /auth: checks the credentials with the registry. */
  async login(auth: AuthConfig): Promise<{ Status: string; IdentityToken: string }> {
    try {
      await this.#registry.login(auth);
    } catch (err) {
      throw toApiError(err, 'login');
    }
    return { Status: 'Login Succeeded', IdentityToken: '' };
  }

  /**
   * For container create: the image named by `name` (reference, ID or ID prefix) from the records, without a
   * registry round-trip. NotFound (`No such image: busybox:latest`) lets clients pull and retry, as with Docker.
   * Credentials given with the request become (or refresh) the image's pull Secret for its registry.
   */
  async resolveImageForContainer(name: string, auth?: AuthConfig): Promise<ContainerImage> {
    const found = this.catalog().get(name);
    const rec = found.image.record;
    const repos = Object.keys(rec.manifests).sort();
    const wanted = found.ref ? repositoryName(found.ref) : undefined;
    const repo = wanted && rec.manifests[wanted] ? wanted : (repos[0] ?? wanted ?? '');
    const domain = repo.split('/')[0];
    let secret = rec.pullSecrets[domain];
    if (auth) {
      secret = await this.#ensurePullSecret(domain, auth);
      if (secret !== rec.pullSecrets[domain]) {
        await this.#upsertImage(rec.id, (cur) =>
          cur ? { record: { ...cur, pullSecrets: { ...cur.pullSecrets, [domain]: secret! } } } : undefined,
        );
      }
    }
    return {
      imageId: rec.id,
      digestRef: `${repo}@${rec.manifests[repo]}`,
      config: containerConfigOf(found.image),
      ...(secret ? { pullSecretName: secret } : {}),
      platform: { os: rec.os, architecture: rec.architecture, ...(rec.variant ? { variant: rec.variant } : {}) },
    };
  }

  /** Deletes pull Secrets that neither an image record nor a pod references. */
  async gcPullSecrets(): Promise<void> {
    const referenced = new Set<string>(this.users.pullSecretsInUse());
    for (const img of this.catalog().images.values()) {
      for (const s of Object.values(img.record.pullSecrets)) referenced.add(s);
    }
    for (const s of this.#kube.secrets.list()) {
      const name = s.metadata.name;
      if (name && isPullSecret(s) && !referenced.has(name)) await this.#kube.secrets.delete(name);
    }
  }

  // ---- writes shared with remove.ts ----

  /** Creates or replaces an image record; `update` gets the current record (or undefined) and returns the next. */
  async upsertImage(
    id: string,
    update: (cur: ImageRecord | undefined) => { record: ImageRecord; configJson?: string } | undefined,
  ): Promise<void> {
    return this.#upsertImage(id, update);
  }

  async deleteImageObject(id: string): Promise<void> {
    await this.#kube.configMaps.delete(imageObjectName(id));
  }

  async deleteTagObject(canonicalRef: string): Promise<void> {
    await this.#kube.configMaps.delete(tagObjectName(canonicalRef));
  }

  async #upsertImage(
    id: string,
    update: (cur: ImageRecord | undefined) => { record: ImageRecord; configJson?: string } | undefined,
  ): Promise<void> {
    const name = imageObjectName(id);
    for (let attempt = 0; ; attempt++) {
      const cur = this.catalog().images.get(id);
      const next = update(cur?.record);
      if (!next) return;
      const obj = encodeImage(next.record, next.configJson ?? cur?.configJson ?? '{}', cur?.object);
      try {
        if (cur) await this.#kube.configMaps.replace(obj);
        else await this.#kube.configMaps.create({ ...obj, metadata: { name, labels: obj.metadata.labels } });
        return;
      } catch (err) {
        if (!isConflict(err) || attempt >= RETRIES) throw conflictOr(err, `image ${id} was changed concurrently`);
        await sleep(50 * 2 ** attempt);
      }
    }
  }

  /** Points a tag at an image; returns whether it moved (was absent or pointed elsewhere). */
  async #setTag(canonicalRef: string, imageId: string): Promise<boolean> {
    const name = tagObjectName(canonicalRef);
    for (let attempt = 0; ; attempt++) {
      const cur = this.#kube.configMaps.list().find((c) => c.metadata.name === name);
      if (cur?.data?.image === imageId && cur.data.ref === canonicalRef) return false;
      const obj = encodeTag({ ref: canonicalRef, imageId, taggedAt: this.#now().toISOString() }, cur as ConfigMap);
      try {
        if (cur) await this.#kube.configMaps.replace(obj);
        else await this.#kube.configMaps.create(obj);
        return true;
      } catch (err) {
        if (!isConflict(err) || attempt >= RETRIES)
          throw conflictOr(err, `tag ${canonicalRef} was changed concurrently`);
        await sleep(50 * 2 ** attempt);
      }
    }
  }

  async #ensurePullSecret(domain: string, auth: AuthConfig): Promise<string> {
    const json = dockerConfigJson(domain, auth);
    const name = pullSecretName(domain, json);
    if (this.#kube.secrets.list().some((s) => s.metadata.name === name)) return name;
    try {
      await this.#kube.secrets.create(encodePullSecret(name, domain, json));
    } catch (err) {
      if (!isConflict(err)) throw err; // same name = same content: someone else made it
    }
    return name;
  }
}

function conflictOr(err: unknown, message: string): unknown {
  return isConflict(err) ? new Conflict(message) : err;
}

/** Docker's familiar form of a canonical reference (`docker.io/library/busybox:latest` → `busybox:latest`). */
export function familiar(canonicalRef: string): string {
  return familiarString(parseReference(canonicalRef));
}
