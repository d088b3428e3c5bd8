// Volume setup for a pod, as the kubelet's volume manager does it before containers start:
// host directories under the node's state dir, Docker tmpfs volumes for emptyDir medium Memory,
// PV host directories for claims, and AtomicWriter payloads for configMap/secret/downwardAPI/projected.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DockerRuntime } from '../runtime/docker-runtime.ts';
import { LABEL_CLUSTER, LABEL_POD_UID } from '../runtime/labels.ts';
import type { KubeObject, ObjectStore } from '../store/types.ts';
import { type PayloadFile, writeAtomic } from './atomic-writer.ts';
import { fieldRefValue, type RuntimeFacts, resourceFieldValue } from './downward.ts';
import type { DownwardAPIVolumeFile, KeyToPath, Pod, Volume } from './types.ts';

/** MountVolume.SetUp failed: the pod stays ContainerCreating with a FailedMount event. */
export class VolumeError extends Error {}

export interface PreparedVolume {
  /** 'bind': host path; 'volume': a Docker named volume (tmpfs). */
  kind: 'bind' | 'volume';
  source: string;
  readOnly: boolean;
}

export interface VolumeContext {
  store: ObjectStore;
  runtime: DockerRuntime;
  pod: Pod;
  podDir: string;
  facts: RuntimeFacts;
  serviceAccountToken: (pod: Pod, audience: string | undefined, expirationSeconds: number) => string;
}

interface DataObject extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

function keyData(obj: DataObject, isSecret: boolean): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(obj.data ?? {})) m.set(k, isSecret ? Buffer.from(v, 'base64') : Buffer.from(v));
  for (const [k, v] of Object.entries(obj.binaryData ?? {})) m.set(k, Buffer.from(v, 'base64'));
  return m;
}

function keyFiles(
  kind: 'configmap' | 'secret',
  volName: string,
  data: Map<string, Buffer>,
  items: KeyToPath[] | undefined,
  mode: number,
  optional: boolean,
): PayloadFile[] {
  if (!items || items.length === 0) return [...data].map(([k, v]) => ({ path: k, content: v, mode }));
  const out: PayloadFile[] = [];
  for (const it of items) {
    const v = data.get(it.key);
    if (v === undefined) {
      if (optional) continue;
      const what = kind === 'configmap' ? 'configmap' : 'secret';
      throw new VolumeError(
        `MountVolume.SetUp failed for volume "${volName}" : ${what} references non-existent ${kind === 'configmap' ? 'config' : 'secret'} key: ${it.key}`,
      );
    }
    out.push({ path: it.path, content: v, mode: it.mode ?? mode });
  }
  return out;
}

function lookup(ctx: VolumeContext, kind: 'configmap' | 'secret', name: string, volName: string, optional: boolean) {
  const resource = kind === 'configmap' ? 'configmaps' : 'secrets';
  const obj = ctx.store.get<DataObject>(resource, ctx.pod.metadata.namespace, name);
  if (!obj && !optional)
    throw new VolumeError(`MountVolume.SetUp failed for volume "${volName}" : ${kind} "${name}" not found`);
  return obj;
}

function downwardFiles(ctx: VolumeContext, items: DownwardAPIVolumeFile[] | undefined, mode: number): PayloadFile[] {
  return (items ?? []).map((it) => {
    let value = '';
    if (it.fieldRef) value = fieldRefValue(ctx.pod, it.fieldRef, ctx.facts);
    else if (it.resourceFieldRef) value = resourceFieldValue(ctx.pod, it.resourceFieldRef, undefined);
    return { path: it.path, content: Buffer.from(value), mode: it.mode ?? mode };
  });
}

function payloadFor(ctx: VolumeContext, v: Volume): PayloadFile[] | undefined {
  if (v.configMap) {
    const mode = v.configMap.defaultMode ?? 0o644;
    const obj = lookup(ctx, 'configmap', v.configMap.name, v.name, !!v.configMap.optional);
    if (!obj) return [];
    return keyFiles('configmap', v.name, keyData(obj, false), v.configMap.items, mode, !!v.configMap.optional);
  }
  if (v.secret) {
    const mode = v.secret.defaultMode ?? 0o644;
    const obj = lookup(ctx, 'secret', v.secret.secretName, v.name, !!v.secret.optional);
    if (!obj) return [];
    return keyFiles('secret', v.name, keyData(obj, true), v.secret.items, mode, !!v.secret.optional);
  }
  if (v.downwardAPI) return downwardFiles(ctx, v.downwardAPI.items, v.downwardAPI.defaultMode ?? 0o644);
  if (v.projected) {
    const mode = v.projected.defaultMode ?? 0o644;
    const files: PayloadFile[] = [];
    for (const src of v.projected.sources ?? []) {
      if (src.configMap) {
        const obj = lookup(ctx, 'configmap', src.configMap.name, v.name, !!src.configMap.optional);
        if (obj)
          files.push(
            ...keyFiles('configmap', v.name, keyData(obj, false), src.configMap.items, mode, !!src.configMap.optional),
          );
      } else if (src.secret) {
        const obj = lookup(ctx, 'secret', src.secret.name, v.name, !!src.secret.optional);
        if (obj)
          files.push(...keyFiles('secret', v.name, keyData(obj, true), src.secret.items, mode, !!src.secret.optional));
      } else if (src.downwardAPI) files.push(...downwardFiles(ctx, src.downwardAPI.items, mode));
      else if (src.serviceAccountToken) {
        const token = ctx.serviceAccountToken(
          ctx.pod,
          src.serviceAccountToken.audience,
          src.serviceAccountToken.expirationSeconds ?? 3600,
        );
        files.push({ path: src.serviceAccountToken.path, content: Buffer.from(token), mode });
      }
    }
    return files;
  }
  return undefined;
}

export function tmpfsVolumeName(uid: string, volume: string): string {
  return `k8s_${uid}_${volume}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

/**
 * emptyDir medium Memory: a Docker tmpfs volume per pod volume. Created before the sandbox, which
 * keeps them mounted (Docker unmounts a tmpfs volume, losing its content, when no container uses it).
 */
export async function createTmpfsVolumes(runtime: DockerRuntime, pod: Pod): Promise<string[]> {
  const names: string[] = [];
  for (const v of pod.spec.volumes ?? []) {
    if (v.emptyDir?.medium !== 'Memory') continue;
    const name = tmpfsVolumeName(pod.metadata.uid ?? '', v.name);
    await runtime.docker
      .createVolume({
        Name: name,
        Driver: 'local',
        DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'mode=1777' },
        Labels: { [LABEL_CLUSTER]: runtime.clusterId, [LABEL_POD_UID]: pod.metadata.uid ?? '' },
      })
      .catch(() => {});
    names.push(name);
  }
  return names;
}

async function setupOne(ctx: VolumeContext, v: Volume): Promise<PreparedVolume> {
  const dir = path.join(ctx.podDir, 'volumes', v.name);
  const fsGroup = ctx.pod.spec.securityContext?.fsGroup;
  if (v.emptyDir) {
    if (v.emptyDir.medium === 'Memory') {
      return { kind: 'volume', source: tmpfsVolumeName(ctx.pod.metadata.uid ?? '', v.name), readOnly: false };
    }
    await fs.mkdir(dir, { recursive: true });
    await fs.chmod(dir, 0o777);
    if (fsGroup !== undefined) {
      await fs.chown(dir, 0, fsGroup).catch(() => {});
      await fs.chmod(dir, 0o2777);
    }
    return { kind: 'bind', source: dir, readOnly: false };
  }
  if (v.hostPath) {
    const p = v.hostPath.path;
    if (v.hostPath.type === 'DirectoryOrCreate') await fs.mkdir(p, { recursive: true, mode: 0o755 });
    else if (v.hostPath.type === 'FileOrCreate') {
      await fs.mkdir(path.dirname(p), { recursive: true });
      await fs.appendFile(p, '');
    } else if (v.hostPath.type && v.hostPath.type !== '') {
      const st = await fs.stat(p).catch(() => undefined);
      if (!st)
        throw new VolumeError(
          `MountVolume.SetUp failed for volume "${v.name}" : hostPath type check failed: ${p} does not exist`,
        );
    }
    return { kind: 'bind', source: p, readOnly: false };
  }
  if (v.persistentVolumeClaim) {
    const ns = ctx.pod.metadata.namespace;
    const claim = ctx.store.get<KubeObject & { spec?: { volumeName?: string } }>(
      'persistentvolumeclaims',
      ns,
      v.persistentVolumeClaim.claimName,
    );
    if (!claim) throw new VolumeError(`persistentvolumeclaim "${v.persistentVolumeClaim.claimName}" not found`);
    const pvName = claim.spec?.volumeName;
    if (!pvName) throw new VolumeError(`persistentvolumeclaim "${v.persistentVolumeClaim.claimName}" is not bound`);
    const pv = ctx.store.get<KubeObject & { spec?: { hostPath?: { path: string }; local?: { path: string } } }>(
      'persistentvolumes',
      undefined,
      pvName,
    );
    const hostDir = pv?.spec?.hostPath?.path ?? pv?.spec?.local?.path;
    if (!hostDir)
      throw new VolumeError(`MountVolume.SetUp failed for volume "${pvName}" : no host directory for the volume`);
    await fs.mkdir(hostDir, { recursive: true });
    return { kind: 'bind', source: hostDir, readOnly: !!v.persistentVolumeClaim.readOnly };
  }
  const payload = payloadFor(ctx, v);
  if (payload) {
    await writeAtomic(dir, payload);
    return { kind: 'bind', source: dir, readOnly: true };
  }
  // Unsupported volume types become empty directories, so the pod still runs.
  await fs.mkdir(dir, { recursive: true });
  return { kind: 'bind', source: dir, readOnly: false };
}

/** Sets up every volume; throws VolumeError for the first that cannot be. */
export async function setupVolumes(ctx: VolumeContext): Promise<Map<string, PreparedVolume>> {
  const out = new Map<string, PreparedVolume>();
  for (const v of ctx.pod.spec.volumes ?? []) {
    try {
      out.set(v.name, await setupOne(ctx, v));
    } catch (err) {
      if (err instanceof VolumeError) throw err;
      throw new VolumeError(`MountVolume.SetUp failed for volume "${v.name}" : ${(err as Error).message}`);
    }
  }
  return out;
}

/** Refreshes configMap/secret/downwardAPI/projected payloads (the kubelet does it on its periodic sync). */
export async function refreshPayloads(ctx: VolumeContext): Promise<void> {
  for (const v of ctx.pod.spec.volumes ?? []) {
    if (!(v.configMap || v.secret || v.downwardAPI || v.projected)) continue;
    try {
      const payload = payloadFor(ctx, v);
      if (payload) await writeAtomic(path.join(ctx.podDir, 'volumes', v.name), payload);
    } catch {
      // a source that disappeared keeps the last payload, as the kubelet does
    }
  }
}

export async function teardownVolumes(runtime: DockerRuntime, pod: Pod, podDir: string): Promise<void> {
  for (const v of pod.spec.volumes ?? []) {
    if (v.emptyDir?.medium === 'Memory') {
      await runtime.docker
        .getVolume(tmpfsVolumeName(pod.metadata.uid ?? '', v.name))
        .remove()
        .catch(() => {});
    }
  }
  await fs.rm(podDir, { recursive: true, force: true });
}
