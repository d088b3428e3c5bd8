// Will a pending claim ever bind? Asked before a container starts, so a claim whose StorageClass does not exist (or
// that has no class while the cluster has no default one) fails the start at once with the reason instead of the
// pod waiting unscheduled until the start timeout. Claims of a WaitForFirstConsumer class are Pending until their
// first pod is scheduled: that is expected and not an error. Without RBAC on storageclasses the check is skipped.

import type { KubeClient } from '../../kube/client.ts';
import { kubeStatusOf } from '../../kube/errors.ts';
import type { KubeList, KubeObject } from '../../kube/types.ts';
import type { PersistentVolumeClaim } from '../../translate/volumes.ts';

interface StorageClass extends KubeObject {
  provisioner?: string;
  volumeBindingMode?: string;
}

const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
const CLASSES_PATH = '/apis/storage.k8s.io/v1/storageclasses';

export class StorageClasses {
  readonly #client: KubeClient;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #cached?: { at: number; value: Promise<StorageClass[] | undefined> };

  constructor(client: KubeClient, o: { ttlMs?: number; now?: () => number } = {}) {
    this.#client = client;
    this.#ttlMs = o.ttlMs ?? 30_000;
    this.#now = o.now ?? Date.now;
  }

  /** The cluster's StorageClasses, or undefined when badidea may not read them. */
  list(): Promise<StorageClass[] | undefined> {
    const now = this.#now();
    if (!this.#cached || now - this.#cached.at > this.#ttlMs) {
      const value = this.#client.list<StorageClass>(CLASSES_PATH, { timeoutMs: 10_000 }).then(
        (l: KubeList<StorageClass>) => l.items,
        (err) => {
          const code = kubeStatusOf(err)?.code;
          if (code === 403 || code === 404) return undefined;
          this.#cached = undefined;
          throw err;
        },
      );
      this.#cached = { at: now, value };
    }
    return this.#cached.value;
  }

  /** Why a class name cannot provide storage, or undefined when it can (or we cannot tell). */
  async problem(className: string): Promise<string | undefined> {
    const classes = await this.list();
    if (!classes) return undefined;
    const names = classes.map((c) => c.metadata.name).join(', ') || 'none';
    if (className === '') {
      if (classes.some((c) => c.metadata.annotations?.[DEFAULT_CLASS] === 'true')) return undefined;
      return `it names no StorageClass and the cluster has no default one (StorageClasses: ${names}); give one with docker volume create -o storageclass=NAME or badidea's --volume-storage-class`;
    }
    const sc = classes.find((c) => c.metadata.name === className);
    if (!sc) return `StorageClass "${className}" does not exist in the cluster (StorageClasses: ${names})`;
    return undefined;
  }

  /** A pending claim that cannot bind: the reason; undefined for a bound or bindable claim. */
  async claimProblem(pvc: PersistentVolumeClaim): Promise<string | undefined> {
    if (pvc.status?.phase === 'Bound' || pvc.spec.volumeName) return undefined;
    return this.problem(pvc.spec.storageClassName ?? '');
  }
}
