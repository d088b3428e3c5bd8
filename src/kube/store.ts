// The objects of one resource kind, keyed by name (badidea works in one namespace), with change events.

import type { KubeObject } from './types.ts';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent<T extends KubeObject = KubeObject> {
  type: StoreEventType;
  object: T;
  /** The previous state for MODIFIED and DELETED. */
  old?: T;
}

export type StoreListener<T extends KubeObject> = (event: StoreEvent<T>) => void;

/** Read access to the cached objects of one kind (read-only: never mutate what it returns). */
export interface Lister<T extends KubeObject = KubeObject> {
  get(name: string): Readonly<T> | undefined;
  /** All objects, or those whose labels include every given key=value. */
  list(labels?: Readonly<Record<string, string>>): Readonly<T>[];
  /** Objects satisfying a predicate. */
  filter(predicate: (obj: Readonly<T>) => boolean): Readonly<T>[];
}

export class Store<T extends KubeObject = KubeObject> implements Lister<T> {
  readonly #items = new Map<string, T>();
  readonly #listeners = new Set<StoreListener<T>>();

  get size(): number {
    return this.#items.size;
  }

  get(name: string): T | undefined {
    return this.#items.get(name);
  }

  list(labels?: Readonly<Record<string, string>>): T[] {
    const all = [...this.#items.values()];
    if (!labels) return all;
    const wanted = Object.entries(labels);
    return all.filter((o) => wanted.every(([k, v]) => o.metadata.labels?.[k] === v));
  }

  filter(predicate: (obj: T) => boolean): T[] {
    return [...this.#items.values()].filter(predicate);
  }

  subscribe(listener: StoreListener<T>): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Applies a watch event. Older resourceVersions than the stored one are ignored. */
  apply(type: StoreEventType, object: T): void {
    const name = object.metadata.name ?? '';
    const old = this.#items.get(name);
    if (type === 'DELETED') {
      if (!old) return;
      this.#items.delete(name);
      this.#emit({ type, object, old });
      return;
    }
    if (old && old.metadata.resourceVersion === object.metadata.resourceVersion) return;
    this.#items.set(name, object);
    this.#emit(old ? { type: 'MODIFIED', object, old } : { type: 'ADDED', object });
  }

  /** Replaces everything with a fresh list, emitting the differences. */
  replace(objects: readonly T[]): void {
    const fresh = new Map(objects.map((o) => [o.metadata.name ?? '', o]));
    for (const [name, old] of this.#items) {
      if (!fresh.has(name)) {
        this.#items.delete(name);
        this.#emit({ type: 'DELETED', object: old, old });
      }
    }
    for (const o of objects) this.apply('MODIFIED', o);
  }

  #emit(event: StoreEvent<T>): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        // A listener's bug must not break the cache.
      }
    }
  }
}
