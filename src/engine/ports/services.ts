// A Service per container with exposed or published ports, so other workloads in the cluster reach it by the
// container's name. Its owners are the container's pods: the garbage collector removes it with the last one
// (docker rm). Idempotent: creating an existing Service is a no-op, owners are patched when a new run appears, so
// two replicas (or a restarted server) converge on the same object.

import type { KubeCache } from '../../kube/cache.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { Logger } from '../../log.ts';
import { idLabelValue } from '../../translate/ids.ts';
import type { Pod } from '../../translate/kube-types.ts';
import { SERVICE_OF_LABEL, type Service, serviceFor } from '../../translate/ports.ts';
import { START_GATE } from '../../translate/record.ts';
import type { FoundContainer } from '../containers/lookup.ts';

export interface ServiceKeeperDeps {
  cache: KubeCache;
  client: KubeClient;
  log: Logger;
}

export class ServiceKeeper {
  readonly #d: ServiceKeeperDeps;
  /** Containers with a write in flight (one at a time each). */
  readonly #busy = new Set<string>();
  /** Names taken by something else: warned once. */
  readonly #warned = new Set<string>();

  constructor(deps: ServiceKeeperDeps) {
    this.#d = deps;
  }

  /** Makes sure the container's Service exists with its pods as owners (after its first start). */
  ensure(c: FoundContainer, pods: readonly Pod[]): void {
    if (this.#busy.has(c.id)) return;
    if (pods.every((p) => p.spec.schedulingGates?.some((g) => g.name === START_GATE))) return; // never started
    const wanted = serviceFor(c.record, pods);
    if (!wanted) return;
    let existing: Readonly<KubeObject> | undefined;
    try {
      existing = this.#d.cache.lister('services').get(wanted.metadata.name);
    } catch {
      return;
    }
    if (existing && existing.metadata.labels?.[SERVICE_OF_LABEL] !== idLabelValue(c.id)) {
      if (!this.#warned.has(wanted.metadata.name)) {
        this.#warned.add(wanted.metadata.name);
        this.#d.log.warn('the Service name of a container is taken by another object; no Service for it', {
          container: c.id,
          service: wanted.metadata.name,
        });
      }
      return;
    }
    if (existing && sameOwners(existing, wanted)) return;
    this.#busy.add(c.id);
    const { client } = this.#d;
    const write = existing
      ? client.patch(client.corePath('services', wanted.metadata.name), {
          metadata: { ownerReferences: wanted.metadata.ownerReferences },
        })
      : client.create(client.corePath('services'), wanted);
    write
      .catch((err) => {
        const kind = (err as { kind?: string }).kind;
        if (kind !== 'Conflict' && kind !== 'NotFound') {
          this.#d.log.warn('cannot write the Service of a container', { container: c.id, error: String(err) });
        }
      })
      .finally(() => this.#busy.delete(c.id));
  }
}

function sameOwners(existing: Readonly<KubeObject>, wanted: Service): boolean {
  const have = new Set(((existing.metadata.ownerReferences as { uid: string }[] | undefined) ?? []).map((o) => o.uid));
  const want = wanted.metadata.ownerReferences.map((o) => o.uid);
  return have.size === want.length && want.every((u) => have.has(u));
}
