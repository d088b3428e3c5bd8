// The images backend as one object: what src/api/images calls (and the container engine's
// resolveImageForContainer). Constructed in main.ts over the kube gateway and a RegistryClient.

import type { AuthConfig } from '../../registry/auth.ts';
import { imageSummary } from './format.ts';
import { imageHistoryOf, inspectImage, listImages } from './read.ts';
import { type DeleteItem, type Filters, type PruneReport, pruneImages, removeImage } from './remove.ts';
import type { ContainerImage, ImageService, PullRequest, Resolution } from './service.ts';

export class ImagesEngine {
  readonly #svc: ImageService;
  readonly #now: () => Date;

  constructor(svc: ImageService, now: () => Date = () => new Date()) {
    this.#svc = svc;
    this.#now = now;
  }

  /** Registry lookup for POST /images/create; throws the API error before anything is streamed. */
  resolvePull(req: PullRequest): Promise<Resolution> {
    return this.#svc.resolve(req);
  }

  /** Records a resolved pull in Kubernetes. */
  recordPull(res: Resolution): Promise<{ upToDate: boolean }> {
    return this.#svc.record(res);
  }

  list(filters: Filters, legacyNone: boolean): Record<string, unknown>[] {
    return listImages(this.#svc, filters, legacyNone);
  }

  inspect(name: string): Record<string, unknown> {
    return inspectImage(this.#svc, name);
  }

  history(name: string): Record<string, unknown>[] {
    return imageHistoryOf(this.#svc, name);
  }

  tag(name: string, repo: string, tag: string): Promise<void> {
    return this.#svc.tag(name, repo, tag);
  }

  remove(name: string, force: boolean): Promise<DeleteItem[]> {
    return removeImage(this.#svc, name, force);
  }

  prune(filters: Filters): Promise<PruneReport> {
    return pruneImages(this.#svc, filters, this.#now());
  }

  login(auth: AuthConfig): Promise<{ Status: string; IdentityToken: string }> {
    return this.#svc.login(auth);
  }

  /** For the container engine: see ImageService.resolveImageForContainer. */
  resolveImageForContainer(name: string, auth?: AuthConfig): Promise<ContainerImage> {
    return this.#svc.resolveImageForContainer(name, auth);
  }

  /** Deletes pull Secrets no image or pod references (call after containers are removed). */
  gcPullSecrets(): Promise<void> {
    return this.#svc.gcPullSecrets();
  }

  /** The images part of GET /system/df. */
  diskUsage(): { items: unknown[]; active: number; total: number; size: number; reclaimable: number } {
    const catalog = this.#svc.catalog();
    const items: unknown[] = [];
    let active = 0;
    let size = 0;
    let reclaimable = 0;
    for (const img of catalog.images.values()) {
      const users = this.#svc.users.containersUsing(img.record.id).length;
      if (users > 0) active++;
      else reclaimable += img.record.size;
      size += img.record.size;
      items.push({
        ...imageSummary(img, catalog.repoTags(img.record.id), catalog.repoDigests(img.record.id), false),
        Containers: users,
      });
    }
    return { items, active, total: catalog.images.size, size, reclaimable };
  }
}
