// Binds, Mounts, Tmpfs and anonymous volumes → one list of mounts a pod can have: named volumes (PVCs, owned by the
// volumes part of badidea), memory tmpfs and anonymous volumes (emptyDir). Host paths are refused.

import type { ContainerConfig, HostConfig, Mount } from './docker-types.ts';
import { asArray, asObject, asString, asStringArray, asStringMap, isAbsolutePath, refuse } from './field-rules.ts';
import { parseDockerSize } from './units.ts';

export type MountSpec =
  | { kind: 'volume'; name: string; target: string; readOnly: boolean; subPath?: string }
  | { kind: 'tmpfs'; target: string; readOnly: boolean; sizeBytes?: number; fromTmpfsFlag?: boolean }
  | { kind: 'anonymous'; target: string };

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

function hostPathRefusal(source: string, target: string): never {
  if (source === '/var/run/docker.sock' || source === '/run/docker.sock') {
    return refuse(
      `binding the Docker socket (${source}) is not possible: badidea is not a Docker daemon on the node (Testcontainers’ Ryuk needs no socket: badidea serves it)`,
    );
  }
  return refuse(
    `bind mount of host path "${source}" is not possible: containers run as pods on cluster nodes and cannot see this machine's files; use a named volume (-v NAME:${target}) and docker cp to copy files in`,
  );
}

function checkTarget(type: string, target: string): void {
  if (!isAbsolutePath(target)) {
    refuse(`invalid mount config for type "${type}": invalid mount path: '${target}' mount path must be absolute`);
  }
}

function checkVolumeName(name: string): void {
  if (!VOLUME_NAME.test(name)) {
    refuse(
      `"${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

/** `name:/path[:opts]` (a named volume) or `/host:/path[:opts]` (refused). */
export function parseBind(bind: string, warn: (message: string) => void): MountSpec {
  const parts = bind.split(':');
  if (parts.length < 2 || parts.length > 3 || parts[0] === '' || parts[1] === '') {
    refuse(`invalid volume specification: '${bind}'`);
  }
  const [source, target, mode = ''] = parts;
  if (!isAbsolutePath(target)) refuse(`invalid volume specification: '${bind}': mount path must be absolute`);
  let readOnly = false;
  for (const opt of mode === '' ? [] : mode.split(',')) {
    if (opt === 'ro') readOnly = true;
    else if (opt === 'rw' || opt === 'nocopy') continue;
    else if (opt === 'z' || opt === 'Z')
      warn(`volume option "${opt}" for ${target} has no effect: pods get no SELinux relabelling`);
    else if (/^r?(shared|slave|private)$/.test(opt))
      warn(`mount propagation "${opt}" for ${target} has no effect on a volume`);
    else if (opt === 'consistent' || opt === 'cached' || opt === 'delegated') continue;
    else refuse(`invalid mode: ${opt}`);
  }
  if (isAbsolutePath(source)) hostPathRefusal(source, target);
  checkVolumeName(source);
  return { kind: 'volume', name: source, target, readOnly };
}

/** One entry of HostConfig.Mounts. */
export function parseMount(value: unknown, index: number, warn: (message: string) => void): MountSpec {
  const path = `HostConfig.Mounts[${index}]`;
  const m = asObject(value, path) as Mount;
  const type = asString(m.Type, `${path}.Type`);
  const target = asString(m.Target, `${path}.Target`);
  const source = asString(m.Source, `${path}.Source`);
  const readOnly = m.ReadOnly === true;
  const consistency = asString(m.Consistency, `${path}.Consistency`);
  if (!['', 'default', 'consistent', 'cached', 'delegated'].includes(consistency)) {
    refuse(`invalid mount config: unknown consistency "${consistency}"`);
  }
  switch (type) {
    case 'bind':
      checkTarget(type, target);
      return hostPathRefusal(source, target);
    case 'volume': {
      checkTarget(type, target);
      const options = asObject(m.VolumeOptions, `${path}.VolumeOptions`);
      const driver = asObject(options.DriverConfig, `${path}.VolumeOptions.DriverConfig`);
      const driverName = asString(driver.Name, `${path}.VolumeOptions.DriverConfig.Name`);
      if (driverName !== '' && driverName !== 'local') volumeDriverRefusal(driverName);
      if (Object.keys(asStringMap(driver.Options, `${path}.VolumeOptions.DriverConfig.Options`)).length > 0) {
        warn(`volume driver options for ${target} have no effect: volumes use the cluster's default StorageClass`);
      }
      const subPath = asString(options.Subpath, `${path}.VolumeOptions.Subpath`);
      if (subPath !== '' && (subPath.startsWith('/') || subPath.split('/').includes('..'))) {
        refuse(`invalid mount config: volume subpath "${subPath}" must be relative without any back traversals`);
      }
      if (source === '') return { kind: 'anonymous', target };
      checkVolumeName(source);
      return { kind: 'volume', name: source, target, readOnly, ...(subPath !== '' ? { subPath } : {}) };
    }
    case 'tmpfs': {
      checkTarget(type, target);
      if (source !== '') refuse('invalid mount config for type "tmpfs": Source must not be specified');
      const options = asObject(m.TmpfsOptions, `${path}.TmpfsOptions`);
      const size = typeof options.SizeBytes === 'number' && options.SizeBytes > 0 ? options.SizeBytes : undefined;
      if (options.Mode !== undefined && options.Mode !== 0)
        warn(`tmpfs mode for ${target} has no effect: memory volumes are world-writable`);
      if (asArray(options.Options, `${path}.TmpfsOptions.Options`).length > 0) {
        warn(`tmpfs options for ${target} have no effect: Kubernetes memory volumes only take a size`);
      }
      return { kind: 'tmpfs', target, readOnly, ...(size !== undefined ? { sizeBytes: size } : {}) };
    }
    case 'image':
      return refuse(`mount type "image" (${target}) is not supported: copy the files into your image or into a volume`);
    case 'npipe':
      return refuse('mount type "npipe" is Windows only');
    case 'cluster':
      return refuse('mount type "cluster" needs Docker Swarm: use a named volume');
    default:
      return refuse(`invalid mount config: mount type unknown: "${type}"`);
  }
}

/** One entry of HostConfig.Tmpfs: target → `rw,noexec,size=64m`. */
export function parseTmpfs(target: string, options: string, warn: (message: string) => void): MountSpec {
  checkTarget('tmpfs', target);
  let readOnly = false;
  let sizeBytes: number | undefined;
  const ignored: string[] = [];
  for (const opt of options === '' ? [] : options.split(',')) {
    if (opt === 'ro') readOnly = true;
    else if (opt === 'rw') continue;
    else if (opt.startsWith('size=')) {
      sizeBytes = parseDockerSize(opt.slice(5));
      if (Number.isNaN(sizeBytes)) refuse(`invalid tmpfs option "${opt}" for ${target}`);
    } else ignored.push(opt);
  }
  if (ignored.length > 0) {
    warn(`tmpfs options ${ignored.join(',')} for ${target} have no effect: Kubernetes memory volumes only take a size`);
  }
  return { kind: 'tmpfs', target, readOnly, ...(sizeBytes !== undefined ? { sizeBytes } : {}), fromTmpfsFlag: true };
}

export function volumeDriverRefusal(driver: string): never {
  return refuse(
    `volume driver "${driver}" is not available: volumes are PersistentVolumeClaims of the cluster's default StorageClass; drop the driver`,
  );
}

/**
 * Every mount of the container, one per target: Binds, Mounts and Tmpfs (a target twice is Docker's
 * `Duplicate mount point`), then anonymous volumes from Config.Volumes and the image's VOLUMEs that nothing else
 * covers. Assumes the fields were validated (create-request.ts), so it only warns through `warn`.
 */
export function collectMounts(
  config: ContainerConfig,
  hostConfig: HostConfig,
  imageVolumes: readonly string[],
  warn: (message: string) => void = () => {},
): MountSpec[] {
  const mounts: MountSpec[] = [];
  const add = (m: MountSpec): void => {
    if (mounts.some((x) => x.target === m.target)) refuse(`Duplicate mount point: ${m.target}`);
    mounts.push(m);
  };
  for (const bind of asStringArray(hostConfig.Binds, 'HostConfig.Binds')) add(parseBind(bind, warn));
  asArray(hostConfig.Mounts, 'HostConfig.Mounts').forEach((m, i) => {
    add(parseMount(m, i, warn));
  });
  for (const [target, options] of Object.entries(asStringMap(hostConfig.Tmpfs, 'HostConfig.Tmpfs'))) {
    add(parseTmpfs(target, options, warn));
  }
  const anonymous = [...Object.keys(asObject(config.Volumes, 'Config.Volumes')), ...imageVolumes];
  for (const target of anonymous) {
    if (!mounts.some((m) => m.target === target)) mounts.push({ kind: 'anonymous', target });
  }
  return mounts;
}
