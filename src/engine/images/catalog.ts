// A snapshot of the image records (from the cache) with Docker's lookup rules (moby daemon/images GetImage):
// a full ID, then a reference (`:latest` implied; `repo@digest` through RepoDigests), then a unique ID prefix.

import { InvalidParameter, NotFound } from '../../errors.ts';
import {
  canonicalString,
  familiarString,
  InvalidReferenceError,
  parseReference,
  type Reference,
  repositoryName,
  withDefaultTag,
} from '../../registry/reference.ts';
import { type ConfigMap, decodeImage, decodeTag, type StoredImage, type StoredTag } from './objects.ts';

export interface Found {
  readonly image: StoredImage;
  /** The reference the name resolved through, when it was one (not an ID). */
  readonly ref?: Reference;
  /** How the name matched. */
  readonly by: 'id' | 'tag' | 'digest' | 'prefix';
}

export class Catalog {
  readonly images = new Map<string, StoredImage>();
  /** Canonical ref (`docker.io/library/busybox:latest`) → tag record. */
  readonly tags = new Map<string, StoredTag>();

  constructor(configMaps: readonly ConfigMap[]) {
    for (const cm of configMaps) {
      const img = decodeImage(cm);
      if (img) {
        this.images.set(img.record.id, img);
        continue;
      }
      const t = decodeTag(cm);
      if (t) {
        const prev = this.tags.get(t.tag.ref);
        if (!prev || prev.tag.taggedAt < t.tag.taggedAt) this.tags.set(t.tag.ref, t);
      }
    }
    // A tag whose image is gone (a crash between two writes) is not shown.
    for (const [ref, t] of this.tags) if (!this.images.has(t.tag.imageId)) this.tags.delete(ref);
  }

  /** Tags of an image, as canonical refs, sorted. */
  tagsOf(id: string): string[] {
    return [...this.tags.values()]
      .filter((t) => t.tag.imageId === id)
      .map((t) => t.tag.ref)
      .sort();
  }

  /** Docker's RepoTags: familiar `name:tag`. */
  repoTags(id: string): string[] {
    return this.tagsOf(id).map((r) => familiarString(parseReference(r)));
  }

  /** Docker's RepoDigests: familiar `name@sha256:…`. */
  repoDigests(id: string): string[] {
    const img = this.images.get(id);
    return (img?.record.repoDigests ?? []).map((r) => familiarString(parseReference(r)));
  }

  /**
   * Finds an image by ID, reference or ID prefix, or undefined. Throws InvalidParameter for a name that is neither
   * a valid reference nor hex.
   */
  find(name: string): Found | undefined {
    const full = /^(?:sha256:)?([a-f0-9]{64})$/.exec(name);
    if (full) {
      const img = this.images.get(`sha256:${full[1]}`);
      return img ? { image: img, by: 'id' } : undefined;
    }
    let ref: Reference | undefined;
    try {
      ref = withDefaultTag(parseReference(name));
    } catch (err) {
      if (!(err instanceof InvalidReferenceError)) throw err;
      if (!/^(?:sha256:)?[a-f0-9]+$/.test(name)) throw new InvalidParameter(err.message);
    }
    if (ref?.digest) {
      const wanted = `${repositoryName(ref)}@${ref.digest}`;
      for (const img of this.images.values()) {
        if (img.record.repoDigests.includes(wanted)) return { image: img, ref, by: 'digest' };
      }
    } else if (ref) {
      const t = this.tags.get(canonicalString(ref));
      const img = t && this.images.get(t.tag.imageId);
      if (img) return { image: img, ref, by: 'tag' };
    }
    const prefix = /^(?:sha256:)?([a-f0-9]+)$/.exec(name);
    if (prefix) {
      const matches = [...this.images.values()].filter((i) => i.record.id.slice(7).startsWith(prefix[1]));
      if (matches.length === 1) return { image: matches[0], by: 'prefix' };
    }
    return undefined;
  }

  /** find(), or NotFound with the message Docker uses for the operation (`No such image: busybox:latest`). */
  get(name: string, message: (familiar: string) => string = (f) => `No such image: ${f}`): Found {
    const f = this.find(name);
    if (f) return f;
    throw new NotFound(message(displayName(name)));
  }
}

/** How Docker names a missing image in its errors: the familiar reference with `:latest`, or the input. */
export function displayName(name: string): string {
  try {
    return familiarString(withDefaultTag(parseReference(name)));
  } catch {
    return name;
  }
}
