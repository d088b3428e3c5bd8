// docker rename (the name annotation on every generation; pod names are handles and stay) and docker update
// (a pod's resources and restart policy are fixed at creation: refused with what to do instead).

import { Conflict, InvalidParameter } from '../../errors.ts';
import type { KubeObject } from '../../kube/types.ts';
import { nameConflictMessage, normaliseContainerName } from '../../translate/ids.ts';
import { renamePatch } from '../../translate/record.ts';
import type { EngineContext } from './context.ts';
import { translated } from './errors.ts';

export async function renameContainer(ctx: EngineContext, ref: string, newName: string): Promise<void> {
  if (newName === '') throw new InvalidParameter('Neither old nor new names may be empty');
  const name = translated(() => normaliseContainerName(newName));
  const c = ctx.lookup.findContainer(ref);
  if (c.name === name) {
    throw new InvalidParameter('Renaming a container with the same name as its current name');
  }
  const holder = ctx.lookup.list().find((x) => x.name === name);
  if (holder) throw new Conflict(`Error when allocating new name: ${nameConflictMessage(name, holder.id)}`);
  const pods = ctx.lookup.containerPods(c.id);
  await Promise.all(
    pods.map((p) =>
      ctx.client
        .patch<KubeObject>(ctx.client.corePath('pods', p.metadata.name ?? ''), renamePatch(name))
        .catch((err) => {
          if ((err as { kind?: string }).kind !== 'NotFound') throw err;
        }),
    ),
  );
  await ctx.lookup.waitFor(c.id, (x) => (!x || x.name === name ? true : undefined), {
    timeoutMs: ctx.cacheTimeoutMs,
    what: `container ${c.name} to be renamed`,
  });
}

function isZero(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('Name' in o && Object.keys(o).every((k) => k === 'Name' || k === 'MaximumRetryCount')) {
      return (o.Name === '' || o.Name === undefined) && !o.MaximumRetryCount;
    }
    return Object.values(o).every(isZero);
  }
  return false;
}

export function updateContainer(
  ctx: EngineContext,
  ref: string,
  body: Record<string, unknown>,
): { Warnings: string[] } {
  const c = ctx.lookup.findContainer(ref);
  const fields = Object.entries(body)
    .filter(([, v]) => !isZero(v))
    .map(([k]) => k);
  if (fields.length === 0) return { Warnings: [] };
  throw new InvalidParameter(
    `docker update cannot change ${fields.join(', ')} of container ${c.name} on badidea: a pod's resources and restart policy are fixed when it is created; recreate the container with the new settings (docker rm -f ${c.name}, then docker run with the new flags)`,
  );
}
