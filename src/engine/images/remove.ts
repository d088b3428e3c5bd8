// docker rmi and docker image prune, with moby's rules (daemon/images/image_delete.go, image_prune.go):
// removing by reference untags (and deletes once no reference is left); removing by ID untags everything when the
// references are all in one repository; running containers block even -f; stopped ones block without -f.

import { Conflict, InvalidParameter } from '../../errors.ts';
import { parseReference, repositoryName, shortId } from '../../registry/reference.ts';
import { createdSeconds, parseConfig } from './format.ts';
import type { StoredImage } from './objects.ts';
import { familiar, type ImageService } from './service.ts';

/** Query filters: key → accepted values (the API layer parses both JSON encodings). */
export type Filters = ReadonlyMap<string, readonly string[]>;

export interface DeleteItem {
  Untagged?: string;
  Deleted?: string;
}

function isDigestRef(canonical: string): boolean {
  return canonical.includes('@');
}

function repoOf(canonical: string): string {
  return repositoryName(parseReference(canonical));
}

/** moby isSingleReference: at most one tag, and every reference in one repository. */
function isSingleReference(refs: readonly string[]): boolean {
  if (refs.filter((r) => !isDigestRef(r)).length > 1) return false;
  return new Set(refs.map(repoOf)).size <= 1;
}

interface DeleteConflict {
  readonly message: string;
  readonly hard: boolean;
  readonly used: boolean;
}

function checkConflict(svc: ImageService, id: string, force: boolean, refsLeft: number): DeleteConflict | undefined {
  const users = svc.users.containersUsing(id);
  const running = users.find((u) => u.running);
  if (running) {
    return { message: `image is being used by running container ${shortId(running.id)}`, hard: true, used: true };
  }
  if (force) return undefined;
  if (refsLeft > 0) return { message: 'image is referenced in one or more repositories', hard: false, used: false };
  const stopped = users[0];
  if (stopped) {
    return { message: `image is being used by stopped container ${shortId(stopped.id)}`, hard: false, used: true };
  }
  return undefined;
}

function conflictError(id: string, c: DeleteConflict): Conflict {
  return new Conflict(
    `conflict: unable to delete ${shortId(id)} (${c.hard ? 'cannot be forced' : 'must be forced'}) - ${c.message}`,
  );
}

/** Removes references (tags are objects, digests live in the record) and reports each as Untagged. */
async function untag(svc: ImageService, img: StoredImage, refs: readonly string[], out: DeleteItem[]): Promise<void> {
  const digests = new Set(refs.filter(isDigestRef));
  for (const r of refs) {
    if (!isDigestRef(r)) await svc.deleteTagObject(r);
  }
  if (digests.size) {
    await svc.upsertImage(img.record.id, (cur) =>
      cur ? { record: { ...cur, repoDigests: cur.repoDigests.filter((d) => !digests.has(d)) } } : undefined,
    );
  }
  for (const r of refs) out.push({ Untagged: familiar(r) });
}

export async function removeImage(svc: ImageService, name: string, force: boolean): Promise<DeleteItem[]> {
  const catalog = svc.catalog();
  const found = catalog.get(name);
  const img = found.image;
  const id = img.record.id;
  const out: DeleteItem[] = [];
  let refs = [...catalog.tagsOf(id), ...img.record.repoDigests];
  let quiet = false;

  if (found.ref && (found.by === 'tag' || found.by === 'digest')) {
    const refStr =
      found.by === 'tag'
        ? `${repositoryName(found.ref)}:${found.ref.tag}`
        : `${repositoryName(found.ref)}@${found.ref.digest}`;
    if (!force && isSingleReference(refs)) {
      const c = svc.users.containersUsing(id)[0];
      if (c) {
        throw new Conflict(
          `conflict: unable to remove repository reference "${name}" (must force) - container ${shortId(c.id)} is using its referenced image ${shortId(id)}`,
        );
      }
    }
    const removed = [refStr];
    refs = refs.filter((r) => r !== refStr);
    if (found.by === 'tag') {
      // A removed tag takes the digest references of its repository along when no other tag of it is left.
      const repo = repositoryName(found.ref);
      if (!refs.some((r) => !isDigestRef(r) && repoOf(r) === repo)) {
        const sameRepoDigests = refs.filter((r) => isDigestRef(r) && repoOf(r) === repo);
        removed.push(...sameRepoDigests);
        refs = refs.filter((r) => !sameRepoDigests.includes(r));
      }
    }
    await untag(svc, img, removed, out);
    if (refs.length > 0) return out;
    quiet = true;
  } else if (!isSingleReference(refs)) {
    if (!force) {
      throw new Conflict(
        `conflict: unable to delete ${shortId(id)} (must be forced) - image is referenced in multiple repositories`,
      );
    }
  } else {
    const c = checkConflict(svc, id, force, 0);
    if (c) throw conflictError(id, c);
    await untag(svc, img, refs, out);
    refs = [];
  }

  const c = checkConflict(svc, id, force, refs.length);
  if (c) {
    if (quiet && c.used) return out; // the last reference went; the image stays for its containers (dangling)
    throw conflictError(id, c);
  }
  if (refs.length) await untag(svc, img, refs, out);
  await svc.deleteImageObject(id);
  out.push({ Deleted: id });
  await svc.gcPullSecrets();
  return out;
}

export interface PruneReport {
  ImagesDeleted: DeleteItem[] | null;
  SpaceReclaimed: number;
}

function labelMatches(labels: Record<string, string>, filter: string): boolean {
  const i = filter.indexOf('=');
  if (i < 0) return filter in labels;
  return labels[filter.slice(0, i)] === filter.slice(i + 1);
}

/** Docker's `until` filter: a Unix time, an RFC 3339 date, or a duration (`10m`, `24h`) before now. */
export function parseUntil(v: string, now: Date): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const d = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/.exec(v);
  if (d) {
    const unit = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 }[d[2]]!;
    return now.getTime() / 1000 - Number(d[1]) * unit;
  }
  const t = Date.parse(v);
  if (Number.isFinite(t)) return t / 1000;
  throw new InvalidParameter(`invalid until filter: ${v}`);
}

export async function pruneImages(svc: ImageService, filters: Filters, now: Date): Promise<PruneReport> {
  for (const k of filters.keys()) {
    if (!['dangling', 'until', 'label', 'label!'].includes(k)) throw new InvalidParameter(`invalid filter '${k}'`);
  }
  const dv = filters.get('dangling')?.[0] ?? 'true';
  if (!['true', 'false', '1', '0'].includes(dv.toLowerCase())) {
    throw new InvalidParameter(`invalid filter 'dangling=${dv}'`);
  }
  const danglingOnly = dv === 'true' || dv === '1';
  const until = filters.get('until')?.map((u) => parseUntil(u, now));
  const catalog = svc.catalog();
  const out: DeleteItem[] = [];
  let space = 0;
  for (const img of catalog.images.values()) {
    const id = img.record.id;
    const tags = catalog.tagsOf(id);
    if (danglingOnly && tags.length > 0) continue;
    if (svc.users.containersUsing(id).length > 0) continue;
    const cfg = parseConfig(img);
    if (until?.some((u) => createdSeconds(cfg) >= u)) continue;
    const labels = cfg.config?.Labels ?? {};
    if (!(filters.get('label') ?? []).every((f) => labelMatches(labels, f))) continue;
    if ((filters.get('label!') ?? []).some((f) => labelMatches(labels, f))) continue;
    await untag(svc, img, [...tags, ...img.record.repoDigests], out);
    await svc.deleteImageObject(id);
    out.push({ Deleted: id });
    space += img.record.size;
  }
  if (out.length) await svc.gcPullSecrets();
  return { ImagesDeleted: out.length ? out : null, SpaceReclaimed: space };
}
