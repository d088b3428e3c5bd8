// GET /containers/{id}/json: the full ContainerInspectResponse, never null where clients read objects (State, Config,
// HostConfig, NetworkSettings, Mounts).

import { type ContainerState, stateResponse } from './container-state.ts';
import { endpoints, mountPoints, portMap, type ViewContext } from './container-view.ts';
import type { ContainerConfig, ContainerInspectResponse, HostConfig } from './docker-types.ts';
import { pathAndArgs } from './merge-image-config.ts';
import type { ContainerRecord } from './record.ts';

export const STORAGE_DRIVER = 'overlay2';

const DEFAULT_MASKED_PATHS = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** HostConfig as a container gets it by default (what dockerd shows for an empty request, adapted to pods). */
function hostConfigDefaults(): HostConfig {
  return {
    Binds: null,
    ContainerIDFile: '',
    LogConfig: { Type: 'json-file', Config: {} },
    NetworkMode: 'default',
    PortBindings: {},
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    AutoRemove: false,
    VolumeDriver: '',
    VolumesFrom: null,
    ConsoleSize: [0, 0],
    CapAdd: null,
    CapDrop: null,
    CgroupnsMode: 'private',
    Dns: [],
    DnsOptions: [],
    DnsSearch: [],
    ExtraHosts: null,
    GroupAdd: null,
    IpcMode: 'private',
    Cgroup: '',
    Links: null,
    OomScoreAdj: 0,
    PidMode: '',
    Privileged: false,
    PublishAllPorts: false,
    ReadonlyRootfs: false,
    SecurityOpt: null,
    UTSMode: '',
    UsernsMode: '',
    ShmSize: 67108864,
    Runtime: 'runc',
    Isolation: '',
    CpuShares: 0,
    Memory: 0,
    NanoCpus: 0,
    CgroupParent: '',
    BlkioWeight: 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: 0,
    CpuQuota: 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: '',
    CpusetMems: '',
    Devices: [],
    DeviceCgroupRules: null,
    DeviceRequests: null,
    MemoryReservation: 0,
    MemorySwap: 0,
    MemorySwappiness: null,
    OomKillDisable: false,
    PidsLimit: null,
    Ulimits: [],
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    MaskedPaths: DEFAULT_MASKED_PATHS,
    ReadonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
  };
}

function configDefaults(): ContainerConfig {
  return {
    Hostname: '',
    Domainname: '',
    User: '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: null,
    Cmd: null,
    Image: '',
    Volumes: null,
    WorkingDir: '',
    Entrypoint: null,
    OnBuild: null,
    Labels: {},
  };
}

/**
 * The given fields over the defaults: undefined and null keep the default, and so do '' and 0 where the default is a
 * non-zero value of the same type (ShmSize 0 means 64 MB, NetworkMode '' means default, Runtime '' means runc).
 */
function overlay<T extends object>(defaults: T, given: T): T {
  const d = defaults as Record<string, unknown>;
  const result: Record<string, unknown> = { ...d };
  for (const [k, v] of Object.entries(given)) {
    if (v === undefined || (v === null && k in d)) continue;
    if ((v === '' || v === 0) && k in d && typeof d[k] === typeof v) continue;
    result[k] = v;
  }
  return result as T;
}

export interface InspectInput {
  record: ContainerRecord;
  state: ContainerState;
  ctx: ViewContext;
  /** Running exec instances (the exec part of badidea); null when none, as Docker. */
  execIds?: string[] | null;
}

export function inspectContainer({ record, state, ctx, execIds }: InspectInput): ContainerInspectResponse {
  const running = state.status === 'running' || state.status === 'restarting' || state.status === 'paused';
  const networks = endpoints(record, ctx, running);
  const { path, args } = pathAndArgs(record.config);
  const hostConfig = overlay(hostConfigDefaults(), record.hostConfig);
  if (hostConfig.LogConfig?.Type === '')
    hostConfig.LogConfig = { Type: 'json-file', Config: hostConfig.LogConfig.Config ?? {} };
  if (hostConfig.RestartPolicy?.Name === '') hostConfig.RestartPolicy = { ...hostConfig.RestartPolicy, Name: 'no' };
  const ip = running ? (ctx.podIp ?? '') : '';
  return {
    Id: record.id,
    Created: record.created,
    Path: path,
    Args: args,
    State: stateResponse(state),
    Image: record.imageId,
    ResolvConfPath: '',
    HostnamePath: '',
    HostsPath: '',
    LogPath: '',
    Name: `/${record.name}`,
    RestartCount: state.restartCount,
    Driver: STORAGE_DRIVER,
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: execIds && execIds.length > 0 ? execIds : null,
    HostConfig: hostConfig,
    GraphDriver: { Data: null, Name: STORAGE_DRIVER },
    Mounts: mountPoints(record),
    Config: overlay(configDefaults(), record.config),
    NetworkSettings: {
      Bridge: '',
      SandboxID: '',
      SandboxKey: '',
      Ports: portMap(record, ctx, running),
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: '',
      Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: ip,
      IPPrefixLen: 0,
      IPv6Gateway: '',
      MacAddress: '',
      Networks: networks,
    },
  };
}
