// Published ports, pure: what a container asks to publish (-p, -P), how the engine records what it bound (an
// annotation on the run's pod, so a restarted server or another replica re-opens the same listeners and inspect
// shows the same ports everywhere), the Docker texts around them, and the Service that makes a container's ports
// reachable by name inside the cluster.

import type { PortMap } from './docker-types.ts';
import { parsePortKey } from './field-rules.ts';
import { idLabelValue, sanitiseForDns } from './ids.ts';
import type { Pod } from './kube-types.ts';
import { type ContainerRecord, MANAGED_LABEL } from './record.ts';

/** On the pod of a run: JSON {@link PublishedPorts}, written with the start (ungating patch or new generation). */
export const PORTS_ANNOTATION = 'badidea.dev/ports';
/** On a container's Service: the container label value (the pods' `badidea.dev/id`). */
export const SERVICE_OF_LABEL = 'badidea.dev/service-of';

export type Protocol = 'tcp' | 'udp' | 'sctp';

/** One host port the container asks for. hostPortLow = hostPortHigh = 0: any free port. */
export interface PortRequest {
  /** "80/tcp" */
  key: string;
  containerPort: number;
  protocol: Protocol;
  /** As given: '' means the server's default address. */
  hostIp: string;
  hostPortLow: number;
  hostPortHigh: number;
}

/** One host port the engine bound for a run. */
export interface HostBinding {
  containerPort: number;
  protocol: 'tcp';
  hostIp: string;
  hostPort: number;
}

export interface PublishedPorts {
  /** Names one start's reservation: the engine tells its own pending listeners from a recorded run's. */
  token: string;
  bindings: HostBinding[];
}

const normalKey = (key: string): string => {
  const [port, proto] = parsePortKey(key);
  return `${port}/${proto}`;
};

/** `8080` → [8080, 8080], `8000-8010` → [8000, 8010], '' or `0` → [0, 0] (any free port). */
export function parseHostPort(text: string | undefined): [number, number] {
  const t = (text ?? '').trim();
  if (t === '' || t === '0') return [0, 0];
  const m = /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/.exec(t);
  const lo = m ? Number(m[1]) : Number.NaN;
  const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
  if (!m || lo < 1 || hi > 65535 || hi < lo) throw new Error(`invalid port specification: "${text}"`);
  return [lo, hi];
}

/**
 * The host ports a run asks for: every PortBindings entry, then with PublishAllPorts (-P) every exposed port (the
 * image's EXPOSE included, the record's config is merged) that has no binding gets a free port, as dockerd does.
 */
export function requestedPorts(record: ContainerRecord): PortRequest[] {
  const requests: PortRequest[] = [];
  const bound = new Set<string>();
  for (const [rawKey, list] of Object.entries(record.hostConfig.PortBindings ?? {})) {
    const key = normalKey(rawKey);
    const [containerPort, protocol] = parsePortKey(key);
    const bindings = list && list.length > 0 ? list : [{ HostIp: '', HostPort: '' }];
    for (const b of bindings) {
      const [lo, hi] = parseHostPort(b.HostPort);
      requests.push({ key, containerPort, protocol, hostIp: b.HostIp ?? '', hostPortLow: lo, hostPortHigh: hi });
    }
    bound.add(key);
  }
  if (record.hostConfig.PublishAllPorts) {
    for (const rawKey of Object.keys(record.config.ExposedPorts ?? {})) {
      const key = normalKey(rawKey);
      if (bound.has(key)) continue;
      bound.add(key);
      const [containerPort, protocol] = parsePortKey(key);
      requests.push({ key, containerPort, protocol, hostIp: '', hostPortLow: 0, hostPortHigh: 0 });
    }
  }
  return requests;
}

/**
 * Why a request cannot be carried from outside the cluster, or undefined. Published ports travel over TCP (a
 * socket to the pod IP or the Kubernetes port-forward API, which is TCP only).
 */
export function unpublishableReason(protocol: Protocol, spec: string): string | undefined {
  if (protocol === 'tcp') return undefined;
  return `publishing ${protocol.toUpperCase()} ports (-p ${spec}) is not possible: badidea carries published ports over TCP (the Kubernetes port-forward API has no ${protocol.toUpperCase()}); inside the cluster the container's ${protocol.toUpperCase()} port is reachable through its Service by the container's name`;
}

/** NetworkSettings.Ports entries from what a run bound. */
export function publishedPortMap(bindings: readonly HostBinding[]): PortMap {
  const map: PortMap = {};
  for (const b of bindings) {
    const key = `${b.containerPort}/${b.protocol}`;
    const list = map[key] ?? [];
    list.push({ HostIp: b.hostIp, HostPort: String(b.hostPort) });
    map[key] = list;
  }
  return map;
}

export function encodePublished(p: PublishedPorts): string {
  return JSON.stringify(p);
}

/** What a pod's run published, or undefined (none recorded, or a damaged annotation). */
export function publishedOf(pod: Pod | undefined): PublishedPorts | undefined {
  const raw = pod?.metadata.annotations?.[PORTS_ANNOTATION];
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as PublishedPorts;
    if (typeof v?.token !== 'string' || !Array.isArray(v.bindings)) return undefined;
    const bindings = v.bindings.filter(
      (b) =>
        Number.isInteger(b?.containerPort) &&
        Number.isInteger(b?.hostPort) &&
        b.hostPort > 0 &&
        b.hostPort < 65536 &&
        typeof b.hostIp === 'string' &&
        b.protocol === 'tcp',
    );
    return { token: v.token, bindings };
  } catch {
    return undefined;
  }
}

/** The PortMap inspect and ps show for a pod's run (the recorded bindings), undefined when none. */
export function publishedPortsOf(pod: Pod | undefined): PortMap | undefined {
  const p = publishedOf(pod);
  return p && p.bindings.length > 0 ? publishedPortMap(p.bindings) : undefined;
}

/** dockerd's text when a host port is taken (the CLI shows it after "Error response from daemon: "). */
export function portAllocatedMessage(name: string, id: string, hostIp: string, hostPort: number | string): string {
  const host = hostIp.includes(':') ? `[${hostIp}]` : hostIp;
  return `driver failed programming external connectivity on endpoint ${name} (${id}): Bind for ${host}:${hostPort} failed: port is already allocated`;
}

/** A range with no free port (`-p 8000-8001:80` when both are taken). */
export function rangeAllocatedMessage(name: string, id: string, hostIp: string, lo: number, hi: number): string {
  return portAllocatedMessage(name, id, hostIp, `${lo}-${hi}`);
}

// ---- The in-cluster Service -------------------------------------------------------------------------------------

export interface ServicePort {
  name: string;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  port: number;
  targetPort: number;
}

export interface Service {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: {
    name: string;
    namespace?: string;
    labels: Record<string, string>;
    ownerReferences: { apiVersion: string; kind: string; name: string; uid: string }[];
  };
  spec: { selector: Record<string, string>; ports: ServicePort[] };
}

/** Every exposed or bound port of the container (any protocol): what its Service offers. */
export function servicePorts(record: ContainerRecord): ServicePort[] {
  const keys = new Set<string>();
  for (const k of [
    ...Object.keys(record.config.ExposedPorts ?? {}),
    ...Object.keys(record.hostConfig.PortBindings ?? {}),
  ]) {
    try {
      keys.add(normalKey(k));
    } catch {
      // A malformed key was refused at create; an old record may still carry one.
    }
  }
  const parsed = [...keys].map((key) => parsePortKey(key));
  parsed.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  return parsed.map(([port, protocol]) => {
    return {
      name: `${protocol}-${port}`,
      protocol: protocol.toUpperCase() as ServicePort['protocol'],
      port,
      targetPort: port,
    };
  });
}

/** The Service name: the container name made DNS-1035 safe (starts with a letter, ≤ 63). */
export function serviceNameFor(record: ContainerRecord): string {
  const base = sanitiseForDns(record.name, 63);
  return /^[a-z]/.test(base) ? base : `c-${base}`.slice(0, 63).replace(/-+$/, '');
}

/** Owners: every pod of the container (the Service goes when the last one is deleted). */
export function serviceOwners(pods: readonly Pod[]): Service['metadata']['ownerReferences'] {
  return pods
    .filter((p) => p.metadata.uid && p.metadata.name)
    .map((p) => ({ apiVersion: 'v1', kind: 'Pod', name: p.metadata.name ?? '', uid: p.metadata.uid ?? '' }));
}

/** The Service selecting the container's pods (only a running, ready generation is an endpoint). */
export function serviceFor(record: ContainerRecord, pods: readonly Pod[]): Service | undefined {
  const ports = servicePorts(record);
  if (ports.length === 0) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: serviceNameFor(record),
      labels: { [MANAGED_LABEL]: 'true', [SERVICE_OF_LABEL]: idLabelValue(record.id) },
      ownerReferences: serviceOwners(pods),
    },
    spec: { selector: { 'badidea.dev/id': idLabelValue(record.id) }, ports },
  };
}
