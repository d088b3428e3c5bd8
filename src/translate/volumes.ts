// Docker volumes as PersistentVolumeClaims: names (a Docker volume name → its claim's name), the claim manifest of
// `docker volume create` and of the volumes a container creates implicitly (named `-v vol:/path` and anonymous
// ones), and which volumes a container uses. Pure: the engine does the I/O.

import { createHash } from 'node:crypto';
import type { ContainerConfig, HostConfig } from './docker-types.ts';
import { idLabelValue, sanitiseForDns } from './ids.ts';
import { collectMounts } from './mounts.ts';
import { invalid } from './translation-error.ts';
import { parseDockerSize } from './units.ts';

export const VOLUME_KIND = 'volume';
export const KIND_LABEL = 'badidea.dev/kind';
/** The Docker name of the volume (Docker names allow upper case, `_` and `.`; claim names do not). */
export const VOLUME_NAME_ANNOTATION = 'badidea.dev/volume-name';
/** JSON of the Docker labels (their keys and values need not be valid Kubernetes labels). */
export const VOLUME_LABELS_ANNOTATION = 'badidea.dev/volume-labels';
/** JSON of the driver options as given (`docker volume create -o`). */
export const VOLUME_OPTIONS_ANNOTATION = 'badidea.dev/volume-options';
/** Anonymous volumes: the first 63 hex digits of the container that created them (`docker rm -v` deletes them). */
export const VOLUME_OWNER_LABEL = 'badidea.dev/volume-owner';
/** Docker (≥ 23) marks anonymous volumes with this label; `docker volume prune` (API ≥ 1.42) removes only those. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

export interface PersistentVolumeClaim {
  apiVersion: 'v1';
  kind: 'PersistentVolumeClaim';
  metadata: {
    name: string;
    namespace?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: {
    accessModes?: string[];
    resources?: { requests?: { storage?: string } };
    storageClassName?: string;
    volumeName?: string;
  };
  status?: { phase?: string; capacity?: { storage?: string }; accessModes?: string[] };
}

/** The cluster-side defaults (flags --volume-size, --volume-storage-class, --volume-access-mode). */
export interface VolumeDefaults {
  /** A Kubernetes quantity, e.g. "1Gi". */
  size: string;
  /** '' = the cluster's default StorageClass. */
  storageClass: string;
  accessMode: AccessMode;
}

export const DEFAULT_VOLUME_DEFAULTS: VolumeDefaults = { size: '1Gi', storageClass: '', accessMode: 'ReadWriteOnce' };

/** The claim name of a Docker volume: `vol-<name>` when the name is already a DNS label, else sanitised + hash. */
export function claimNameFor(volume: string): string {
  const plain = sanitiseForDns(volume, 59);
  if (plain === volume) return `vol-${volume}`;
  const hash = createHash('sha256').update(volume).digest('hex').slice(0, 8);
  return `vol-${sanitiseForDns(volume, 50)}-${hash}`;
}

/** The name of the anonymous volume a container has at `target`: stable across its runs (64 hex, like Docker's). */
export function anonymousVolumeName(containerId: string, target: string): string {
  return createHash('sha256').update(`${containerId}\n${target}`).digest('hex');
}

export function checkVolumeName(name: string, verb = 'create'): void {
  if (!VOLUME_NAME.test(name)) {
    throw invalid(
      `${verb} ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

export function parseAccessMode(value: string): AccessMode | undefined {
  return ACCESS_MODES.find((m) => m.toLowerCase() === value.toLowerCase().replace(/[-_]/g, ''));
}

export function isAccessMode(value: string): boolean {
  return parseAccessMode(value) !== undefined;
}

/** A size as a Kubernetes quantity: quantities as given ("10Gi"), Docker sizes ("10g", "512MB") in bytes. */
export function sizeQuantity(value: string): string | undefined {
  if (QUANTITY.test(value)) return value;
  const bytes = parseDockerSize(value);
  return Number.isNaN(bytes) || bytes <= 0 ? undefined : String(bytes);
}

const OPTION_KEYS: Record<string, 'size' | 'storageClass' | 'accessMode'> = {
  size: 'size',
  storageclass: 'storageClass',
  'storage-class': 'storageClass',
  accessmode: 'accessMode',
  'access-mode': 'accessMode',
};
export const SUPPORTED_OPTIONS =
  'size=<quantity>, storageclass=<StorageClass>, accessmode=<ReadWriteOnce|ReadWriteMany|ReadWriteOncePod|ReadOnlyMany>';

/** Driver options → the claim's settings; unknown options are refused (400) as Docker does. */
export function claimSettings(
  name: string,
  options: Readonly<Record<string, string>>,
  defaults: VolumeDefaults,
): VolumeDefaults {
  const out: VolumeDefaults = { ...defaults };
  for (const [key, value] of Object.entries(options)) {
    const setting = OPTION_KEYS[key.toLowerCase()];
    if (setting === 'size') {
      const q = sizeQuantity(value);
      if (!q) throw invalid(`create ${name}: invalid size "${value}": give a size such as 10Gi, 500Mi or 2g`);
      out.size = q;
    } else if (setting === 'storageClass') {
      out.storageClass = value;
    } else if (setting === 'accessMode') {
      const m = parseAccessMode(value);
      if (!m) throw invalid(`create ${name}: invalid access mode "${value}": use one of ${ACCESS_MODES.join(', ')}`);
      out.accessMode = m;
    } else if (key === 'type' || key === 'device' || key === 'o') {
      throw invalid(
        `create ${name}: option "${key}" of the local driver (mounting a device, NFS or tmpfs on the host) is not available: volumes are PersistentVolumeClaims; pick the storage with -o storageclass=NAME (options: ${SUPPORTED_OPTIONS})`,
      );
    } else {
      throw invalid(`create ${name}: invalid option: "${key}" (badidea's volume options: ${SUPPORTED_OPTIONS})`);
    }
  }
  return out;
}

export function checkDriver(name: string, driver: string): void {
  if (driver !== '' && driver !== 'local') {
    throw invalid(
      `create ${name}: volume driver "${driver}" is not available: volumes are PersistentVolumeClaims; use the local driver and pick the storage with -o storageclass=NAME`,
    );
  }
}

/** The claim of a volume. `owner`: the container an anonymous volume belongs to. */
export function volumeClaim(input: {
  name: string;
  namespace?: string;
  labels?: Readonly<Record<string, string>>;
  options?: Readonly<Record<string, string>>;
  defaults: VolumeDefaults;
  owner?: string;
}): PersistentVolumeClaim {
  const options = input.options ?? {};
  const settings = claimSettings(input.name, options, input.defaults);
  const labels = { ...(input.labels ?? {}), ...(input.owner ? { [ANONYMOUS_LABEL]: '' } : {}) };
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimNameFor(input.name),
      ...(input.namespace ? { namespace: input.namespace } : {}),
      labels: {
        'badidea.dev/managed': 'true',
        [KIND_LABEL]: VOLUME_KIND,
        ...(input.owner ? { [VOLUME_OWNER_LABEL]: idLabelValue(input.owner) } : {}),
      },
      annotations: {
        [VOLUME_NAME_ANNOTATION]: input.name,
        ...(Object.keys(labels).length > 0 ? { [VOLUME_LABELS_ANNOTATION]: JSON.stringify(labels) } : {}),
        ...(Object.keys(options).length > 0 ? { [VOLUME_OPTIONS_ANNOTATION]: JSON.stringify(options) } : {}),
      },
    },
    spec: {
      accessModes: [settings.accessMode],
      resources: { requests: { storage: settings.size } },
      ...(settings.storageClass ? { storageClassName: settings.storageClass } : {}),
    },
  };
}

/** The Docker name of a claim badidea made for a volume, undefined for any other object. */
export function volumeNameOf(pvc: PersistentVolumeClaim): string | undefined {
  if (pvc.metadata.labels?.[KIND_LABEL] !== VOLUME_KIND) return undefined;
  return pvc.metadata.annotations?.[VOLUME_NAME_ANNOTATION];
}

export interface VolumeUse {
  /** Docker volume name. */
  name: string;
  target: string;
  readOnly: boolean;
  anonymous: boolean;
}

/** The volumes (named and anonymous) a container mounts, from its record. */
export function volumesOf(id: string, config: ContainerConfig, hostConfig: HostConfig): VolumeUse[] {
  const out: VolumeUse[] = [];
  for (const m of collectMounts(config, hostConfig, [])) {
    if (m.kind === 'volume') out.push({ name: m.name, target: m.target, readOnly: m.readOnly, anonymous: false });
    else if (m.kind === 'anonymous') {
      out.push({ name: anonymousVolumeName(id, m.target), target: m.target, readOnly: false, anonymous: true });
    }
  }
  return out;
}

/** `docker volume create` without a name: 64 random hex digits, as Docker. */
export function generateVolumeName(random: () => Uint8Array): string {
  return Buffer.from(random()).toString('hex');
}

/** Docker names the volume an object is known by (`create <name>: …`); keep the names valid before use. */
export function isVolumeName(name: string): boolean {
  return VOLUME_NAME.test(name);
}
