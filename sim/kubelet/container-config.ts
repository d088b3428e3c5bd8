// A pod container → Docker create options, as the kubelet's generateContainerConfig and
// dockershim did it: command replaces ENTRYPOINT, args replaces CMD (both $(VAR)-expanded),
// the sandbox's network/IPC (and optionally PID) namespaces, mounts, limits and security context.
import path from 'node:path';
import type Docker from 'dockerode';
import { dockerImage } from '../runtime/image-ref.ts';
import { type ContainerKind, containerName, podLabels } from '../runtime/labels.ts';
import { expand } from './expansion.ts';
import { parseQuantity } from './quantity.ts';
import type { Container, Pod } from './types.ts';
import type { PreparedVolume } from './volumes.ts';

export interface ContainerFiles {
  hostsPath: string;
  resolvPath?: string;
  terminationLogPath: string;
}

export interface ContainerConfigInput {
  clusterId: string;
  pod: Pod;
  container: Container;
  kind: ContainerKind;
  attempt: number;
  sandboxId: string;
  volumes: Map<string, PreparedVolume>;
  env: [string, string][];
  files: ContainerFiles;
  imageUser?: string;
  /** Share this container's PID namespace (ephemeral containers with targetContainerName). */
  targetContainerId?: string;
}

export function buildContainerConfig(input: ContainerConfigInput): Docker.ContainerCreateOptions {
  const { pod, container: c } = input;
  const lookup = new Map(input.env);
  const exp = (s: string) => expand(s, (n) => lookup.get(n));
  const binds: string[] = [];
  const mounts: Docker.MountConfig = [];
  for (const m of c.volumeMounts ?? []) {
    const v = input.volumes.get(m.name);
    if (!v) continue;
    const subPath = m.subPathExpr ? exp(m.subPathExpr) : m.subPath;
    const ro = m.readOnly || v.readOnly;
    if (v.kind === 'volume') {
      mounts.push({ Type: 'volume', Source: v.source, Target: m.mountPath, ReadOnly: !!ro });
      continue;
    }
    const source = subPath ? path.join(v.source, subPath) : v.source;
    binds.push(`${source}:${m.mountPath}${ro ? ':ro' : ''}`);
  }
  if (!(c.volumeMounts ?? []).some((m) => m.mountPath === '/etc/hosts') && !pod.spec.hostNetwork) {
    binds.push(`${input.files.hostsPath}:/etc/hosts`);
  }
  if (input.files.resolvPath) binds.push(`${input.files.resolvPath}:/etc/resolv.conf`);
  binds.push(`${input.files.terminationLogPath}:${c.terminationMessagePath ?? '/dev/termination-log'}`);

  const sc = { ...(pod.spec.securityContext ?? {}), ...(c.securityContext ?? {}) };
  let user: string | undefined;
  if (sc.runAsUser !== undefined || sc.runAsGroup !== undefined) {
    const uid = sc.runAsUser !== undefined ? String(sc.runAsUser) : input.imageUser?.split(':')[0] || '0';
    user = sc.runAsGroup !== undefined ? `${uid}:${sc.runAsGroup}` : uid;
  }
  const groups = [...(pod.spec.securityContext?.supplementalGroups ?? [])];
  if (pod.spec.securityContext?.fsGroup !== undefined) groups.push(pod.spec.securityContext.fsGroup);

  const limits = c.resources?.limits ?? {};
  const memory = parseQuantity(limits.memory);
  const cpu = parseQuantity(limits.cpu);
  const sandbox = `container:${input.sandboxId}`;
  const hostConfig: Docker.HostConfig = {
    NetworkMode: pod.spec.hostNetwork ? 'host' : sandbox,
    IpcMode: sandbox,
    PidMode: input.targetContainerId
      ? `container:${input.targetContainerId}`
      : pod.spec.shareProcessNamespace
        ? sandbox
        : undefined,
    Binds: binds,
    Mounts: mounts.length ? mounts : undefined,
    ReadonlyRootfs: !!sc.readOnlyRootFilesystem,
    Privileged: !!sc.privileged,
    CapAdd: sc.capabilities?.add,
    CapDrop: sc.capabilities?.drop,
    SecurityOpt: sc.allowPrivilegeEscalation === false ? ['no-new-privileges'] : undefined,
    GroupAdd: groups.length ? groups.map(String) : undefined,
    Memory: memory ? Math.round(memory) : undefined,
    MemorySwap: memory ? Math.round(memory) : undefined,
    NanoCpus: cpu ? Math.round(cpu * 1e9) : undefined,
    RestartPolicy: { Name: 'no' },
    LogConfig: { Type: 'json-file', Config: {} },
  };
  const options: Docker.ContainerCreateOptions = {
    name: containerName(
      { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? 'default', uid: pod.metadata.uid ?? '' },
      c.name,
      input.attempt,
    ),
    Image: dockerImage(c.image ?? ''),
    Env: input.env.map(([k, v]) => `${k}=${v}`),
    Labels: podLabels(
      input.clusterId,
      { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? 'default', uid: pod.metadata.uid ?? '' },
      input.kind,
      c.name,
      input.attempt,
    ),
    WorkingDir: c.workingDir,
    User: user,
    Tty: !!c.tty,
    OpenStdin: !!c.stdin,
    StdinOnce: !!c.stdinOnce,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: hostConfig,
  };
  if (c.command && c.command.length > 0) {
    options.Entrypoint = c.command.map(exp);
    options.Cmd = (c.args ?? []).map(exp);
  } else if (c.args && c.args.length > 0) {
    options.Cmd = c.args.map(exp);
  }
  return options;
}
