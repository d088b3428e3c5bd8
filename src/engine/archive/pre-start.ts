// docker cp into a container that is not running (created, or exited): the validated archive is kept in
// Kubernetes Secrets (chunks of at most CHUNK_BYTES, so each object stays well below the 1 MiB object limit) until
// the next run, whose pod extracts them before the real command (translate/pre-start-copies.ts). A created
// container's gated pod is replaced by the next generation, still gated, that mounts them; an exited container's
// record is annotated and its next run (docker start → nextGeneration) picks them up. See docs/copy-before-start.md.

import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PayloadTooLarge } from '../../errors.ts';
import type { KubeCache } from '../../kube/cache.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { Logger } from '../../log.ts';
import { idLabelValue, shortId } from '../../translate/ids.ts';
import type { PodOptions } from '../../translate/new-container.ts';
import { buildPod } from '../../translate/pod-spec.ts';
import { copyChunkKey } from '../../translate/pre-start-copies.ts';
import { COPIES_ANNOTATION, type ContainerRecord, ID_LABEL, MANAGED_LABEL } from '../../translate/record.ts';
import type { FoundContainer } from '../containers/lookup.ts';

/** Raw bytes per Secret: base64 makes ~1 MiB of it, under the API's 1 MiB data and 1.5 MiB request limits. */
export const CHUNK_BYTES = 768 * 1024;
export const DEFAULT_PRE_START_LIMIT = 16 * 1024 * 1024;
export const COPY_LABEL = 'badidea.dev/copy';

export interface PreStartDeps {
  client: KubeClient;
  podOptions: (record: ContainerRecord) => PodOptions;
  /** Resolves once the cache shows the container at this generation (read-your-writes for the next request). */
  waitForGeneration: (id: string, generation: number) => Promise<void>;
  limitBytes: number;
  chunkBytes?: number;
}

export function copySecretName(id: string, archive: number, chunk: number): string {
  return `badidea-cp-${shortId(id)}-${copyChunkKey(archive, chunk)}`;
}

function nextArchiveNumber(record: ContainerRecord): number {
  let max = 0;
  for (const name of record.preStartCopies ?? []) {
    const m = /-(\d{4})-\d{5}$/.exec(name);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

function tooLarge(limit: number): PayloadTooLarge {
  const mib = Math.round((limit / 1024 / 1024) * 10) / 10;
  return new PayloadTooLarge(
    `files copied into a container that is not running are kept in Kubernetes Secrets until it starts, up to ${mib} MiB in all; this copy is larger. Start the container first and copy then (docker cp into a running container has no limit), or put large files in a volume`,
  );
}

/** Writes the archive into Secrets as it streams (one chunk in memory), then attaches them to the container. */
export async function copyBeforeStart(
  deps: PreStartDeps,
  c: FoundContainer,
  archive: NodeJS.ReadableStream,
): Promise<void> {
  const { client } = deps;
  const chunkBytes = deps.chunkBytes ?? CHUNK_BYTES;
  const existing = await totalBytes(deps, c.record);
  const number = nextArchiveNumber(c.record);
  const created: string[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let total = existing;

  const flush = async () => {
    if (pendingBytes === 0 && created.length > 0) return;
    const name = copySecretName(c.id, number, created.length + 1);
    const data = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await client.create(client.corePath('secrets'), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name,
        labels: { [MANAGED_LABEL]: 'true', [ID_LABEL]: idLabelValue(c.id), [COPY_LABEL]: String(number) },
        annotations: { 'badidea.dev/container': c.id, 'badidea.dev/bytes': String(data.length) },
      },
      type: 'Opaque',
      data: { [copyChunkKey(number, created.length + 1)]: data.toString('base64') },
    } as KubeObject);
    created.push(name);
  };

  const sink = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _enc, cb) {
      total += chunk.length;
      if (total > deps.limitBytes) return cb(tooLarge(deps.limitBytes));
      let rest = chunk;
      const step = (): void => {
        const room = chunkBytes - pendingBytes;
        pending.push(rest.subarray(0, room));
        pendingBytes += Math.min(room, rest.length);
        rest = rest.subarray(room);
        if (pendingBytes < chunkBytes) {
          cb();
          return;
        }
        flush().then(() => (rest.length > 0 ? step() : cb()), cb);
      };
      step();
    },
    final(cb) {
      flush().then(() => cb(), cb);
    },
  });

  try {
    await pipeline(archive, sink);
    await attach(deps, c, created);
  } catch (err) {
    await Promise.all(created.map((name) => client.delete(client.corePath('secrets', name)).catch(() => {})));
    throw err;
  }
}

async function totalBytes(deps: PreStartDeps, record: ContainerRecord): Promise<number> {
  let total = 0;
  for (const name of record.preStartCopies ?? []) {
    try {
      const s = await deps.client.get<KubeObject>(deps.client.corePath('secrets', name));
      total += Number(s.metadata.annotations?.['badidea.dev/bytes'] ?? 0);
    } catch {
      // a missing chunk counts for nothing here; the run reports it
    }
  }
  return total;
}

/** Makes the container's next run extract the new archive after the earlier ones. */
async function attach(deps: PreStartDeps, c: FoundContainer, secrets: readonly string[]): Promise<void> {
  const { client } = deps;
  const copies = [...(c.record.preStartCopies ?? []), ...secrets];
  const gated = c.current.spec.schedulingGates?.length && !c.record.lastState && c.state.status === 'created';
  if (!gated) {
    // Exited: the next run is a new generation built from the record, which now lists the copies.
    await client.patch(client.corePath('pods', c.current.metadata.name ?? ''), {
      metadata: { annotations: { [COPIES_ANNOTATION]: JSON.stringify(copies) } },
    });
    return;
  }
  // Created (held by the start gate, never ran): its pod cannot gain a volume, so it is replaced by the next
  // generation, still gated, whose spec mounts the copies. Nothing ran, so nothing is lost.
  const record: ContainerRecord = { ...c.record, generation: c.record.generation + 1, preStartCopies: copies };
  const { pod } = buildPod(record, { ...deps.podOptions(c.record), gated: true });
  await client.create(client.corePath('pods'), pod as unknown as KubeObject);
  await deps.waitForGeneration(c.id, record.generation);
  await client
    .delete(client.corePath('pods', c.current.metadata.name ?? ''), { gracePeriodSeconds: 0 })
    .catch(() => {});
}

/** Deletes the Secrets of a removed container (docker rm). */
export async function deleteCopies(client: KubeClient, id: string): Promise<void> {
  const list = await client.list(client.corePath('secrets'), {
    labelSelector: `${MANAGED_LABEL}=true,${ID_LABEL}=${idLabelValue(id)},${COPY_LABEL}`,
  });
  await Promise.all(
    list.items.map((s) => client.delete(client.corePath('secrets', s.metadata.name ?? '')).catch(() => {})),
  );
}

/**
 * Deletes the copy Secrets of containers that are gone (every pod removed: docker rm, prune, --rm), from the
 * watch cache: when a container's last pod is deleted, and once at start for leftovers of a time the server was
 * down. Idempotent, so every replica may run it. Returns the function that stops it.
 */
export function collectCopies(o: { cache: KubeCache; client: KubeClient; log: Logger }): () => void {
  const { cache, client } = o;
  const remove = (name: string) =>
    client.delete(client.corePath('secrets', name)).catch((err) => {
      if ((err as { kind?: string }).kind !== 'NotFound')
        o.log.warn('could not delete a copy Secret', { name, error: String(err) });
    });
  const orphans = (idLabel?: string) => {
    const pods = cache.pods;
    return cache.secrets
      .filter((s) => {
        const labels = s.metadata.labels ?? {};
        if (labels[COPY_LABEL] === undefined || !labels[ID_LABEL]) return false;
        if (idLabel !== undefined && labels[ID_LABEL] !== idLabel) return false;
        return pods.list({ [ID_LABEL]: labels[ID_LABEL] }).length === 0;
      })
      .map((s) => s.metadata.name ?? '');
  };
  const unsubscribe = cache.subscribe('pods', (event) => {
    if (event.type !== 'DELETED') return;
    const id = event.object.metadata.labels?.[ID_LABEL];
    if (!id) return;
    try {
      for (const name of orphans(id)) void remove(name);
    } catch {
      // cache not readable now (cluster down): the sweep at the next start catches up
    }
  });
  void cache.hasSynced().then(() => {
    try {
      for (const name of orphans()) void remove(name);
    } catch {
      // as above
    }
  });
  return unsubscribe;
}
