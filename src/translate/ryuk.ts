// Ryuk, the Testcontainers reaper, served by badidea itself (docs/ryuk.md). Testcontainers starts
// `testcontainers/ryuk` with the Docker socket bound in, connects to its port 8080, sends label filters (one
// URL-query line each, answered `ACK`) and keeps the connection open; when every connection is gone for the
// reconnection timeout, Ryuk removes what the filters match. A pod cannot be given a Docker socket, so badidea
// answers that port itself and runs a placeholder pod for the container. Pure parts: recognising the image, the
// request rewrite, the line protocol, the timeouts, and the state kept on the pod.

import type { ContainerCreateRequest, HostConfig, Mount } from './docker-types.ts';
import { labelsMatch } from './label-filter.ts';

/** Label on the built-in image's config (so on its containers): badidea serves this container's port 8080. */
export const BUILTIN_LABEL = 'badidea.dev/builtin';
export const BUILTIN_RYUK = 'ryuk';
/** Testcontainers looks for running reapers by this label (the real image carries it too). */
export const TESTCONTAINERS_RYUK_LABEL = 'org.testcontainers.ryuk';
export const RYUK_PORT = 8080;
/** The pod annotation with the Ryuk state: filters and when a connection was last known alive. */
export const RYUK_ANNOTATION = 'badidea.dev/ryuk';

const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];

/** `testcontainers/ryuk`, under any registry or mirror prefix and with any tag or digest. */
export function isRyukImageName(image: string): boolean {
  const repo = image.split('@')[0].replace(/:[^/:]+$/, '');
  return repo === 'testcontainers/ryuk' || repo.endsWith('/testcontainers/ryuk');
}

/** What the placeholder pod runs: it says where Ryuk really is, prints Testcontainers' "Started" and waits. */
export const PLACEHOLDER_SCRIPT = [
  'echo "badidea serves Ryuk itself on port 8080 (the Docker socket cannot be mounted into a pod); this container only holds its place"',
  'echo "Started!"',
  'trap "exit 0" TERM INT',
  'while :; do sleep 3600 & wait $!; done',
].join('; ');

/**
 * A Ryuk create request without its Docker socket binds (Binds and Mounts), and the warning that says so. Other
 * host paths stay and are refused as usual.
 */
export function withoutDockerSocket(body: ContainerCreateRequest): { body: ContainerCreateRequest; warning?: string } {
  const host: HostConfig = body.HostConfig ?? {};
  const isSocket = (source: string) => DOCKER_SOCKETS.includes(source);
  const binds = (host.Binds ?? []).filter((b) => !isSocket(b.split(':')[0]));
  const mounts = (host.Mounts ?? []).filter((m: Mount) => !(m.Type === 'bind' && isSocket(m.Source ?? '')));
  const removed = (host.Binds?.length ?? 0) - binds.length + (host.Mounts?.length ?? 0) - mounts.length;
  if (removed === 0) return { body };
  const HostConfig: HostConfig = { ...host };
  if (host.Binds) HostConfig.Binds = binds;
  if (host.Mounts) HostConfig.Mounts = mounts;
  return {
    body: { ...body, HostConfig },
    warning:
      'the Docker socket is not mounted: badidea serves Ryuk (the Testcontainers reaper) itself on this container’s port 8080',
  };
}

/** One accepted line: the label filters that must all match (`key` or `key=value`). */
export type RyukFilter = readonly string[];

/**
 * One protocol line (`label=a%3Db&label=c`, URL-query encoded, `\r\n` stripped) → a filter. Only `label` is
 * supported: it is all Testcontainers sends. An error message for anything else.
 */
export function parseRyukLine(line: string): { filter: RyukFilter } | { error: string } {
  const text = line.trim();
  if (text === '') return { error: 'empty filter' };
  const params = new URLSearchParams(text);
  const labels: string[] = [];
  for (const [key, value] of params) {
    if (key !== 'label') return { error: `unsupported filter "${key}": badidea's Ryuk takes label filters only` };
    if (value === '') return { error: 'empty label filter' };
    labels.push(value);
  }
  return { filter: [...new Set(labels)].sort() };
}

export function filterKey(f: RyukFilter): string {
  return f.join('&');
}

/** True when the labels match any of the filters (all labels of one filter). */
export function matchesAny(labels: Readonly<Record<string, string>>, filters: readonly RyukFilter[]): boolean {
  return filters.some((f) => f.length > 0 && labelsMatch(labels, f));
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`10s`, `1m30s`, `500ms`) in milliseconds; undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < s.length) {
    part.lastIndex = at;
    const m = part.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]];
    at = part.lastIndex;
  }
  return at === 0 ? undefined : total;
}

export interface RyukTimeouts {
  /** No connection at all within this after start: Ryuk gives up (RYUK_CONNECTION_TIMEOUT, default 60 s). */
  connectionMs: number;
  /** Every connection gone for this long: prune (RYUK_RECONNECTION_TIMEOUT, default 10 s). */
  reconnectionMs: number;
}

/** The timeouts from the container's environment (`NAME=value` entries), Ryuk's defaults otherwise. */
export function ryukTimeouts(env: readonly string[] | null | undefined): RyukTimeouts {
  const get = (name: string, fallback: number) => {
    const entry = (env ?? []).find((e) => e.startsWith(`${name}=`));
    const ms = entry === undefined ? undefined : parseGoDuration(entry.slice(name.length + 1));
    return ms ?? fallback;
  };
  return {
    connectionMs: get('RYUK_CONNECTION_TIMEOUT', 60_000),
    reconnectionMs: get('RYUK_RECONNECTION_TIMEOUT', 10_000),
  };
}

/** What the pod annotation keeps, so a restarted server or another replica can finish the job. */
export interface RyukState {
  filters: RyukFilter[];
  /** When a connection was last known open (ms since the epoch). */
  aliveAt: number;
  /** A replica held a connection at aliveAt and renews aliveAt while it does. */
  connected: boolean;
}

export function encodeRyukState(s: RyukState): string {
  return JSON.stringify({ filters: s.filters, aliveAt: new Date(s.aliveAt).toISOString(), connected: s.connected });
}

export function decodeRyukState(text: string | undefined): RyukState | undefined {
  if (!text) return undefined;
  try {
    const raw = JSON.parse(text) as { filters?: unknown; aliveAt?: unknown; connected?: unknown };
    const filters = Array.isArray(raw.filters)
      ? raw.filters.filter((f): f is string[] => Array.isArray(f) && f.every((x) => typeof x === 'string'))
      : [];
    const aliveAt = typeof raw.aliveAt === 'string' ? Date.parse(raw.aliveAt) : Number.NaN;
    if (Number.isNaN(aliveAt)) return undefined;
    return { filters, aliveAt, connected: raw.connected === true };
  } catch {
    return undefined;
  }
}

/** How long a replica's renewal may be late before its connections count as gone. */
export const HEARTBEAT_MS = 5_000;
export const HEARTBEAT_STALE_MS = 3 * HEARTBEAT_MS;

/**
 * When a Ryuk without a connection on this replica prunes: from the recorded state (a connection elsewhere, or the
 * last one closed at aliveAt), else from its start (never connected).
 */
export function ryukDeadline(state: RyukState | undefined, startedAt: number, t: RyukTimeouts): number {
  if (!state) return startedAt + t.connectionMs;
  return state.aliveAt + (state.connected ? HEARTBEAT_STALE_MS : 0) + t.reconnectionMs;
}
