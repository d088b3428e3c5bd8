// Query parameters as real clients send them: booleans as 1/0, true/false, True/False; filters in both
// JSON encodings ({"name":{"web":true}} from the CLI, {"label":["a=b"]} from docker-py/compose).

import { InvalidParameter } from '../../errors.ts';

/** dockerd's rule: absent → fallback; "", "0", "false", "no", "none" (any case) → false; anything else → true. */
export function queryBool(query: URLSearchParams, name: string, fallback = false): boolean {
  const v = query.get(name);
  if (v === null) return fallback;
  return !['', '0', 'false', 'no', 'none'].includes(v.trim().toLowerCase());
}

/** An integer parameter; absent or empty → fallback; not an integer → 400. */
export function queryInt(query: URLSearchParams, name: string, fallback?: number): number | undefined {
  const v = query.get(name);
  if (v === null || v.trim() === '') return fallback;
  if (!/^[-+]?\d+$/.test(v.trim()))
    throw new InvalidParameter(`invalid value for ${name}: ${JSON.stringify(v)} is not an integer`);
  return Number(v);
}

/** filters: key → accepted values. */
export type Filters = ReadonlyMap<string, readonly string[]>;

export function parseFilters(raw: string | null): Filters {
  const out = new Map<string, string[]>();
  if (raw === null || raw.trim() === '') return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new InvalidParameter(`invalid filters: ${(err as Error).message}`);
  }
  if (parsed === null) return out;
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InvalidParameter('invalid filters: expected a JSON object');
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    let values: string[];
    if (Array.isArray(value)) {
      values = value.map((v) => String(v));
    } else if (value && typeof value === 'object') {
      values = Object.entries(value as Record<string, unknown>)
        .filter(([, on]) => on === true || on === 'true')
        .map(([v]) => v);
    } else if (typeof value === 'string') {
      values = [value];
    } else {
      throw new InvalidParameter(`invalid filters: bad value for ${key}`);
    }
    out.set(key, values);
  }
  return out;
}

/** Rejects filter keys a route does not know, with Docker's message. */
export function checkFilterKeys(filters: Filters, allowed: readonly string[]): void {
  for (const key of filters.keys()) {
    if (!allowed.includes(key)) throw new InvalidParameter(`invalid filter '${key}'`);
  }
}
