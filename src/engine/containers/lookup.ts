// Finding containers in the watch-fed pod cache: no API round-trip. Every container part of badidea (lifecycle,
// streams, archive, events) resolves a client's reference here.
//
// Seams for other engines (keep stable):
//   const c = lookup.findContainer(ref)   // Docker's lookup: full ID, name, unique ID prefix
//                                         // → { record, current, previous, state, id, name }
//                                         // 404 NotFound "No such container: <ref>", 400 on an ambiguous prefix
//   lookup.containerPods(id)              // every pod (generation) of the container, newest first ([] if none)
//   lookup.list()                         // every container, newest first
//   lookup.waitFor(id, check, o)          // resolves with check's first non-undefined result, re-run on pod events
//   lookup.runningPod(ref)                // the current pod of a running container or 409 "Container <id> is not running"

import { Conflict } from '../../errors.ts';
import type { KubeCache, WaitOptions } from '../../kube/cache.ts';
import type { KubeObject } from '../../kube/types.ts';
import { type ContainerState, containerState } from '../../translate/container-state.ts';
import { idLabelValue, resolveContainerRef } from '../../translate/ids.ts';
import type { Pod } from '../../translate/kube-types.ts';
import { type ContainerPods, type ContainerRecord, groupContainers, ID_LABEL } from '../../translate/record.ts';
import { asApiError } from './errors.ts';

/** One container as the cache sees it now. */
export interface FoundContainer extends ContainerPods {
  /** Full 64-hex ID. */
  id: string;
  /** Name without the leading '/'. */
  name: string;
  /** The record of the current generation (authoritative). */
  record: ContainerRecord;
  /** The pod of the current (newest) generation. */
  current: Pod;
  /** Older generations' pods, newest first (kept for `docker logs` of earlier runs). */
  previous: Pod[];
  /** Docker's state, derived from `current`. */
  state: ContainerState;
}

export interface ContainerLookupDeps {
  cache: KubeCache;
  /** epoch ms */
  now?: () => number;
}

type PodObject = Pod & KubeObject;

export class ContainerLookup {
  readonly #cache: KubeCache;
  readonly #now: () => number;

  constructor(deps: ContainerLookupDeps) {
    this.#cache = deps.cache;
    this.#now = deps.now ?? Date.now;
  }

  /** Every container in the namespace, newest first. Throws 503 while the cache cannot be trusted. */
  list(): FoundContainer[] {
    return this.#group(this.#pods().list() as Pod[]);
  }

  /**
   * Docker's lookup order: full ID, exact name (with or without '/'), unique ID prefix. 404 NotFound
   * `No such container: <ref>`; 400 for an ambiguous prefix or an empty reference.
   */
  findContainer(ref: string): FoundContainer {
    const all = this.list();
    try {
      return resolveContainerRef(ref, all);
    } catch (err) {
      throw asApiError(err);
    }
  }

  /** Like findContainer, undefined instead of a 404. */
  tryFind(ref: string): FoundContainer | undefined {
    try {
      return this.findContainer(ref);
    } catch (err) {
      if ((err as { kind?: string }).kind === 'NotFound') return undefined;
      throw err;
    }
  }

  /** The container with this full ID, or undefined (no prefix or name matching). */
  byId(id: string): FoundContainer | undefined {
    return this.#group(this.containerPods(id))[0];
  }

  /** Every pod (generation) of the container with this full ID, newest generation first; [] when none. */
  containerPods(id: string): Pod[] {
    const pods = this.#pods().list({ [ID_LABEL]: idLabelValue(id) }) as Pod[];
    const group = groupContainers(pods).find((c) => c.record.id === id);
    return group ? [group.current, ...group.previous] : [];
  }

  /** The current pod of a running container; 409 `Container <id> is not running` otherwise (exec, attach, top). */
  runningPod(ref: string): FoundContainer {
    const c = this.findContainer(ref);
    if (c.state.status !== 'running') throw new Conflict(`Container ${c.id} is not running`);
    return c;
  }

  /** Docker's state of a grouped container now. */
  stateOf(c: ContainerPods): ContainerState {
    return containerState({ pod: c.current, record: c.record, now: this.#now() });
  }

  /**
   * Resolves with check's first non-undefined result. check sees the container with this full ID (undefined once
   * every pod is gone) now and after every change to one of its pods. Rejects on abort or timeout. Never polls.
   */
  waitFor<R>(id: string, check: (c: FoundContainer | undefined) => R | undefined, o: WaitOptions = {}): Promise<R> {
    const label = idLabelValue(id);
    let first = true;
    return this.#cache.waitFor<R, PodObject>(
      'pods',
      (lister, event) => {
        if (!first && event && event.object.metadata.labels?.[ID_LABEL] !== label) return undefined;
        first = false;
        const pods = lister.list({ [ID_LABEL]: label }) as Pod[];
        const c = this.#group(pods).find((x) => x.id === id);
        return check(c);
      },
      o,
    );
  }

  #pods() {
    return this.#cache.lister<PodObject>('pods');
  }

  #group(pods: readonly Pod[]): FoundContainer[] {
    const now = this.#now();
    return groupContainers(pods).map((c) => ({
      ...c,
      id: c.record.id,
      name: c.record.name,
      state: containerState({ pod: c.current, record: c.record, now }),
    }));
  }
}
