// docker images (with filters), docker image inspect and docker history, from the cached records.

import { InvalidParameter } from '../../errors.ts';
import { familiarName, parseReference } from '../../registry/reference.ts';
import type { Catalog } from './catalog.ts';
import { createdSeconds, imageHistory, imageInspect, imageSummary, parseConfig } from './format.ts';
import type { Filters } from './remove.ts';
import type { ImageService } from './service.ts';

export function inspectImage(svc: ImageService, name: string): Record<string, unknown> {
  const catalog = svc.catalog();
  const found = catalog.get(name, (f) => `no such image: ${name}: No such image: ${f}`);
  return imageInspect(found.image, catalog);
}

export function imageHistoryOf(svc: ImageService, name: string): Record<string, unknown>[] {
  const catalog = svc.catalog();
  const found = catalog.get(name);
  return imageHistory(found.image, catalog.repoTags(found.image.record.id));
}

/** Go's path.Match, which Docker's reference filter uses: `*` and `?` stop at '/', `[...]` classes. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new InvalidParameter(`invalid reference filter ${pattern}: syntax error in pattern`);
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = `^${cls.slice(1)}`;
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** reference.FamiliarMatch: the pattern against `name:tag` (or `name@digest`), then against the name alone. */
function familiarMatch(pattern: RegExp, familiarRef: string): boolean {
  if (pattern.test(familiarRef)) return true;
  try {
    return pattern.test(familiarName(parseReference(familiarRef)));
  } catch {
    return false;
  }
}

function labelMatches(labels: Record<string, string>, filter: string): boolean {
  const i = filter.indexOf('=');
  if (i < 0) return filter in labels;
  return labels[filter.slice(0, i)] === filter.slice(i + 1);
}

function createdOf(catalog: Catalog, name: string, key: string): number {
  const f = catalog.find(name);
  if (!f) throw new InvalidParameter(`invalid filter '${key}=${name}': No such image: ${name}`);
  return createdSeconds(parseConfig(f.image));
}

const LIST_FILTERS = ['dangling', 'label', 'before', 'since', 'reference', 'until'];

/** GET /images/json. `legacyNone`: untagged images show `<none>:<none>` (API < 1.43 behaviour). */
export function listImages(svc: ImageService, filters: Filters, legacyNone: boolean): Record<string, unknown>[] {
  for (const k of filters.keys()) {
    if (!LIST_FILTERS.includes(k)) throw new InvalidParameter(`invalid filter '${k}'`);
  }
  const catalog = svc.catalog();
  const dangling = filters.get('dangling');
  let danglingOnly: boolean | undefined;
  if (dangling?.length) {
    const v = dangling[0].toLowerCase();
    if (!['true', 'false', '1', '0'].includes(v))
      throw new InvalidParameter(`invalid filter 'dangling=${dangling[0]}'`);
    danglingOnly = v === 'true' || v === '1';
  }
  const before = filters.get('before')?.map((b) => createdOf(catalog, b, 'before'));
  const since = filters.get('since')?.map((s) => createdOf(catalog, s, 'since'));
  const refPatterns = filters.get('reference')?.map(globToRegExp);
  const out: { created: number; json: Record<string, unknown> }[] = [];
  for (const img of catalog.images.values()) {
    const id = img.record.id;
    const cfg = parseConfig(img);
    const created = createdSeconds(cfg);
    if (before?.some((b) => created >= b)) continue;
    if (since?.some((s) => created <= s)) continue;
    const labels = cfg.config?.Labels ?? {};
    if (!(filters.get('label') ?? []).every((f) => labelMatches(labels, f))) continue;
    let tags = catalog.repoTags(id);
    let digests = catalog.repoDigests(id);
    if (danglingOnly === true && tags.length > 0) continue;
    if (danglingOnly === false && tags.length === 0) continue;
    if (refPatterns) {
      tags = tags.filter((t) => refPatterns.some((p) => familiarMatch(p, t)));
      digests = digests.filter((d) => refPatterns.some((p) => familiarMatch(p, d)));
      if (tags.length === 0 && digests.length === 0) continue;
    }
    out.push({ created, json: imageSummary(img, tags, digests, legacyNone) });
  }
  return out.sort((a, b) => b.created - a.created).map((o) => o.json);
}
