// docker rm (every generation's pod, without grace: a stopped pod has nothing left to stop, and `rm -f` is
// Docker's SIGKILL) and docker container prune. Both answer once the cache no longer shows the container.

import type { PruneReport } from '../../api/containers/backend.ts';
import { Conflict, InvalidParameter } from '../../errors.ts';
import { parseFilters } from '../../translate/ps-filters.ts';
import { type EngineContext, isActive } from './context.ts';
import { translated } from './errors.ts';
import type { FoundContainer } from './lookup.ts';

export async function removeContainer(
  ctx: EngineContext,
  ref: string,
  o: { force: boolean; volumes: boolean; link: boolean },
): Promise<void> {
  if (o.link) {
    throw new InvalidParameter(
      'docker rm --link is not supported: badidea has no legacy container links; use a user-defined network instead',
    );
  }
  const c = ctx.lookup.findContainer(ref);
  if (isActive(c) && !o.force) {
    throw new Conflict(
      `You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`,
    );
  }
  await deleteContainer(ctx, c, o.volumes);
}

/** Deletes every pod of the container and waits until the cache shows none; `volumes`: its anonymous volumes too. */
export async function deleteContainer(ctx: EngineContext, c: FoundContainer, volumes = false): Promise<void> {
  await Promise.all(ctx.lookup.containerPods(c.id).map((p) => ctx.deletePod(p.metadata.name ?? '', 0)));
  await ctx.lookup.waitFor(c.id, (x) => (x ? undefined : true), {
    timeoutMs: ctx.cacheTimeoutMs,
    what: `container ${c.name} to be removed`,
  });
  if (volumes) await ctx.volumes.removeAnonymous(c.id);
  if (ctx.images.gcPullSecrets) {
    void ctx.images
      .gcPullSecrets()
      .catch((err) => ctx.log.debug('pull secret collection failed', { error: String(err) }));
  }
}

const PRUNE_FILTERS = new Set(['until', 'label', 'label!']);

/** `until`: a Unix timestamp (seconds, fractions allowed), an RFC 3339 date, or a Go duration before now. */
export function parseUntil(value: string, now: number): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const d = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/.exec(value);
  if (d) {
    const unit = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[d[2]] ?? 1;
    return now - Number(d[1]) * unit;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidParameter(`failed to parse value as time or duration: "${value}"`);
  return t;
}

function labelMatches(spec: string, labels: Readonly<Record<string, string>>): boolean {
  const i = spec.indexOf('=');
  if (i === -1) return Object.hasOwn(labels, spec);
  return labels[spec.slice(0, i)] === spec.slice(i + 1);
}

export async function pruneContainers(ctx: EngineContext, raw: string | null): Promise<PruneReport> {
  const filters = translated(() => parseFilters(raw));
  for (const key of filters.keys()) {
    if (!PRUNE_FILTERS.has(key)) throw new InvalidParameter(`invalid filter '${key}'`);
  }
  const now = ctx.now();
  const until = (filters.get('until') ?? []).map((v) => parseUntil(v, now));
  const victims = ctx.lookup.list().filter((c) => {
    if (isActive(c) || c.state.status === 'removing') return false;
    const created = Date.parse(c.record.created);
    if (until.some((u) => created >= u)) return false;
    const labels = c.record.config.Labels ?? {};
    if (!(filters.get('label') ?? []).every((l) => labelMatches(l, labels))) return false;
    if ((filters.get('label!') ?? []).some((l) => labelMatches(l, labels))) return false;
    return true;
  });
  const deleted: string[] = [];
  await Promise.all(
    victims.map(async (c) => {
      try {
        await deleteContainer(ctx, c);
        deleted.push(c.id);
      } catch (err) {
        ctx.log.warn('prune could not remove a container', { container: c.id, error: String(err) });
      }
    }),
  );
  return { ContainersDeleted: deleted, SpaceReclaimed: 0 };
}
