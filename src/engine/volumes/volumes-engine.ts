// Docker volumes as PersistentVolumeClaims labelled badidea.dev/kind=volume: create (by name or a generated one),
// ls with filters, inspect, rm (409 while any container mounts it), prune; and the container hooks: claims created
// before a container's pod (named ones implicitly, as dockerd does, and anonymous ones), removed again when the
// create fails; anonymous claims deleted by `rm -v`; a start refused when a claim can never bind or its access mode
// forbids sharing. Reads come from the watch-fed cache.

import { randomBytes } from 'node:crypto';
import type { VolumeCreateInput, VolumesBackend } from '../../api/volumes/backend.ts';
import { Conflict, InvalidParameter, NotFound } from '../../errors.ts';
import type { KubeCache } from '../../kube/cache.ts';
import type { KubeClient } from '../../kube/client.ts';
import { kubeStatusOf } from '../../kube/errors.ts';
import type { Lister } from '../../kube/store.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { Logger } from '../../log.ts';
import { idLabelValue } from '../../translate/ids.ts';
import type { ContainerRecord } from '../../translate/record.ts';
import {
  checkDriver,
  checkVolumeName,
  claimNameFor,
  claimSettings,
  generateVolumeName,
  KIND_LABEL,
  type PersistentVolumeClaim,
  VOLUME_KIND,
  VOLUME_OWNER_LABEL,
  type VolumeDefaults,
  type VolumeUse,
  volumeClaim,
  volumeNameOf,
  volumesOf,
} from '../../translate/volumes.ts';
import {
  type DockerVolume,
  type VolumeFilters,
  volumeListFilter,
  volumePruneFilter,
  volumeView,
} from '../../translate/volumes-view.ts';
import { translated } from '../containers/errors.ts';
import { StorageClasses } from './storage-check.ts';

/** What the volumes engine needs to know about containers: every one, with its record and whether it runs. */
export interface VolumeUsers {
  list(): { id: string; name: string; record: ContainerRecord; active: boolean }[];
}

/** The seams the container lifecycle calls (src/engine/containers). */
export interface VolumeHooks {
  /** Before a container's first pod: creates the claims it mounts that do not exist yet. */
  prepare(record: ContainerRecord): Promise<{ warnings: string[]; rollback(): Promise<void> }>;
  /** Before a run: claims exist (recreated if deleted behind badidea's back), can bind, and may be shared. */
  checkStart(record: ContainerRecord): Promise<void>;
  /** `docker rm -v` and `--rm`: deletes the container's anonymous volumes. */
  removeAnonymous(containerId: string): Promise<void>;
}

export interface VolumesEngineDeps {
  client: KubeClient;
  cache: KubeCache;
  users: VolumeUsers;
  defaults: VolumeDefaults;
  log: Logger;
  cacheTimeoutMs?: number;
  now?: () => number;
  randomBytes?: () => Uint8Array;
  storageClasses?: StorageClasses;
}

type ClaimObject = PersistentVolumeClaim & KubeObject;

export class VolumesEngine implements VolumesBackend, VolumeHooks {
  readonly #d: VolumesEngineDeps;
  readonly #classes: StorageClasses;

  constructor(deps: VolumesEngineDeps) {
    this.#d = deps;
    this.#classes = deps.storageClasses ?? new StorageClasses(deps.client, { now: deps.now });
  }

  #now(): number {
    return (this.#d.now ?? Date.now)();
  }

  #claims(): Lister<ClaimObject> {
    return this.#d.cache.lister<ClaimObject>('persistentvolumeclaims');
  }

  /** The live claim of a volume (not one being deleted), undefined when none. */
  #find(name: string): PersistentVolumeClaim | undefined {
    const pvc = this.#claims().get(claimNameFor(name));
    if (!pvc || pvc.metadata.deletionTimestamp || volumeNameOf(pvc) !== name) return undefined;
    return pvc;
  }

  #all(): PersistentVolumeClaim[] {
    return this.#claims()
      .list({ [KIND_LABEL]: VOLUME_KIND })
      .filter((p) => !p.metadata.deletionTimestamp && volumeNameOf(p) !== undefined);
  }

  /** Volume name → IDs of the containers (any state) that mount it. */
  #usage(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const c of this.#d.users.list()) {
      for (const v of volumesOf(c.id, c.record.config, c.record.hostConfig)) {
        const ids = out.get(v.name) ?? [];
        if (!ids.includes(c.id)) ids.push(c.id);
        out.set(v.name, ids);
      }
    }
    return out;
  }

  #view(pvc: PersistentVolumeClaim, detail: boolean, usage?: Map<string, string[]>): DockerVolume {
    const name = volumeNameOf(pvc) ?? pvc.metadata.name;
    return volumeView(pvc, {
      now: this.#now(),
      detail,
      namespace: this.#d.client.namespace,
      ...(usage ? { refCount: usage.get(name)?.length ?? 0 } : {}),
    });
  }

  async #createClaim(manifest: PersistentVolumeClaim): Promise<{ pvc: PersistentVolumeClaim; created: boolean }> {
    let created = true;
    try {
      await this.#d.client.create(this.#d.client.corePath('persistentvolumeclaims'), manifest);
    } catch (err) {
      // Another request (or replica) created it first: use theirs.
      if (kubeStatusOf(err)?.reason !== 'AlreadyExists') throw err;
      created = false;
    }
    const name = manifest.metadata.annotations?.['badidea.dev/volume-name'] ?? '';
    const pvc = await this.#d.cache.waitFor<PersistentVolumeClaim, ClaimObject>(
      'persistentvolumeclaims',
      (l) => {
        const p = l.get(manifest.metadata.name);
        if (!p) return undefined;
        if (volumeNameOf(p) !== name) {
          throw new Conflict(
            `volume ${name}: the PersistentVolumeClaim ${manifest.metadata.name} already exists and is not this volume's`,
          );
        }
        return p.metadata.deletionTimestamp ? undefined : p;
      },
      { timeoutMs: this.#d.cacheTimeoutMs ?? 30_000, what: `the claim of volume ${name} to reach badidea's cache` },
    );
    return { pvc, created };
  }

  async #deleteClaim(claimName: string): Promise<void> {
    try {
      await this.#d.client.delete(this.#d.client.corePath('persistentvolumeclaims', claimName));
    } catch (err) {
      if ((err as { kind?: string }).kind !== 'NotFound') throw err;
    }
  }

  async #waitGone(claimName: string): Promise<void> {
    await this.#d.cache.waitFor<true, ClaimObject>(
      'persistentvolumeclaims',
      (l) => {
        const p = l.get(claimName);
        return !p || p.metadata.deletionTimestamp ? true : undefined;
      },
      { timeoutMs: this.#d.cacheTimeoutMs ?? 30_000, what: `claim ${claimName} to be deleted` },
    );
  }

  async #checkClass(name: string, settings: VolumeDefaults): Promise<void> {
    const problem = await this.#classes.problem(settings.storageClass);
    // A missing default class is only fatal at start (a PV may be provisioned by hand); a named class must exist.
    if (problem && settings.storageClass !== '') throw new InvalidParameter(`create ${name}: ${problem}`);
  }

  // ---- the Docker API ----

  async create(input: VolumeCreateInput): Promise<DockerVolume> {
    const name = input.name || generateVolumeName(this.#d.randomBytes ?? (() => new Uint8Array(randomBytes(32))));
    translated(() => {
      checkVolumeName(name);
      checkDriver(name, input.driver);
    });
    if (input.clusterVolumeSpec) {
      throw new InvalidParameter(
        `create ${name}: cluster volumes need Docker Swarm; badidea volumes are PersistentVolumeClaims: drop ClusterVolumeSpec`,
      );
    }
    const existing = this.#find(name);
    if (existing) return this.#view(existing, false);
    const manifest = translated(() =>
      volumeClaim({
        name,
        namespace: this.#d.client.namespace,
        labels: input.labels,
        options: input.options,
        defaults: this.#d.defaults,
      }),
    );
    await this.#checkClass(
      name,
      translated(() => claimSettings(name, input.options, this.#d.defaults)),
    );
    const { pvc } = await this.#createClaim(manifest);
    return this.#view(pvc, false);
  }

  list(filters: VolumeFilters): { Volumes: DockerVolume[]; Warnings: null } {
    const keep = translated(() => volumeListFilter(filters));
    const usage = this.#usage();
    const volumes = this.#all()
      .filter((pvc) => keep({ pvc, refCount: usage.get(volumeNameOf(pvc) ?? '')?.length ?? 0 }))
      .map((pvc) => this.#view(pvc, false))
      .sort((a, b) => a.Name.localeCompare(b.Name));
    return { Volumes: volumes, Warnings: null };
  }

  inspect(name: string): DockerVolume {
    const pvc = this.#find(name);
    if (!pvc) throw new NotFound(`get ${name}: no such volume`);
    return this.#view(pvc, true, this.#usage());
  }

  async remove(name: string, force: boolean): Promise<void> {
    const pvc = this.#find(name);
    if (!pvc) {
      if (force) return;
      throw new NotFound(`get ${name}: no such volume`);
    }
    const users = this.#usage().get(name) ?? [];
    if (users.length > 0) throw new Conflict(`remove ${name}: volume is in use - [${users.join(' ')}]`);
    await this.#deleteClaim(pvc.metadata.name);
    await this.#waitGone(pvc.metadata.name);
  }

  async prune(
    filters: VolumeFilters,
    anonymousOnly: boolean,
  ): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
    const keep = translated(() => volumePruneFilter(filters, anonymousOnly));
    const usage = this.#usage();
    const victims = this.#all().filter((pvc) =>
      keep({ pvc, refCount: usage.get(volumeNameOf(pvc) ?? '')?.length ?? 0 }),
    );
    const deleted: string[] = [];
    await Promise.all(
      victims.map(async (pvc) => {
        try {
          await this.#deleteClaim(pvc.metadata.name);
          await this.#waitGone(pvc.metadata.name);
          deleted.push(volumeNameOf(pvc) ?? pvc.metadata.name);
        } catch (err) {
          this.#d.log.warn('prune could not remove a volume', { claim: pvc.metadata.name, error: String(err) });
        }
      }),
    );
    return { VolumesDeleted: deleted.sort(), SpaceReclaimed: 0 };
  }

  // ---- container hooks ----

  #implicitClaim(record: ContainerRecord, v: VolumeUse): PersistentVolumeClaim {
    return translated(() =>
      volumeClaim({
        name: v.name,
        namespace: this.#d.client.namespace,
        defaults: this.#d.defaults,
        ...(v.anonymous ? { owner: record.id } : {}),
      }),
    );
  }

  async prepare(record: ContainerRecord): Promise<{ warnings: string[]; rollback(): Promise<void> }> {
    const created: string[] = [];
    const rollback = async () => {
      await Promise.all(
        created.map((c) =>
          this.#deleteClaim(c).catch((err) =>
            this.#d.log.warn('could not delete a claim after a failed create', { claim: c, error: String(err) }),
          ),
        ),
      );
    };
    const uses = volumesOf(record.id, record.config, record.hostConfig);
    try {
      if (uses.some((v) => !this.#find(v.name))) await this.#checkClass('', this.#d.defaults);
      for (const v of uses) {
        if (this.#find(v.name)) continue;
        const r = await this.#createClaim(this.#implicitClaim(record, v));
        if (r.created) created.push(r.pvc.metadata.name);
      }
    } catch (err) {
      await rollback();
      throw err;
    }
    return { warnings: [], rollback };
  }

  async checkStart(record: ContainerRecord): Promise<void> {
    const uses = volumesOf(record.id, record.config, record.hostConfig);
    if (uses.length === 0) return;
    const others = this.#d.users.list().filter((c) => c.active && c.id !== record.id);
    for (const v of uses) {
      let pvc = this.#find(v.name);
      if (!pvc) pvc = (await this.#createClaim(this.#implicitClaim(record, v))).pvc;
      const problem = await this.#classes.claimProblem(pvc);
      if (problem) {
        throw new Conflict(
          `cannot start container ${record.name}: volume ${v.name} (PersistentVolumeClaim ${pvc.metadata.name}) can never be bound: ${problem}`,
        );
      }
      const modes = pvc.status?.accessModes ?? pvc.spec.accessModes ?? [];
      if (modes.length === 1 && modes[0] === 'ReadWriteOncePod') {
        const holder = others.find((c) =>
          volumesOf(c.id, c.record.config, c.record.hostConfig).some((u) => u.name === v.name),
        );
        if (holder) {
          throw new Conflict(
            `cannot start container ${record.name}: volume ${v.name} has access mode ReadWriteOncePod, so only one running container can mount it and ${holder.name} does; stop ${holder.name}, or use a volume created with -o accessmode=ReadWriteOnce (same node) or ReadWriteMany`,
          );
        }
      }
    }
  }

  async removeAnonymous(containerId: string): Promise<void> {
    const claims = this.#claims().list({ [VOLUME_OWNER_LABEL]: idLabelValue(containerId) });
    await Promise.all(claims.map((p) => this.#deleteClaim(p.metadata.name)));
    await Promise.all(claims.map((p) => this.#waitGone(p.metadata.name)));
  }
}
