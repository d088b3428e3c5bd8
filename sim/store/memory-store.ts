// The in-memory ObjectStore: one global resourceVersion, a bounded watch history, and the write
// path (admission, defaulting, validation, optimistic concurrency, graceful deletion, finalizers)
// that both the HTTP API server and the in-process controllers and kubelet go through.
import { randomUUID } from 'node:crypto';
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  generateNameConflict,
  invalid,
  notFound,
  type QualifiedResource,
  staleResourceVersion,
} from '../apiserver/status.ts';
import { type AdmissionContext, admitCreate, admitUpdate } from './admission/admit.ts';
import { Allocator } from './admission/ip-allocator.ts';
import { releaseService } from './admission/service.ts';
import { addGcFinalizer, checkPreconditions, gracePeriod, shouldRemove } from './deletion.ts';
import { matchesFields, parseFieldSelector } from './field-selector.ts';
import { generateName } from './generate-name.ts';
import { clone, deepEqual, timestamp } from './json.ts';
import { matchesLabels, parseLabelSelector } from './label-selector.ts';
import { boundPod, withEphemeralContainers } from './pod-writes.ts';
import { groupVersion, type ResourceInfo, requireResource } from './resources.ts';
import type { DeleteOptions, KubeObject, ListOptions, ObjectStore, WatchEvent, WatchOptions } from './types.ts';
import { fieldErr } from './validation/field.ts';
import { checkSchema } from './validation/schema.ts';
import { validateObject } from './validation/validate.ts';
import { type Change, WatchHub } from './watch-hub.ts';

export interface StoreOptions {
  now?: () => Date;
  /** Changes kept for watches; older resourceVersions get 410 Expired. */
  historySize?: number;
  serviceCIDR?: string;
  random?: () => number;
}

export interface WriteOptions {
  dryRun?: boolean;
}

export type UpdateSubresource = 'status' | 'finalize' | 'ephemeralcontainers';

export interface StoreWatchOptions extends WatchOptions {
  sendInitialEvents?: boolean;
  allowWatchBookmarks?: boolean;
}

export interface DeleteResult {
  object: KubeObject;
  /** False when the object is still there (graceful deletion, finalizers). */
  deleted: boolean;
}

export function qualifiedResource(info: ResourceInfo): QualifiedResource {
  return info.group ? { group: info.group, resource: info.resource } : { resource: info.resource };
}

const keyOf = (namespace: string | undefined, name: string) => (namespace ? `${namespace}/${name}` : name);

export class MemoryStore implements ObjectStore {
  readonly now: () => Date;
  readonly #random: () => number;
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  readonly #hub: WatchHub;
  readonly #admission: AdmissionContext;
  #rv = 0;

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.#random = options.random ?? Math.random;
    this.#hub = new WatchHub(options.historySize ?? 10000);
    const allocator = new Allocator(options.serviceCIDR ?? '10.96.0.0/16', this.#random);
    this.#admission = { allocator, storageClasses: () => [...this.#table('storageclasses').values()] };
  }

  /** The current (latest) resourceVersion. */
  resourceVersion(): string {
    return String(this.#rv);
  }

  /** Test hook: forget the watch history up to `rv` (default: everything), so older watches get 410. */
  compact(rv: number = this.#rv): void {
    this.#hub.compact(rv);
  }

  #table(key: string): Map<string, KubeObject> {
    let t = this.#objects.get(key);
    if (!t) {
      t = new Map();
      this.#objects.set(key, t);
    }
    return t;
  }

  #commit(info: ResourceInfo, type: Change['type'], object: KubeObject, prev?: KubeObject): KubeObject {
    this.#rv++;
    object.metadata.resourceVersion = String(this.#rv);
    const key = keyOf(object.metadata.namespace, object.metadata.name!);
    if (type === 'DELETED') this.#table(info.key).delete(key);
    else this.#table(info.key).set(key, object);
    if (type === 'DELETED' && info.key === 'services') releaseService(object, this.#admission.allocator);
    this.#hub.record({ rv: this.#rv, key: info.key, type, object, prev });
    return clone(object);
  }

  get<T extends KubeObject = KubeObject>(resource: string, namespace: string | undefined, name: string): T | undefined {
    const info = requireResource(resource);
    const o = this.#table(info.key).get(keyOf(info.namespaced ? namespace : undefined, name));
    return o ? (clone(o) as T) : undefined;
  }

  #mustGet(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject {
    const o = this.#table(info.key).get(keyOf(info.namespaced ? namespace : undefined, name));
    if (!o) throw notFound(qualifiedResource(info), name);
    return o;
  }

  #matcher(info: ResourceInfo, options: ListOptions | undefined): (o: KubeObject) => boolean {
    const labels = parseLabelSelector(options?.labelSelector);
    const fields = parseFieldSelector(info.key, options?.fieldSelector);
    return (o) => matchesLabels(labels, o.metadata.labels) && matchesFields(info.key, fields, o);
  }

  /** The objects as they were at `rv`, rebuilt from the current state and the watch history. */
  #snapshot(info: ResourceInfo, rv: number): Map<string, KubeObject> {
    const state = new Map(this.#table(info.key));
    const changes = this.#hub.since(rv).filter((c) => c.key === info.key);
    for (const c of changes.reverse()) {
      const key = keyOf(c.object.metadata.namespace, c.object.metadata.name!);
      if (c.type === 'ADDED') state.delete(key);
      else if (c.prev) state.set(key, c.prev);
    }
    return state;
  }

  list<T extends KubeObject = KubeObject>(
    resource: string,
    namespace: string | undefined,
    options?: ListOptions & { atResourceVersion?: number },
  ): { items: T[]; resourceVersion: string } {
    const info = requireResource(resource);
    const match = this.#matcher(info, options);
    const at = options?.atResourceVersion;
    const table = at !== undefined && at < this.#rv ? this.#snapshot(info, at) : this.#table(info.key);
    const items = [...table.entries()]
      .filter(([, o]) => (!info.namespaced || !namespace || o.metadata.namespace === namespace) && match(o))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => clone(o) as T);
    return { items, resourceVersion: String(at ?? this.#rv) };
  }

  #checkNamespace(info: ResourceInfo, o: KubeObject): void {
    if (!info.namespaced) return;
    const ns = this.#table('namespaces').get(o.metadata.namespace ?? '');
    if (!ns) throw notFound('namespaces', o.metadata.namespace ?? '');
    if (ns.metadata.deletionTimestamp) {
      throw forbidden(
        qualifiedResource(info),
        o.metadata.name ?? '',
        `unable to create new content in namespace ${o.metadata.namespace} because it is being terminated`,
      );
    }
  }

  create<T extends KubeObject>(resource: string, object: T, options: WriteOptions = {}): T {
    const info = requireResource(resource);
    const o = clone(object) as KubeObject;
    o.metadata = o.metadata && typeof o.metadata === 'object' ? o.metadata : {};
    if (o.metadata.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    checkSchema(info, o);
    o.apiVersion = groupVersion(info);
    o.kind = info.kind;
    if (!info.namespaced) delete o.metadata.namespace;
    for (const f of [
      'uid',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
      'managedFields',
      'selfLink',
    ])
      delete o.metadata[f];
    this.#checkNamespace(info, o);
    const table = this.#table(info.key);
    if (!o.metadata.name && o.metadata.generateName) {
      let name = generateName(o.metadata.generateName, this.#random);
      for (let i = 0; i < 8 && table.has(keyOf(o.metadata.namespace, name)); i++)
        name = generateName(o.metadata.generateName, this.#random);
      if (table.has(keyOf(o.metadata.namespace, name))) throw generateNameConflict(qualifiedResource(info), name);
      o.metadata.name = name;
    }
    admitCreate(info, o, this.#admission);
    try {
      validateObject(info, o);
      if (table.has(keyOf(o.metadata.namespace, o.metadata.name!)))
        throw alreadyExists(qualifiedResource(info), o.metadata.name!);
    } catch (err) {
      if (info.key === 'services') releaseService(o, this.#admission.allocator);
      throw err;
    }
    o.metadata.uid = randomUUID();
    o.metadata.creationTimestamp = timestamp(this.now());
    if (info.key === 'pods') o.metadata.generation = 1;
    if (options.dryRun) {
      if (info.key === 'services') releaseService(o, this.#admission.allocator);
      return clone(o) as T;
    }
    return this.#commit(info, 'ADDED', o) as T;
  }

  update<T extends KubeObject>(
    resource: string,
    object: T,
    options: WriteOptions & { subresource?: UpdateSubresource } = {},
  ): T {
    const info = requireResource(resource);
    const name = object.metadata?.name ?? '';
    const old = this.#mustGet(info, object.metadata?.namespace, name);
    const qr = qualifiedResource(info);
    const rv = object.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw staleResourceVersion(qr, name);
    if (object.metadata.uid && object.metadata.uid !== old.metadata.uid)
      throw conflict(
        qr,
        name,
        `Precondition failed: UID in precondition: ${object.metadata.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    checkSchema(info, object);
    let next: KubeObject;
    const sub = options.subresource;
    if (sub === 'status') {
      next = clone(old);
      next.status = clone(object.status);
      if (next.status === undefined) delete next.status;
    } else if (sub === 'finalize') {
      next = clone(old);
      // biome-ignore lint/suspicious/noExplicitAny: JSON objects
      (next as any).spec = { ...((old as any).spec ?? {}), finalizers: (object as any).spec?.finalizers ?? [] };
    } else if (sub === 'ephemeralcontainers') {
      next = withEphemeralContainers(old, object);
    } else {
      next = clone(object) as KubeObject;
      next.apiVersion = old.apiVersion;
      next.kind = old.kind;
      const m = next.metadata;
      for (const f of [
        'uid',
        'creationTimestamp',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'generation',
        'namespace',
      ] as const) {
        if (old.metadata[f] === undefined) delete m[f];
        else (m as Record<string, unknown>)[f] = old.metadata[f];
      }
      delete m.managedFields;
      if (info.statusSubresource) {
        if (old.status === undefined) delete next.status;
        else next.status = clone(old.status);
      }
      admitUpdate(info, next, old);
      if (old.metadata.deletionTimestamp) {
        const added = (m.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
        if (added.length > 0)
          throw invalid({ group: info.group || undefined, kind: info.kind }, name, [
            fieldErr.forbidden(
              'metadata.finalizers',
              `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
            ),
          ]);
      }
    }
    validateObject(info, next, old);
    // biome-ignore lint/suspicious/noExplicitAny: JSON objects
    if (old.metadata.generation !== undefined && !deepEqual((old as any).spec, (next as any).spec))
      next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (deepEqual(next, old)) return clone(old) as T;
    if (options.dryRun) return clone(next) as T;
    if (shouldRemove(info, next)) return this.#commit(info, 'DELETED', next, old) as T;
    return this.#commit(info, 'MODIFIED', next, old) as T;
  }

  /** pods/binding: see boundPod. */
  bind(namespace: string, name: string, nodeName: string, options: WriteOptions = {}): KubeObject {
    const info = requireResource('pods');
    const old = this.#mustGet(info, namespace, name);
    const next = boundPod(old, nodeName, this.now());
    if (options.dryRun) return next;
    return this.#commit(info, 'MODIFIED', next, old);
  }

  delete(
    resource: string,
    namespace: string | undefined,
    name: string,
    options?: DeleteOptions & WriteOptions,
  ): KubeObject {
    return this.deleteDetailed(resource, namespace, name, options).object;
  }

  deleteDetailed(
    resource: string,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions & WriteOptions = {},
  ): DeleteResult {
    const info = requireResource(resource);
    const old = this.#mustGet(info, namespace, name);
    checkPreconditions(info, old, options);
    const next = clone(old);
    const m = next.metadata;
    // biome-ignore lint/suspicious/noExplicitAny: JSON objects
    const nsFinalizers = (old as any).spec?.finalizers ?? [];
    if (info.key === 'namespaces' && (nsFinalizers.length > 0 || (m.finalizers ?? []).length > 0)) {
      if (m.deletionTimestamp) return { object: clone(old), deleted: false };
      m.deletionTimestamp = timestamp(this.now());
      m.deletionGracePeriodSeconds = 0;
      // biome-ignore lint/suspicious/noExplicitAny: JSON objects
      (next as any).status = { ...((next as any).status ?? {}), phase: 'Terminating' };
      if (options.dryRun) return { object: next, deleted: false };
      return { object: this.#commit(info, 'MODIFIED', next, old), deleted: false };
    }
    addGcFinalizer(next, options.propagationPolicy);
    const grace = gracePeriod(info, old, options.gracePeriodSeconds);
    const pending = (m.finalizers ?? []).length > 0;
    if (m.deletionTimestamp) {
      if (grace !== undefined && grace < (m.deletionGracePeriodSeconds ?? 0)) {
        m.deletionTimestamp = timestamp(new Date(this.now().getTime() + grace * 1000));
        m.deletionGracePeriodSeconds = grace;
      }
    } else if ((grace !== undefined && grace > 0) || pending) {
      m.deletionTimestamp = timestamp(new Date(this.now().getTime() + (grace ?? 0) * 1000));
      m.deletionGracePeriodSeconds = grace ?? 0;
    }
    const remove = !pending && (!m.deletionTimestamp || !m.deletionGracePeriodSeconds);
    if (options.dryRun) return { object: next, deleted: remove };
    if (remove) return { object: this.#commit(info, 'DELETED', next, old), deleted: true };
    if (deepEqual(next, old)) return { object: clone(old), deleted: false };
    return { object: this.#commit(info, 'MODIFIED', next, old), deleted: false };
  }

  watch<T extends KubeObject = KubeObject>(
    resource: string,
    namespace: string | undefined,
    options: StoreWatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
  ): () => void {
    const info = requireResource(resource);
    const matches = this.#matcher(info, options);
    const ns = info.namespaced ? namespace : undefined;
    const emit = onEvent as (e: WatchEvent) => void;
    const rvOpt = options.resourceVersion;
    const fromNow = !rvOpt || rvOpt === '0' || options.sendInitialEvents === true;
    let from = 0;
    if (!fromNow) {
      if (!/^\d+$/.test(rvOpt))
        throw badRequest(`resourceVersion: Invalid value: "${rvOpt}": must be a non-negative integer`);
      from = Number(rvOpt);
    }
    const watcher = { key: info.key, namespace: ns, matches, onEvent: emit, lastRV: this.#rv, stopped: false };
    if (fromNow) {
      const stop = this.#hub.add(watcher);
      for (const o of this.list(info.key, ns, options).items) emit({ type: 'ADDED', object: o });
      if (options.sendInitialEvents && options.allowWatchBookmarks) {
        emit({
          type: 'BOOKMARK',
          object: {
            kind: info.kind,
            apiVersion: groupVersion(info),
            metadata: { resourceVersion: String(watcher.lastRV), annotations: { 'k8s.io/initial-events-end': 'true' } },
          },
        });
      }
      return stop;
    }
    let changes: Change[];
    try {
      changes = this.#hub.since(from);
    } catch (err) {
      // biome-ignore lint/suspicious/noExplicitAny: StatusError carries the Status
      emit({ type: 'ERROR', object: (err as any).status });
      return () => {};
    }
    watcher.lastRV = from;
    const stop = this.#hub.add(watcher);
    for (const c of changes) this.#hub.replay(watcher, c);
    return stop;
  }
}
