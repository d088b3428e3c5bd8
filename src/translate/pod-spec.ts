// A container record → the Pod manifest of one generation (one run) of the container. Unprivileged by construction:
// no privilege escalation, RuntimeDefault seccomp, capabilities dropped to the baseline set, no service account
// token, no host namespaces.

import { effectiveCapabilities } from './capabilities.ts';
import type { ContainerConfig, DeviceRequest, HealthConfig } from './docker-types.ts';
import { parsePortKey } from './field-rules.ts';
import { podNameFor } from './ids.ts';
import type { Container, ContainerPort, Pod, Probe, ResourceRequirements, Volume, VolumeMount } from './kube-types.ts';
import { collectMounts } from './mounts.ts';
import { dnsSearchDomain, networkLabels } from './networks.ts';
import { withPreStartCopies } from './pre-start-copies.ts';
import {
  type ContainerRecord,
  MAIN_CONTAINER,
  recordMetadata,
  START_GATE,
  STOPPED_BY_USER_ANNOTATION,
} from './record.ts';
import { isGpuRequest } from './resources-fields.ts';
import { parseRestartPolicy, podRestartPolicy } from './restart-policy.ts';
import { parseSignal, SIGTERM, signalName } from './signals.ts';
import { DEFAULT_SYSCTLS, normaliseSysctl } from './sysctls.ts';
import { bytesQuantity, cpuQuantity, nanosToProbeSeconds, parseDockerSize } from './units.ts';
import { anonymousVolumeName } from './volumes.ts';

export const DEFAULT_STOP_TIMEOUT = 10;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface PodBuildOptions {
  namespace?: string;
  /** Generation 0 at `docker create`: held by the start gate until `docker start`. */
  gated: boolean;
  /** The PVC name of a named volume (the volumes part of badidea owns the naming). */
  claimNameFor: (volume: string) => string;
  imagePullSecrets?: readonly string[];
  /** The cluster honours `lifecycle.stopSignal` (Kubernetes ≥ 1.33 with ContainerStopSignals). */
  stopSignalSupported?: boolean;
  /** The image's own STOPSIGNAL, to warn at create when a different StopSignal cannot be honoured. */
  imageStopSignal?: string;
  /** The cluster's DNS domain for the network-names search domain (docs/networks.md); default cluster.local. */
  clusterDomain?: string;
}

export interface BuiltPod {
  pod: Pod;
  /** Warnings for the create response (only the ones that depend on the image or the cluster). */
  warnings: string[];
}

/** Docker's Healthcheck → an exec readiness probe; undefined for none/NONE. */
export function healthcheckProbe(hc: HealthConfig | null | undefined): Probe | undefined {
  const test = hc?.Test ?? [];
  if (test.length === 0 || test[0] === 'NONE') return undefined;
  const command = test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', test[1] ?? ''] : test.slice(1);
  return {
    exec: { command },
    initialDelaySeconds: 0,
    periodSeconds: nanosToProbeSeconds(hc?.Interval || 30e9, 1),
    timeoutSeconds: nanosToProbeSeconds(hc?.Timeout || 30e9, 1),
    failureThreshold: hc?.Retries || 3,
    successThreshold: 1,
  };
}

function containerPorts(config: ContainerConfig, bindings: Record<string, unknown>): ContainerPort[] {
  const seen = new Set<string>();
  const ports: ContainerPort[] = [];
  for (const key of [...Object.keys(config.ExposedPorts ?? {}), ...Object.keys(bindings)]) {
    const [port, proto] = parsePortKey(key);
    if (seen.has(`${port}/${proto}`)) continue;
    seen.add(`${port}/${proto}`);
    ports.push({ containerPort: port, protocol: proto.toUpperCase() as 'TCP' | 'UDP' | 'SCTP' });
  }
  return ports;
}

function resources(record: ContainerRecord): ResourceRequirements | undefined {
  const h = record.hostConfig;
  const limits: Record<string, string> = {};
  const requests: Record<string, string> = {};
  if (h.Memory) limits.memory = bytesQuantity(h.Memory);
  if (h.MemoryReservation) requests.memory = bytesQuantity(h.MemoryReservation);
  let cpuLimit = 0;
  if (h.NanoCpus) cpuLimit = h.NanoCpus / 1e9;
  else if (h.CpuQuota && h.CpuQuota > 0) cpuLimit = h.CpuQuota / (h.CpuPeriod || 100_000);
  if (cpuLimit > 0) limits.cpu = cpuQuantity(cpuLimit);
  if (h.CpuShares) {
    const shares = Math.max(2, h.CpuShares) / 1024;
    requests.cpu = cpuQuantity(cpuLimit > 0 ? Math.min(shares, cpuLimit) : shares);
  }
  const size = h.StorageOpt?.size;
  if (size) limits['ephemeral-storage'] = bytesQuantity(parseDockerSize(size));
  const gpus = (h.DeviceRequests ?? [])
    .filter((r: DeviceRequest) => isGpuRequest(r as Record<string, unknown>))
    .reduce((n, r) => n + (r.Count ?? 0), 0);
  if (gpus > 0) limits['nvidia.com/gpu'] = String(gpus);
  if (Object.keys(limits).length === 0 && Object.keys(requests).length === 0) return undefined;
  return {
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(Object.keys(requests).length > 0 ? { requests } : {}),
  };
}

function volumesAndMounts(record: ContainerRecord, claimNameFor: (v: string) => string) {
  const volumes: Volume[] = [];
  const mounts: VolumeMount[] = [];
  const claimVolume = new Map<string, string>();
  for (const m of collectMounts(record.config, record.hostConfig, [])) {
    if (m.kind === 'volume') {
      let name = claimVolume.get(m.name);
      if (name === undefined) {
        name = `vol-${volumes.length}`;
        claimVolume.set(m.name, name);
        volumes.push({ name, persistentVolumeClaim: { claimName: claimNameFor(m.name) } });
      }
      mounts.push({
        name,
        mountPath: m.target,
        ...(m.readOnly ? { readOnly: true } : {}),
        ...(m.subPath ? { subPath: m.subPath } : {}),
      });
    } else if (m.kind === 'tmpfs') {
      const name = `tmpfs-${volumes.length}`;
      volumes.push({
        name,
        emptyDir: { medium: 'Memory', ...(m.sizeBytes ? { sizeLimit: bytesQuantity(m.sizeBytes) } : {}) },
      });
      mounts.push({ name, mountPath: m.target, ...(m.readOnly ? { readOnly: true } : {}) });
    } else {
      // Anonymous volumes are claims too: they outlive a run (stop/start makes a new pod) until `docker rm -v`.
      const name = `anon-${volumes.length}`;
      volumes.push({
        name,
        persistentVolumeClaim: { claimName: claimNameFor(anonymousVolumeName(record.id, m.target)) },
      });
      mounts.push({ name, mountPath: m.target });
    }
  }
  const shm = record.hostConfig.ShmSize ?? 0;
  if (shm > 0 && !mounts.some((m) => m.mountPath === '/dev/shm')) {
    volumes.push({ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: bytesQuantity(shm) } });
    mounts.push({ name: 'shm', mountPath: '/dev/shm' });
  }
  return { volumes, mounts };
}

function commandAndArgs(config: ContainerConfig): { command: string[]; args?: string[] } {
  const entrypoint = (config.Entrypoint as string[] | null) ?? [];
  const cmd = (config.Cmd as string[] | null) ?? [];
  if (entrypoint.length === 0) return { command: cmd };
  return { command: entrypoint, args: cmd };
}

function user(config: ContainerConfig): { runAsUser?: number; runAsGroup?: number } {
  const m = /^([0-9]+)(?::([0-9]+))?$/.exec(config.User ?? '');
  if (!m) return {};
  return { runAsUser: Number(m[1]), ...(m[2] !== undefined ? { runAsGroup: Number(m[2]) } : {}) };
}

/** The pod of generation `record.generation`. */
export function buildPod(record: ContainerRecord, options: PodBuildOptions): BuiltPod {
  const warnings: string[] = [];
  const { config, hostConfig: h } = record;
  const env = (config.Env ?? []).map((e) => {
    const i = e.indexOf('=');
    return { name: e.slice(0, i), value: e.slice(i + 1) };
  });
  if (!env.some((e) => e.name === 'PATH')) env.unshift({ name: 'PATH', value: DEFAULT_PATH });

  const stopSignal = config.StopSignal ? parseSignal(config.StopSignal) : SIGTERM;
  const imageStopSignal = options.imageStopSignal ? parseSignal(options.imageStopSignal) : SIGTERM;
  const lifecycle =
    options.stopSignalSupported && stopSignal !== SIGTERM ? { stopSignal: signalName(stopSignal) } : undefined;
  if (!options.stopSignalSupported && stopSignal !== imageStopSignal) {
    warnings.push(
      `StopSignal ${signalName(stopSignal)} cannot be set on this cluster: docker stop sends the image's stop signal (${signalName(imageStopSignal)})`,
    );
  }

  const { volumes, mounts } = volumesAndMounts(record, options.claimNameFor);
  const res = resources(record);
  const probe = healthcheckProbe(config.Healthcheck);
  const ports = containerPorts(config, h.PortBindings ?? {});
  let container: Container = {
    name: MAIN_CONTAINER,
    image: record.imageRef,
    ...commandAndArgs(config),
    ...(config.WorkingDir ? { workingDir: config.WorkingDir } : {}),
    env,
    ...(ports.length > 0 ? { ports } : {}),
    ...(res ? { resources: res } : {}),
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
    ...(probe ? { readinessProbe: probe } : {}),
    ...(lifecycle ? { lifecycle } : {}),
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'], add: effectiveCapabilities(h.CapAdd ?? [], h.CapDrop ?? []) },
      ...(h.ReadonlyRootfs ? { readOnlyRootFilesystem: true } : {}),
      ...user(config),
    },
    stdin: config.OpenStdin === true,
    stdinOnce: config.StdinOnce === true,
    tty: config.Tty === true,
    imagePullPolicy: 'IfNotPresent',
  };

  if (record.preStartCopies?.length) {
    // docker cp while the container did not run: extract the kept archives, then exec the real command.
    const copies = withPreStartCopies(container, record.preStartCopies);
    container = copies.container;
    volumes.push(copies.volume);
  }

  const sysctls = { ...DEFAULT_SYSCTLS };
  for (const [k, v] of Object.entries(h.Sysctls ?? {})) sysctls[normaliseSysctl(k)] = v;
  const hostAliases = new Map<string, string[]>();
  for (const entry of h.ExtraHosts ?? []) {
    const sep = entry.search(/[:=]/);
    const ip = entry.slice(sep + 1).replace(/^\[(.*)\]$/, '$1');
    hostAliases.set(ip, [...(hostAliases.get(ip) ?? []), entry.slice(0, sep)]);
  }
  const dnsOptions = (h.DnsOptions ?? []).map((o) => {
    const i = o.indexOf(':');
    return i === -1 ? { name: o } : { name: o.slice(0, i), value: o.slice(i + 1) };
  });
  // Names on the container's networks resolve through its own headless Service (docs/networks.md).
  const searches = [
    ...(h.DnsSearch ?? []),
    ...(options.namespace ? [dnsSearchDomain(record.id, options.namespace, options.clusterDomain)] : []),
  ];
  const dnsConfig = {
    ...(h.Dns?.length ? { nameservers: h.Dns } : {}),
    ...(searches.length ? { searches } : {}),
    ...(dnsOptions.length ? { options: dnsOptions } : {}),
  };
  const groups = (h.GroupAdd ?? []).map(Number);
  const meta = recordMetadata(record);

  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podNameFor(record.name, record.id, record.generation),
      ...(options.namespace ? { namespace: options.namespace } : {}),
      labels: { ...meta.labels, ...networkLabels(record) },
      annotations: { ...(h.Annotations ?? {}), ...meta.annotations },
    },
    spec: {
      ...(options.gated ? { schedulingGates: [{ name: START_GATE }] } : {}),
      containers: [container],
      restartPolicy: podRestartPolicy(parseRestartPolicy(h.RestartPolicy)),
      terminationGracePeriodSeconds: config.StopTimeout ?? DEFAULT_STOP_TIMEOUT,
      hostname: config.Hostname || record.id.slice(0, 12),
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      os: { name: 'linux' },
      securityContext: {
        seccompProfile: { type: 'RuntimeDefault' },
        sysctls: Object.entries(sysctls).map(([name, value]) => ({ name, value })),
        ...(groups.length > 0 ? { supplementalGroups: groups } : {}),
      },
      ...(h.Init ? { shareProcessNamespace: true } : {}),
      ...(record.platform?.architecture
        ? { nodeSelector: { 'kubernetes.io/arch': record.platform.architecture } }
        : {}),
      ...(hostAliases.size > 0 ? { hostAliases: [...hostAliases].map(([ip, hostnames]) => ({ ip, hostnames })) } : {}),
      ...(Object.keys(dnsConfig).length > 0 ? { dnsConfig } : {}),
      ...(volumes.length > 0 ? { volumes } : {}),
      ...(options.imagePullSecrets?.length
        ? { imagePullSecrets: options.imagePullSecrets.map((name) => ({ name })) }
        : {}),
    },
  };
  return { pod, warnings };
}

/** The patch that lets a created container's pod be scheduled (`docker start` of generation 0). */
export function startPatch(): { spec: { schedulingGates: [] } } {
  return { spec: { schedulingGates: [] } };
}

/**
 * The patch that ends a run the way `docker stop` does, keeping the pod (logs, exit code): the kubelet sends the
 * stop signal and SIGKILL after the grace period (terminationGracePeriodSeconds = StopTimeout). `startTime` is the
 * pod's status.startTime; `now` epoch ms. activeDeadlineSeconds may only be set or lowered, never raised.
 */
export function stopPatch(
  startTime: string | undefined,
  now: number,
): {
  metadata: { annotations: Record<string, string> };
  spec: { activeDeadlineSeconds: number };
} {
  const started = startTime ? Date.parse(startTime) : now;
  const elapsed = Number.isNaN(started) ? 0 : Math.floor((now - started) / 1000);
  return {
    metadata: { annotations: { [STOPPED_BY_USER_ANNOTATION]: 'true' } },
    spec: { activeDeadlineSeconds: Math.max(1, elapsed) },
  };
}
