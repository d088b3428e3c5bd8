// Removes what a set of label filters matches, as Ryuk does with the Docker API: containers first (forced, with
// their anonymous volumes), then networks, then volumes, each filter set on its own. Used by the Ryuk service and
// by the abandoned-session reaper. Only badidea's own objects are ever listed, so nothing else can match.

import type { Logger } from '../../log.ts';
import { matchesAny, type RyukFilter } from '../../translate/ryuk.ts';

export interface PruneTargets {
  /** Every container, with its labels. */
  containers(): readonly { id: string; labels: Readonly<Record<string, string>> }[];
  /** `docker rm -f -v`; a container already gone is not an error. */
  removeContainer(id: string): Promise<void>;
  /** `docker network prune --filter label=…` for one filter set; the names removed. */
  pruneNetworks(labels: readonly string[]): Promise<string[]>;
  /** `docker volume prune --all --filter label=…` for one filter set; the names removed. */
  pruneVolumes(labels: readonly string[]): Promise<string[]>;
}

export interface Pruned {
  containers: string[];
  networks: string[];
  volumes: string[];
}

export async function pruneMatching(t: PruneTargets, filters: readonly RyukFilter[], log: Logger): Promise<Pruned> {
  const out: Pruned = { containers: [], networks: [], volumes: [] };
  const sets = filters.filter((f) => f.length > 0);
  if (sets.length === 0) return out;
  const victims = t.containers().filter((c) => matchesAny(c.labels, sets));
  const failures: unknown[] = [];
  await Promise.all(
    victims.map((c) =>
      t.removeContainer(c.id).then(
        () => out.containers.push(c.id),
        (err: unknown) => failures.push(err),
      ),
    ),
  );
  for (const f of sets) {
    out.networks.push(...(await t.pruneNetworks(f)));
    out.volumes.push(...(await t.pruneVolumes(f)));
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} container(s) could not be removed`);
  log.info('pruned by labels', { filters: sets, ...out });
  return out;
}
