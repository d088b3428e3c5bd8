// The shape of a create-request field rule: its fates (for docs/container-fields.md, checked by a test) and the
// check that validates a value, adds warnings, or refuses with a 400 saying why and what to do instead.

import type { ContainerCreateRequest } from './docker-types.ts';
import { invalid } from './translation-error.ts';

/**
 * - mapped: changes the pod (or what the engine does: publish ports, remove on exit, networks);
 * - recorded: kept in the container record and shown back by inspect, with no pod effect needed;
 * - warning: accepted, has no effect, and says so in the create response's Warnings;
 * - refused: a 400 that says why and what to do instead;
 * - client-side: acted on by the Docker client itself (as with dockerd); the server needs to do nothing;
 * - output-only: a field of inspect output that clients echo back; Docker ignores it on create, and so do we.
 */
export type Fate = 'mapped' | 'recorded' | 'warning' | 'refused' | 'client-side' | 'output-only';

export interface CreateOptions {
  /** The cluster honours a container's `lifecycle.stopSignal` (Kubernetes ≥ 1.33, ContainerStopSignals gate). */
  stopSignalSupported?: boolean;
}

export interface RuleContext {
  /** e.g. `HostConfig.Memory` */
  path: string;
  body: ContainerCreateRequest;
  options: CreateOptions;
  warn(message: string): void;
}

export interface FieldRule {
  fates: readonly Fate[];
  /** One line for the field table: what it becomes, the warning, or why it is refused. */
  doc: string;
  check?: (value: unknown, ctx: RuleContext) => void;
}

export type FieldRules = Readonly<Record<string, FieldRule>>;

export function refuse(message: string): never {
  throw invalid(message);
}

/** Zero values the Docker CLI sends for every unset field: null, '', 0, false, [] and {}. */
export function isZero(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function typeError(path: string, expected: string): never {
  return refuse(`invalid value for ${path}: expected ${expected}`);
}

export function asString(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') typeError(path, 'a string');
  return value;
}

export function asNumber(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value)) typeError(path, 'a number');
  return value;
}

export function asBoolean(value: unknown, path: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') typeError(path, 'a boolean');
  return value;
}

export function asStringArray(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) typeError(path, 'an array of strings');
  return value;
}

/** Cmd and Entrypoint may be a string or an array of strings (strslice). */
export function asStrSlice(value: unknown, path: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return [value];
  return asStringArray(value, path);
}

export function asObject(value: unknown, path: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) typeError(path, 'an object');
  return value as Record<string, unknown>;
}

export function asStringMap(value: unknown, path: string): Record<string, string> {
  const obj = asObject(value, path);
  for (const v of Object.values(obj)) if (typeof v !== 'string') typeError(path, 'an object of strings');
  return obj as Record<string, string>;
}

export function asArray(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) typeError(path, 'an array');
  return value;
}

/** A rule for a field that has no effect: warns when set to anything but its zero value. */
export function noEffect(doc: string, warning: (path: string, value: unknown) => string): FieldRule {
  return {
    fates: ['warning'],
    doc,
    check: (value, ctx) => {
      if (!isZero(value)) ctx.warn(warning(ctx.path, value));
    },
  };
}

/** A rule for a field that cannot be honoured at all: refuses when set to anything but its zero value. */
export function refusedUnlessZero(doc: string, message: (value: unknown) => string): FieldRule {
  return {
    fates: ['refused'],
    doc,
    check: (value) => {
      if (!isZero(value)) refuse(message(value));
    },
  };
}

export const RECORDED: FieldRule = { fates: ['recorded'], doc: 'kept in the record and shown by inspect' };

export const OUTPUT_ONLY: FieldRule = {
  fates: ['output-only'],
  doc: 'inspect output echoed back by some clients; ignored on create, as by Docker',
};

/** Port keys `80`, `80/tcp`, `53/udp`, `9/sctp` → [port, protocol]; refuses anything else. */
export function parsePortKey(key: string): [number, 'tcp' | 'udp' | 'sctp'] {
  const m = /^([0-9]{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(key);
  const port = m ? Number(m[1]) : 0;
  if (!m || port < 1 || port > 65535) refuse(`invalid port specification: "${key}"`);
  return [port, (m[2]?.toLowerCase() ?? 'tcp') as 'tcp' | 'udp' | 'sctp'];
}

export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/');
}

export function isIpAddress(value: string): boolean {
  const v4 = /^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$/;
  if (v4.test(value)) return true;
  return value.includes(':') && /^[0-9a-fA-F:.]+$/.test(value) && (value.match(/::/g)?.length ?? 0) <= 1;
}
