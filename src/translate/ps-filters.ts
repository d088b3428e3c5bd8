// GET /containers/json: the `filters` query in both encodings, validated as moby does, and the list logic of moby's
// daemon/list.go (all, limit, before/since, and every documented filter).

import type { HealthStatus } from './docker-types.ts';
import { resolveContainerRef } from './ids.ts';
import { invalid } from './translation-error.ts';

export type Filters = ReadonlyMap<string, readonly string[]>;

/**
 * `{"status":["running"]}` (docker-py, compose) and `{"status":{"running":true}}` (the CLI); '' or absent → none.
 * Like moby's filters.FromJSON, every key of the map form counts, whatever its boolean.
 */
export function parseFilters(raw: string | null | undefined): Filters {
  const filters = new Map<string, string[]>();
  if (raw === undefined || raw === null || raw === '') return filters;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw invalid(`invalid filters: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalid('invalid filters: expected a JSON object');
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) filters.set(key, value);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) filters.set(key, Object.keys(value));
    else throw invalid(`invalid filters: the value of '${key}' must be a list or a map of strings`);
  }
  return filters;
}

const ACCEPTED = new Set([
  'ancestor',
  'before',
  'expose',
  'exited',
  'health',
  'id',
  'isolation',
  'is-task',
  'label',
  'name',
  'network',
  'publish',
  'since',
  'status',
  'volume',
]);
const STATES = new Set(['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead']);
const HEALTH = new Set(['starting', 'healthy', 'unhealthy', 'none']);

/** What the list logic needs to know about one container. */
export interface ListEntry {
  id: string;
  name: string;
  /** epoch ms */
  created: number;
  /** Config.Image as given at create */
  image: string;
  imageId: string;
  labels: Readonly<Record<string, string>>;
  status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  /** Docker's Running: running, paused or restarting */
  running: boolean;
  /** Has it ever started (Docker's StartedAt is not zero)? */
  started: boolean;
  exitCode: number;
  health: HealthStatus;
  networks: readonly { name: string; id: string }[];
  volumes: readonly { name: string; destination: string }[];
  /** Container ports `80/tcp` of ExposedPorts, and of them those published. */
  exposed: readonly string[];
  published: readonly string[];
}

export interface ListQuery {
  all: boolean;
  /** 0 or negative: no limit */
  limit: number;
  filters: Filters;
}

/** moby filters.Match: equal, or the value as an (unanchored) regular expression matches. */
function matches(value: string, source: string): boolean {
  if (value === source) return true;
  try {
    return new RegExp(value).test(source);
  } catch {
    return false;
  }
}

function matchAny(filters: Filters, key: string, ...sources: string[]): boolean {
  const values = filters.get(key);
  if (!values || values.length === 0) return true;
  return values.some((v) => sources.some((s) => matches(v, s)));
}

function labelsMatch(values: readonly string[] | undefined, labels: Readonly<Record<string, string>>): boolean {
  return (values ?? []).every((v) => {
    const i = v.indexOf('=');
    if (i === -1) return Object.hasOwn(labels, v);
    return labels[v.slice(0, i)] === v.slice(i + 1);
  });
}

/** `busybox` → `docker.io/library/busybox:latest`, for comparing references the way a user means them. */
export function normaliseReference(ref: string): string {
  let r = ref;
  const lastSlash = r.lastIndexOf('/');
  if (!r.includes('@') && !r.slice(lastSlash + 1).includes(':')) r = `${r}:latest`;
  const first = r.split('/')[0];
  const hasRegistry = r.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) r = r.includes('/') ? `docker.io/${r}` : `docker.io/library/${r}`;
  return r;
}

function ancestorMatches(value: string, entry: ListEntry): boolean {
  if (value === entry.image || normaliseReference(value) === normaliseReference(entry.image)) return true;
  const hex = entry.imageId.replace(/^sha256:/, '');
  const v = value.replace(/^sha256:/, '');
  return /^[0-9a-f]{12,64}$/.test(v) && hex.startsWith(v);
}

function portMatches(values: readonly string[] | undefined, ports: readonly string[]): boolean {
  if (!values || values.length === 0) return true;
  return values.some((v) => {
    const [range, proto = 'tcp'] = v.split('/');
    const [lo, hi = lo] = range.split('-').map(Number);
    return ports.some((p) => {
      const [port, pproto] = p.split('/');
      return pproto === proto && Number(port) >= lo && Number(port) <= hi;
    });
  });
}

/** Validates the filters as moby does (400s), before any listing. */
export function validateFilters(filters: Filters): void {
  for (const [key, values] of filters) {
    if (!ACCEPTED.has(key)) throw invalid(`invalid filter '${key}'`);
    for (const v of values) {
      if (key === 'status' && !STATES.has(v)) throw invalid(`invalid filter 'status=${v}'`);
      if (key === 'health' && !HEALTH.has(v)) throw invalid(`Unrecognised filter value for health: ${v}`);
      if (key === 'exited' && !/^-?[0-9]+$/.test(v)) {
        throw invalid(`invalid filter 'exited=${v}': strconv.Atoi: parsing "${v}": invalid syntax`);
      }
      if (key === 'is-task' && v !== 'true' && v !== 'false') throw invalid(`Invalid filter 'is-task=${v}'`);
    }
  }
}

/**
 * The containers `docker ps` shows, in its order (newest first). `entries` is every container; before/since name a
 * container by ID, name or prefix (404 if none).
 */
export function listContainers<T extends ListEntry>(entries: readonly T[], query: ListQuery): T[] {
  const { filters } = query;
  validateFilters(filters);
  const all = query.all || filters.has('status');
  const sorted = [...entries].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
  const before = filters.get('before')?.map((ref) => resolveContainerRef(ref, sorted));
  const since = filters.get('since')?.map((ref) => resolveContainerRef(ref, sorted));
  const exited = (filters.get('exited') ?? []).map(Number);
  const isTask = filters.get('is-task');
  const result: T[] = [];
  for (const c of sorted) {
    if (query.limit > 0 && result.length >= query.limit) break;
    if (before?.some((b) => c.created >= b.created)) continue;
    if (since?.some((s) => c.created <= s.created)) continue;
    if (!c.running && !all && query.limit <= 0) continue;
    if (!labelsMatch(filters.get('label'), c.labels)) continue;
    if (!matchAny(filters, 'name', `/${c.name}`, c.name)) continue;
    if (!matchAny(filters, 'id', c.id)) continue;
    if (isTask?.includes('true')) continue;
    if (!matchAny(filters, 'isolation', '')) continue;
    if (exited.length > 0 && !(exited.includes(c.exitCode) && !c.running && c.started)) continue;
    if (!matchAny(filters, 'status', c.status)) continue;
    const health = filters.get('health');
    if (health && health.length > 0 && !health.includes(c.health)) continue;
    const volume = filters.get('volume');
    if (
      volume &&
      volume.length > 0 &&
      !c.volumes.some((m) => volume.some((v) => matches(v, m.name) || matches(v, m.destination)))
    ) {
      continue;
    }
    const ancestor = filters.get('ancestor');
    if (ancestor && ancestor.length > 0 && !ancestor.some((a) => ancestorMatches(a, c))) continue;
    const network = filters.get('network');
    if (
      network &&
      network.length > 0 &&
      !network.some((n) => c.networks.some((x) => x.name === n || (x.id !== '' && x.id.startsWith(n))))
    ) {
      continue;
    }
    if (!portMatches(filters.get('expose'), c.exposed)) continue;
    if (!portMatches(filters.get('publish'), c.published)) continue;
    result.push(c);
  }
  return result;
}
