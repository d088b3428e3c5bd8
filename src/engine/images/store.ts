// The seam to the Kubernetes gateway for image records, and read-your-writes on top of the watch cache.
//
// Reads come from the watch-fed cache, which lags writes by a moment; `docker pull x && docker run x` (or the
// CLI's create → 404 → pull → create) must see the image it just pulled. So each write is remembered until the
// cache has caught up with it (same or newer resourceVersion, or the deletion seen), at most `holdMs`.

import type { ConfigMap, Secret } from './objects.ts';

/** What the images engine needs from src/kube for one resource kind (namespaced in badidea's namespace). */
export interface ObjectApi<T> {
  /** Every badidea-managed object of this kind, from the watch cache. */
  list(): readonly T[];
  /** Creates; rejects with an error whose `statusCode`/`code` is 409 (or a Conflict) when the name is taken. */
  create(obj: T): Promise<T>;
  /** Replaces, with `metadata.resourceVersion` as precondition (409 when stale). */
  replace(obj: T): Promise<T>;
  /** Deletes; a missing object is not an error. */
  delete(name: string): Promise<void>;
}

export interface ImageKube {
  readonly configMaps: ObjectApi<ConfigMap>;
  readonly secrets: ObjectApi<Secret>;
}

interface Meta {
  metadata: { name?: string; resourceVersion?: string };
}

function rvAtLeast(have: string | undefined, want: string | undefined): boolean {
  if (!have || !want) return false;
  if (/^\d+$/.test(have) && /^\d+$/.test(want)) return BigInt(have) >= BigInt(want);
  return have === want;
}

/** True for the kube gateway's "already exists" / "conflict" rejections, whatever their class. */
export function isConflict(err: unknown): boolean {
  const e = err as { kind?: string; statusCode?: number; code?: number; status?: number; body?: { code?: number } };
  return (
    e?.kind === 'Conflict' || e?.statusCode === 409 || e?.code === 409 || e?.status === 409 || e?.body?.code === 409
  );
}

export class ReadYourWrites<T extends Meta> implements ObjectApi<T> {
  readonly #api: ObjectApi<T>;
  readonly #holdMs: number;
  readonly #now: () => number;
  readonly #recent = new Map<string, { obj: T | null; at: number }>();

  constructor(api: ObjectApi<T>, opts: { holdMs?: number; now?: () => number } = {}) {
    this.#api = api;
    this.#holdMs = opts.holdMs ?? 30_000;
    this.#now = opts.now ?? Date.now;
  }

  list(): readonly T[] {
    const cached = this.#api.list();
    if (this.#recent.size === 0) return cached;
    const now = this.#now();
    const byName = new Map<string, T>();
    for (const o of cached) if (o.metadata.name) byName.set(o.metadata.name, o);
    for (const [name, r] of this.#recent) {
      const inCache = byName.get(name);
      const caughtUp = r.obj
        ? rvAtLeast(inCache?.metadata.resourceVersion, r.obj.metadata.resourceVersion)
        : inCache === undefined;
      if (caughtUp || now - r.at > this.#holdMs) {
        this.#recent.delete(name);
        continue;
      }
      if (r.obj) byName.set(name, r.obj);
      else byName.delete(name);
    }
    return [...byName.values()];
  }

  async create(obj: T): Promise<T> {
    const out = await this.#api.create(obj);
    this.#remember(out);
    return out;
  }

  async replace(obj: T): Promise<T> {
    const out = await this.#api.replace(obj);
    this.#remember(out);
    return out;
  }

  async delete(name: string): Promise<void> {
    await this.#api.delete(name);
    this.#recent.set(name, { obj: null, at: this.#now() });
  }

  #remember(o: T): void {
    if (o?.metadata?.name) this.#recent.set(o.metadata.name, { obj: o, at: this.#now() });
  }
}

/** An in-memory ObjectApi (tests, and a fallback to run without a cluster). */
export class MemoryObjects<T extends Meta> implements ObjectApi<T> {
  readonly #objs = new Map<string, T>();
  #rv = 0;

  list(): readonly T[] {
    return [...this.#objs.values()];
  }

  async create(obj: T): Promise<T> {
    const name = obj.metadata.name!;
    if (this.#objs.has(name)) throw Object.assign(new Error(`"${name}" already exists`), { statusCode: 409 });
    const out = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } };
    this.#objs.set(name, structuredClone(out));
    return out;
  }

  async replace(obj: T): Promise<T> {
    const name = obj.metadata.name!;
    const cur = this.#objs.get(name);
    if (!cur) throw Object.assign(new Error(`"${name}" not found`), { statusCode: 404 });
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw Object.assign(new Error(`"${name}": the object has been modified`), { statusCode: 409 });
    }
    const out = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } };
    this.#objs.set(name, structuredClone(out));
    return out;
  }

  async delete(name: string): Promise<void> {
    this.#objs.delete(name);
  }
}
