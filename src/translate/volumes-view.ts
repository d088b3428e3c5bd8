// A volume's claim → Docker's Volume object (ls, inspect, create's answer), and the filters of `docker volume ls` and
// `docker volume prune`. Pure.

import { invalid } from './translation-error.ts';
import {
  ANONYMOUS_LABEL,
  type PersistentVolumeClaim,
  VOLUME_LABELS_ANNOTATION,
  VOLUME_NAME_ANNOTATION,
  VOLUME_OPTIONS_ANNOTATION,
} from './volumes.ts';

export interface DockerVolume {
  CreatedAt: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: 'local';
  Status?: Record<string, unknown>;
  UsageData?: { Size: number; RefCount: number };
}

function jsonMap(text: string | undefined): Record<string, string> | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : null;
  } catch {
    return null;
  }
}

/**
 * Docker's view of a volume. Mountpoint is '' (the data lives on a PersistentVolume in the cluster, not on a host
 * path badidea could name); `detail` adds Status (the claim: name, phase, storage class, access modes, size) and
 * UsageData (RefCount known, Size -1 = not computed), as inspect shows them.
 */
export function volumeView(
  pvc: PersistentVolumeClaim,
  o: { now: number; detail?: boolean; refCount?: number; namespace?: string },
): DockerVolume {
  const a = pvc.metadata.annotations ?? {};
  const created = pvc.metadata.creationTimestamp ?? new Date(o.now).toISOString().replace(/\.\d+Z$/, 'Z');
  const view: DockerVolume = {
    CreatedAt: created,
    Driver: 'local',
    Labels: jsonMap(a[VOLUME_LABELS_ANNOTATION]),
    Mountpoint: '',
    Name: a[VOLUME_NAME_ANNOTATION] ?? pvc.metadata.name,
    Options: jsonMap(a[VOLUME_OPTIONS_ANNOTATION]),
    Scope: 'local',
  };
  if (o.detail) {
    view.Status = {
      PersistentVolumeClaim: pvc.metadata.name,
      ...(o.namespace ? { Namespace: o.namespace } : {}),
      Phase: pvc.status?.phase ?? 'Pending',
      StorageClass: pvc.spec.storageClassName ?? '',
      AccessModes: (pvc.status?.accessModes ?? pvc.spec.accessModes ?? []).join(','),
      Size: pvc.status?.capacity?.storage ?? pvc.spec.resources?.requests?.storage ?? '',
      ...(pvc.spec.volumeName ? { PersistentVolume: pvc.spec.volumeName } : {}),
    };
    if (o.refCount !== undefined) view.UsageData = { Size: -1, RefCount: o.refCount };
  }
  return view;
}

export function isAnonymous(pvc: PersistentVolumeClaim): boolean {
  return Object.hasOwn(jsonMap(pvc.metadata.annotations?.[VOLUME_LABELS_ANNOTATION]) ?? {}, ANONYMOUS_LABEL);
}

function labelMatches(spec: string, labels: Readonly<Record<string, string>>): boolean {
  const i = spec.indexOf('=');
  if (i === -1) return Object.hasOwn(labels, spec);
  return labels[spec.slice(0, i)] === spec.slice(i + 1);
}

function boolFilter(key: string, values: readonly string[]): boolean | undefined {
  if (values.length === 0) return undefined;
  const out = values.map((v) => {
    const l = v.toLowerCase();
    if (l === 'true' || l === '1') return true;
    if (l === 'false' || l === '0') return false;
    throw invalid(`Invalid filter '${key}=[${values.join(' ')}]'`);
  });
  // Docker: the filter holds when any value says so.
  return out.includes(true) ? true : out[0];
}

function nameMatches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return name.includes(pattern);
  }
}

export type VolumeFilters = ReadonlyMap<string, readonly string[]>;

export interface FilterSubject {
  pvc: PersistentVolumeClaim;
  /** Containers (any state) that mount the volume. */
  refCount: number;
}

/** `docker volume ls --filter`: dangling, name (a regular expression, as Docker), label, label!, driver. */
export function volumeListFilter(filters: VolumeFilters): (s: FilterSubject) => boolean {
  for (const key of filters.keys()) {
    if (!['dangling', 'name', 'label', 'label!', 'driver'].includes(key)) throw invalid(`Invalid filter '${key}'`);
  }
  const dangling = boolFilter('dangling', filters.get('dangling') ?? []);
  const names = filters.get('name') ?? [];
  const drivers = filters.get('driver') ?? [];
  return (s) => {
    const v = volumeView(s.pvc, { now: 0 });
    const labels = v.Labels ?? {};
    if (dangling !== undefined && (s.refCount === 0) !== dangling) return false;
    if (names.length > 0 && !names.some((n) => nameMatches(n, v.Name))) return false;
    if (drivers.length > 0 && !drivers.includes(v.Driver)) return false;
    if (!(filters.get('label') ?? []).every((l) => labelMatches(l, labels))) return false;
    if ((filters.get('label!') ?? []).some((l) => labelMatches(l, labels))) return false;
    return true;
  };
}

/**
 * `docker volume prune`: unused volumes; from API 1.42 only anonymous ones unless `all=true` (Docker's rule).
 * Filters: label, label!, all.
 */
export function volumePruneFilter(filters: VolumeFilters, anonymousOnly: boolean): (s: FilterSubject) => boolean {
  for (const key of filters.keys()) {
    if (!['label', 'label!', 'all'].includes(key)) throw invalid(`Invalid filter '${key}'`);
  }
  const all = boolFilter('all', filters.get('all') ?? []) ?? false;
  return (s) => {
    if (s.refCount > 0) return false;
    if (anonymousOnly && !all && !isAnonymous(s.pvc)) return false;
    const labels = volumeView(s.pvc, { now: 0 }).Labels ?? {};
    if (!(filters.get('label') ?? []).every((l) => labelMatches(l, labels))) return false;
    if ((filters.get('label!') ?? []).some((l) => labelMatches(l, labels))) return false;
    return true;
  };
}
