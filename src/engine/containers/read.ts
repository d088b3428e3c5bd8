// docker ps and docker inspect, from the watch-fed cache only.

import type { ListInput } from '../../api/containers/backend.ts';
import { inspectContainer } from '../../translate/container-inspect.ts';
import { listEntryFor, summarizeContainer } from '../../translate/container-summary.ts';
import type { ViewContext } from '../../translate/container-view.ts';
import { publishedPortsOf } from '../../translate/ports.ts';
import { listContainers, parseFilters } from '../../translate/ps-filters.ts';
import type { EngineContext } from './context.ts';
import { translated } from './errors.ts';
import type { FoundContainer } from './lookup.ts';

function viewContext(c: FoundContainer, now: number, networkIds?: Record<string, string>): ViewContext {
  const publishedPorts = publishedPortsOf(c.current);
  return {
    now,
    podIp: c.current.status?.podIP ?? '',
    ...(publishedPorts ? { publishedPorts } : {}),
    ...(networkIds ? { networkIds } : {}),
  };
}

export function listContainersView(ctx: EngineContext, input: ListInput): Record<string, unknown>[] {
  const filters = translated(() => parseFilters(input.filters));
  const now = ctx.now();
  const entries = ctx.lookup.list().map((c) => {
    const view = viewContext(c, now);
    return { ...listEntryFor(c.record, c.state, view), found: c, view };
  });
  const chosen = translated(() => listContainers(entries, { all: input.all, limit: input.limit, filters }));
  return chosen.map((e) => ({
    ...summarizeContainer(e.found.record, e.found.state, e.view),
    ...(input.size ? { SizeRw: 0, SizeRootFs: 0 } : {}),
  })) as unknown as Record<string, unknown>[];
}

export function inspectContainerView(
  ctx: EngineContext,
  ref: string,
  size: boolean,
  execIds?: (id: string) => string[] | null,
): Record<string, unknown> {
  const c = ctx.lookup.findContainer(ref);
  const body = inspectContainer({
    record: c.record,
    state: c.state,
    ctx: viewContext(c, ctx.now(), ctx.networks?.ids()),
    execIds: execIds?.(c.id) ?? null,
  });
  return { ...body, ...(size ? { SizeRw: 0, SizeRootFs: 0 } : {}) } as unknown as Record<string, unknown>;
}
