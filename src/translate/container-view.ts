// Pieces shared by inspect and ps: the networks a container is on, its mounts, its published ports.

import type { EndpointSettings, MountPoint, PortBinding, PortMap } from './docker-types.ts';
import { collectMounts } from './mounts.ts';
import type { ContainerRecord } from './record.ts';
import { anonymousVolumeName } from './volumes.ts';

/** What the engine knows and the record does not: where ports are published, what networks are called. */
export interface ViewContext {
  /** epoch ms */
  now: number;
  /** The pod IP of the current run (status.podIP), '' when none. */
  podIp?: string;
  /** Published ports of the running container (the engine's port publisher): `"80/tcp": [{HostIp, HostPort}]`. */
  publishedPorts?: PortMap;
  /** Network name → network ID (the networks part of badidea); unknown names get ''. */
  networkIds?: Readonly<Record<string, string>>;
}

/** The networks a container is attached to: NetworkMode's network (default → bridge) and EndpointsConfig's. */
export function networkNames(record: ContainerRecord): string[] {
  const mode = record.hostConfig.NetworkMode ?? '';
  const names = new Set<string>();
  if (mode === '' || mode === 'default' || mode === 'bridge') names.add('bridge');
  else if (mode !== 'none' && mode !== 'host' && !mode.startsWith('container:')) names.add(mode);
  for (const name of Object.keys(record.networkingConfig.EndpointsConfig ?? {})) {
    names.add(name === 'default' ? 'bridge' : name);
  }
  // docker network disconnect of NetworkMode's network (src/translate/networks.ts keeps it here).
  const detached = (record.networkingConfig as { Detached?: unknown }).Detached;
  if (Array.isArray(detached)) for (const name of detached) names.delete(name);
  return [...names];
}

export function endpoints(
  record: ContainerRecord,
  ctx: ViewContext,
  running: boolean,
): Record<string, EndpointSettings> {
  const result: Record<string, EndpointSettings> = {};
  const configs = record.networkingConfig.EndpointsConfig ?? {};
  for (const name of networkNames(record)) {
    const configured = configs[name] ?? (name === 'bridge' ? configs.default : undefined);
    const ip = running ? (ctx.podIp ?? '') : '';
    result[name] = {
      IPAMConfig: null,
      Links: null,
      Aliases: configured?.Aliases ?? null,
      MacAddress: '',
      DriverOpts: null,
      NetworkID: ctx.networkIds?.[name] ?? configured?.NetworkID ?? '',
      EndpointID: '',
      Gateway: '',
      IPAddress: ip,
      IPPrefixLen: 0,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      // Docker's DNSNames: name, aliases, short ID on user networks while running (the default bridge has none).
      DNSNames:
        running && name !== 'bridge'
          ? [...new Set([record.name, ...(configured?.Aliases ?? []), record.id.slice(0, 12)])]
          : null,
    };
  }
  return result;
}

/** Inspect's Mounts as Docker shows them: volumes (anonymous ones by their 64-hex name) and `--mount type=tmpfs`
 * (Docker leaves `--tmpfs` mounts out). Source is '' (no host path: the data is on a PersistentVolume). */
export function mountPoints(record: ContainerRecord): MountPoint[] {
  const out: MountPoint[] = [];
  for (const m of collectMounts(record.config, record.hostConfig, [])) {
    if (m.kind === 'tmpfs') {
      if (!m.fromTmpfsFlag) {
        out.push({ Type: 'tmpfs', Source: '', Destination: m.target, Mode: '', RW: !m.readOnly, Propagation: '' });
      }
      continue;
    }
    const named = m.kind === 'volume';
    out.push({
      Type: 'volume',
      Name: named ? m.name : anonymousVolumeName(record.id, m.target),
      Source: '',
      Destination: m.target,
      Driver: 'local',
      Mode: named && m.readOnly ? 'ro' : '',
      RW: !(named && m.readOnly),
      Propagation: '',
    });
  }
  return out;
}

/** NetworkSettings.Ports: every exposed or bound port of a running container, null where unpublished. */
export function portMap(record: ContainerRecord, ctx: ViewContext, running: boolean): PortMap {
  if (!running) return {};
  const ports: PortMap = {};
  const keys = [...Object.keys(record.config.ExposedPorts ?? {}), ...Object.keys(record.hostConfig.PortBindings ?? {})];
  for (const key of keys) {
    const normal = key.includes('/') ? key : `${key}/tcp`;
    const published: PortBinding[] | null | undefined = ctx.publishedPorts?.[normal];
    ports[normal] = published && published.length > 0 ? published : null;
  }
  return ports;
}
