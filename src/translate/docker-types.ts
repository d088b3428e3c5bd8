// The subset of the Docker Engine API (1.55, spec/docker-engine-api/swagger.yaml) that container
// create, inspect and list need. Request types are loose (every field optional, nullable) because clients send
// anything from `{}` to every key with zero values; response types are what badidea sends.

export type StringMap = Record<string, string>;

export interface HealthConfig {
  Test?: string[] | null;
  Interval?: number | null;
  Timeout?: number | null;
  Retries?: number | null;
  StartPeriod?: number | null;
  StartInterval?: number | null;
}

export interface ContainerConfig {
  Hostname?: string | null;
  Domainname?: string | null;
  User?: string | null;
  AttachStdin?: boolean | null;
  AttachStdout?: boolean | null;
  AttachStderr?: boolean | null;
  ExposedPorts?: Record<string, object> | null;
  Tty?: boolean | null;
  OpenStdin?: boolean | null;
  StdinOnce?: boolean | null;
  Env?: string[] | null;
  Cmd?: string[] | string | null;
  Healthcheck?: HealthConfig | null;
  ArgsEscaped?: boolean | null;
  Image?: string | null;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string | null;
  Entrypoint?: string[] | string | null;
  NetworkDisabled?: boolean | null;
  /** Deprecated in Config since 1.44 (moved to EndpointSettings); still sent by old clients. */
  MacAddress?: string | null;
  OnBuild?: string[] | null;
  Labels?: StringMap | null;
  StopSignal?: string | null;
  StopTimeout?: number | null;
  Shell?: string[] | null;
}

/** The image configuration the engine reads from the registry and passes in (Docker's ImageConfig). */
export interface ImageConfig {
  User?: string;
  ExposedPorts?: Record<string, object> | null;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Healthcheck?: HealthConfig | null;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  Labels?: StringMap | null;
  StopSignal?: string;
}

export interface RestartPolicy {
  Name?: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure' | string;
  MaximumRetryCount?: number;
}

export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

export type PortMap = Record<string, PortBinding[] | null>;

export interface DeviceRequest {
  Driver?: string;
  Count?: number;
  DeviceIDs?: string[] | null;
  Capabilities?: string[][] | null;
  Options?: StringMap | null;
}

export interface Mount {
  Target?: string;
  Source?: string;
  Type?: 'bind' | 'cluster' | 'image' | 'npipe' | 'tmpfs' | 'volume' | string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: Record<string, unknown> | null;
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: StringMap | null;
    DriverConfig?: { Name?: string; Options?: StringMap | null } | null;
    Subpath?: string;
  } | null;
  ImageOptions?: { Subpath?: string } | null;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number; Options?: string[][] | null } | null;
}

export interface HostConfig {
  // Resources
  CpuShares?: number | null;
  Memory?: number | null;
  CgroupParent?: string | null;
  BlkioWeight?: number | null;
  BlkioWeightDevice?: unknown[] | null;
  BlkioDeviceReadBps?: unknown[] | null;
  BlkioDeviceWriteBps?: unknown[] | null;
  BlkioDeviceReadIOps?: unknown[] | null;
  BlkioDeviceWriteIOps?: unknown[] | null;
  CpuPeriod?: number | null;
  CpuQuota?: number | null;
  CpuRealtimePeriod?: number | null;
  CpuRealtimeRuntime?: number | null;
  CpusetCpus?: string | null;
  CpusetMems?: string | null;
  Devices?: unknown[] | null;
  DeviceCgroupRules?: string[] | null;
  DeviceRequests?: DeviceRequest[] | null;
  MemoryReservation?: number | null;
  MemorySwap?: number | null;
  MemorySwappiness?: number | null;
  NanoCpus?: number | null;
  OomKillDisable?: boolean | null;
  Init?: boolean | null;
  PidsLimit?: number | null;
  Ulimits?: unknown[] | null;
  CpuCount?: number | null;
  CpuPercent?: number | null;
  IOMaximumIOps?: number | null;
  IOMaximumBandwidth?: number | null;
  /** Removed from the API in 1.42; old clients still send zeros. */
  KernelMemory?: number | null;
  KernelMemoryTCP?: number | null;
  // HostConfig proper
  Binds?: string[] | null;
  ContainerIDFile?: string | null;
  LogConfig?: { Type?: string; Config?: StringMap | null } | null;
  NetworkMode?: string | null;
  PortBindings?: PortMap | null;
  RestartPolicy?: RestartPolicy | null;
  AutoRemove?: boolean | null;
  VolumeDriver?: string | null;
  VolumesFrom?: string[] | null;
  Mounts?: Mount[] | null;
  ConsoleSize?: number[] | null;
  Annotations?: StringMap | null;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  CgroupnsMode?: string | null;
  Dns?: string[] | null;
  DnsOptions?: string[] | null;
  DnsSearch?: string[] | null;
  ExtraHosts?: string[] | null;
  GroupAdd?: string[] | null;
  IpcMode?: string | null;
  Cgroup?: string | null;
  Links?: string[] | null;
  OomScoreAdj?: number | null;
  PidMode?: string | null;
  Privileged?: boolean | null;
  PublishAllPorts?: boolean | null;
  ReadonlyRootfs?: boolean | null;
  SecurityOpt?: string[] | null;
  StorageOpt?: StringMap | null;
  Tmpfs?: StringMap | null;
  UTSMode?: string | null;
  UsernsMode?: string | null;
  ShmSize?: number | null;
  Sysctls?: StringMap | null;
  Runtime?: string | null;
  Isolation?: string | null;
  MaskedPaths?: string[] | null;
  ReadonlyPaths?: string[] | null;
}

export interface EndpointIPAMConfig {
  IPv4Address?: string;
  IPv6Address?: string;
  LinkLocalIPs?: string[] | null;
}

export interface EndpointSettings {
  IPAMConfig?: EndpointIPAMConfig | null;
  Links?: string[] | null;
  MacAddress?: string;
  Aliases?: string[] | null;
  DriverOpts?: StringMap | null;
  GwPriority?: number;
  NetworkID?: string;
  EndpointID?: string;
  Gateway?: string;
  IPAddress?: string;
  IPPrefixLen?: number;
  IPv6Gateway?: string;
  GlobalIPv6Address?: string;
  GlobalIPv6PrefixLen?: number;
  DNSNames?: string[] | null;
}

export interface NetworkingConfig {
  EndpointsConfig?: Record<string, EndpointSettings | null> | null;
}

/** The body of POST /containers/create. */
export interface ContainerCreateRequest extends ContainerConfig {
  HostConfig?: HostConfig | null;
  NetworkingConfig?: NetworkingConfig | null;
}

// ---- responses ----

export type HealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy';

export interface HealthcheckResult {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

export interface Health {
  Status: HealthStatus;
  FailingStreak: number;
  Log: HealthcheckResult[];
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerStateResponse {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: Health;
}

export interface MountPoint {
  Type: string;
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

export interface NetworkSettingsResponse {
  Bridge: string;
  SandboxID: string;
  SandboxKey: string;
  Ports: PortMap;
  HairpinMode: boolean;
  LinkLocalIPv6Address: string;
  LinkLocalIPv6PrefixLen: number;
  SecondaryIPAddresses: null;
  SecondaryIPv6Addresses: null;
  EndpointID: string;
  Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  MacAddress: string;
  Networks: Record<string, EndpointSettings>;
}

export interface ContainerInspectResponse {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerStateResponse;
  Image: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  MountLabel: string;
  ProcessLabel: string;
  AppArmorProfile: string;
  ExecIDs: string[] | null;
  HostConfig: HostConfig;
  GraphDriver: { Data: StringMap | null; Name: string };
  Mounts: MountPoint[];
  Config: ContainerConfig;
  NetworkSettings: NetworkSettingsResponse;
}

export interface PortSummary {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  Ports: PortSummary[];
  Labels: StringMap;
  State: ContainerStatus;
  Status: string;
  HostConfig: { NetworkMode: string; Annotations?: StringMap };
  NetworkSettings: { Networks: Record<string, EndpointSettings> };
  Mounts: MountPoint[];
  Health?: { Status: HealthStatus; FailingStreak: number };
  SizeRw?: number;
  SizeRootFs?: number;
}
