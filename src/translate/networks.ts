// Docker networks ⇄ Kubernetes objects (pure). A user network is a ConfigMap holding its Docker record; membership
// is the container record's EndpointsConfig (names → NetworkID, Aliases) plus a pod label per network (for the
// NetworkPolicy); names resolve through one headless, selector-less Service per container whose Endpoints list every
// name the container may resolve, found through a search domain in the pod's resolv.conf. See docs/networks.md.

import { createHash } from 'node:crypto';
import { networkNames } from './container-view.ts';
import type { EndpointSettings } from './docker-types.ts';
import { idLabelValue } from './ids.ts';
import type { Pod } from './kube-types.ts';
import { type ContainerRecord, MANAGED_LABEL } from './record.ts';
import { invalid, notFound } from './translation-error.ts';

export const NETWORK_LABEL = 'badidea.dev/network';
export const NETWORK_DATA_KEY = 'network.json';
/** Pod label key of one network's membership (`net.badidea.dev/n-<first 12 of the network ID>: "true"`). */
export const MEMBER_LABEL_PREFIX = 'net.badidea.dev/n-';
export const DNS_FOR_LABEL = 'badidea.dev/dns-for';
export const PREDEFINED = ['bridge', 'host', 'none'] as const;
const DRIVERS = ['bridge', 'overlay', 'macvlan', 'ipvlan'];

export interface IpamConfig {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

/** What GET /networks/{id} shows (without Containers), as stored. */
export interface NetworkRecord {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: string;
  EnableIPv4: boolean;
  EnableIPv6: boolean;
  IPAM: { Driver: string; Options: Record<string, string> | null; Config: IpamConfig[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

export interface ConfigMapObject {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace?: string; labels: Record<string, string>; [k: string]: unknown };
  data: Record<string, string>;
}

/** The fixed ID of a predefined network in one namespace (stable across servers and restarts). */
export function predefinedId(namespace: string, name: string): string {
  return createHash('sha256').update(`badidea-network:${namespace}:${name}`).digest('hex');
}

export function predefinedNetwork(
  namespace: string,
  name: (typeof PREDEFINED)[number],
  created: string,
): NetworkRecord {
  return {
    Name: name,
    Id: predefinedId(namespace, name),
    Created: created,
    Scope: 'local',
    Driver: name === 'none' ? 'null' : name,
    EnableIPv4: name === 'bridge',
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: [] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Options: name === 'bridge' ? { 'com.docker.network.bridge.default_bridge': 'true' } : {},
    Labels: {},
  };
}

function refuse(message: string): never {
  throw invalid(message);
}

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) refuse(`invalid ${what}: expected an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (typeof val !== 'string') refuse(`invalid ${what}: the value of "${k}" is not a string`);
    out[k] = val;
  }
  return out;
}

export interface CreateNetworkResult {
  record: NetworkRecord;
  warning: string;
}

/** POST /networks/create body → the record (400 for malformed fields, 404 for unknown drivers as Docker). */
export function newNetwork(body: Record<string, unknown>, id: string, created: string): CreateNetworkResult {
  const name = body.Name;
  if (typeof name !== 'string' || name === '') refuse('network name is required');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) {
    refuse(`invalid network name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  if ((PREDEFINED as readonly string[]).includes(name)) {
    refuse(`${name} is a pre-defined network and cannot be created`);
  }
  const driver = body.Driver === undefined || body.Driver === '' ? 'bridge' : body.Driver;
  if (typeof driver !== 'string') refuse('invalid Driver: expected a string');
  if (driver === 'host' || driver === 'null') refuse(`only one instance of "${driver}" network is allowed`);
  if (!DRIVERS.includes(driver)) throw notFound(`plugin "${driver}" not found`);
  const warnings: string[] = [];
  if (driver !== 'bridge') {
    warnings.push(`driver "${driver}" is recorded only: every badidea network is carried by the cluster's pod network`);
  }
  const ipamIn = (body.IPAM ?? {}) as Record<string, unknown>;
  if (typeof ipamIn !== 'object' || Array.isArray(ipamIn)) refuse('invalid IPAM: expected an object');
  const configs = ipamIn.Config ?? [];
  if (!Array.isArray(configs)) refuse('invalid IPAM.Config: expected an array');
  if (configs.length > 0) {
    warnings.push('IPAM subnets are recorded only: pods get their addresses from the cluster network');
  }
  if (body.EnableIPv6 === true) warnings.push('EnableIPv6 is recorded only: badidea networks use the pod network');
  if (body.Ingress === true) refuse('ingress networks are a swarm feature; badidea has no swarm');
  if (body.ConfigOnly === true || (body.ConfigFrom as { Network?: string } | null)?.Network) {
    refuse(
      'config-only networks (--config-only, --config-from) are not supported: badidea networks have no driver config',
    );
  }
  const record: NetworkRecord = {
    Name: name,
    Id: id,
    Created: created,
    Scope: 'local',
    Driver: driver,
    EnableIPv4: body.EnableIPv4 !== false,
    EnableIPv6: body.EnableIPv6 === true,
    IPAM: {
      Driver: typeof ipamIn.Driver === 'string' && ipamIn.Driver !== '' ? ipamIn.Driver : 'default',
      Options: stringMap(ipamIn.Options, 'IPAM.Options'),
      Config: configs.map((c) => {
        const m = stringMap(
          Object.fromEntries(Object.entries(c as object).filter(([k]) => k !== 'AuxiliaryAddresses')),
          'IPAM.Config',
        );
        const aux = (c as { AuxiliaryAddresses?: unknown }).AuxiliaryAddresses;
        return { ...m, ...(aux ? { AuxiliaryAddresses: stringMap(aux, 'IPAM.Config.AuxiliaryAddresses') } : {}) };
      }),
    },
    Internal: body.Internal === true,
    Attachable: body.Attachable === true,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Options: stringMap(body.Options, 'Options'),
    Labels: stringMap(body.Labels, 'Labels'),
  };
  return { record, warning: warnings.join('; ') };
}

export function configMapName(id: string): string {
  return `net-${id.slice(0, 12)}`;
}

export function networkConfigMap(record: NetworkRecord, namespace?: string): ConfigMapObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: configMapName(record.Id),
      ...(namespace ? { namespace } : {}),
      labels: { [MANAGED_LABEL]: 'true', [NETWORK_LABEL]: idLabelValue(record.Id) },
    },
    data: { [NETWORK_DATA_KEY]: JSON.stringify(record) },
  };
}

/** The network a ConfigMap holds, or undefined when it is not one of badidea's networks. */
export function readNetwork(cm: {
  metadata: { labels?: Record<string, string> };
  data?: unknown;
}): NetworkRecord | undefined {
  if (cm.metadata.labels?.[NETWORK_LABEL] === undefined) return undefined;
  const raw = (cm.data as Record<string, string> | undefined)?.[NETWORK_DATA_KEY];
  try {
    const r = JSON.parse(raw ?? '') as NetworkRecord;
    return typeof r?.Name === 'string' && typeof r.Id === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Docker's lookup order: full ID, exact name, then a unique ID prefix. */
export function findNetwork<T extends { Name: string; Id: string }>(all: readonly T[], ref: string): T | undefined {
  return (
    all.find((n) => n.Id === ref) ??
    all.find((n) => n.Name === ref) ??
    (() => {
      const byPrefix = all.filter((n) => ref !== '' && n.Id.startsWith(ref));
      return byPrefix.length === 1 ? byPrefix[0] : undefined;
    })()
  );
}

// ---- membership --------------------------------------------------------------------------------------------------

/** Networks the container has left although NetworkMode names them (stored beside EndpointsConfig). */
export function detachedOf(record: ContainerRecord): string[] {
  const d = (record.networkingConfig as { Detached?: unknown }).Detached;
  return Array.isArray(d) ? d.filter((x): x is string => typeof x === 'string') : [];
}

/** The networks a container is on, by name, with their endpoint settings (NetworkID where badidea set it). */
export function memberships(record: ContainerRecord): { name: string; settings: EndpointSettings }[] {
  const configs = record.networkingConfig.EndpointsConfig ?? {};
  return networkNames(record).map((name) => ({
    name,
    settings: configs[name] ?? (name === 'bridge' ? configs.default : undefined) ?? {},
  }));
}

export function memberLabel(networkId: string): string {
  return `${MEMBER_LABEL_PREFIX}${networkId.slice(0, 12)}`;
}

/** Pod labels of the networks a container is on (the NetworkPolicies select by them). */
export function networkLabels(record: ContainerRecord): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of memberships(record)) if (m.settings.NetworkID) labels[memberLabel(m.settings.NetworkID)] = 'true';
  return labels;
}

export function dnsServiceName(containerId: string): string {
  return `bdns-${containerId.slice(0, 12)}`;
}

/** The search domain that makes a container's network names resolve: its own headless Service. */
export function dnsSearchDomain(containerId: string, namespace: string, clusterDomain = 'cluster.local'): string {
  return `${dnsServiceName(containerId)}.${namespace}.svc.${clusterDomain}`;
}

/** A container's network names on one network: name, aliases, short ID (as Docker's DNSNames), DNS-safe only. */
export function dnsNames(record: ContainerRecord, settings: EndpointSettings): string[] {
  const names = [record.name, ...(settings.Aliases ?? []), record.id.slice(0, 12)];
  return [...new Set(names)];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface Member {
  record: ContainerRecord;
  /** The current run's pod IP, '' when not running. */
  ip: string;
}

/**
 * For each container on at least one user network: the hostnames it may resolve and their IPs (every member of
 * every user network it shares, itself included). The default bridge gives no names, as in Docker. Names that are
 * not DNS labels (underscores, dots) cannot be Endpoints hostnames and are left out.
 */
export function desiredNames(
  members: readonly Member[],
  userNetworkIds: ReadonlySet<string>,
): Map<string, { hostname: string; ip: string }[]> {
  const byNetwork = new Map<string, { hostname: string; ip: string }[]>();
  const networksOf = new Map<string, string[]>();
  for (const m of members) {
    const nets: string[] = [];
    for (const { settings } of memberships(m.record)) {
      const nid = settings.NetworkID;
      if (!nid || !userNetworkIds.has(nid)) continue;
      nets.push(nid);
      if (!m.ip) continue;
      const list = byNetwork.get(nid) ?? [];
      for (const n of dnsNames(m.record, settings)) {
        const hostname = n.toLowerCase();
        if (DNS_LABEL.test(hostname)) list.push({ hostname, ip: m.ip });
      }
      byNetwork.set(nid, list);
    }
    networksOf.set(m.record.id, nets);
  }
  const result = new Map<string, { hostname: string; ip: string }[]>();
  for (const m of members) {
    const nets = networksOf.get(m.record.id) ?? [];
    if (nets.length === 0) continue;
    const seen = new Set<string>();
    const entries: { hostname: string; ip: string }[] = [];
    for (const nid of nets) {
      for (const e of byNetwork.get(nid) ?? []) {
        const key = `${e.hostname}/${e.ip}`;
        if (seen.has(key)) continue;
        seen.add(key);
        entries.push(e);
      }
    }
    entries.sort((a, b) => (a.hostname + a.ip < b.hostname + b.ip ? -1 : 1));
    result.set(m.record.id, entries);
  }
  return result;
}

export function dnsService(containerId: string, namespace?: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: dnsServiceName(containerId),
      ...(namespace ? { namespace } : {}),
      labels: { [MANAGED_LABEL]: 'true', [DNS_FOR_LABEL]: idLabelValue(containerId) },
    },
    spec: { clusterIP: 'None', publishNotReadyAddresses: true },
  };
}

export function dnsEndpoints(
  containerId: string,
  entries: readonly { hostname: string; ip: string }[],
  namespace?: string,
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: dnsServiceName(containerId),
      ...(namespace ? { namespace } : {}),
      labels: { [MANAGED_LABEL]: 'true', [DNS_FOR_LABEL]: idLabelValue(containerId) },
    },
    subsets: entries.length > 0 ? [{ addresses: entries.map((e) => ({ ip: e.ip, hostname: e.hostname })) }] : [],
  };
}

/**
 * The NetworkPolicy of one network: its members accept traffic from each other and from pods that are not badidea
 * containers (other workloads, badidea itself in the cluster); Internal networks send only to their members and the
 * cluster DNS. Policies add up, so a container on two networks talks to both.
 */
export function networkPolicy(network: { Id: string; Name: string; Internal: boolean }, namespace?: string) {
  const members = { matchLabels: { [memberLabel(network.Id)]: 'true' } };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: `bdnet-${network.Id.slice(0, 12)}`,
      ...(namespace ? { namespace } : {}),
      labels: { [MANAGED_LABEL]: 'true', [NETWORK_LABEL]: idLabelValue(network.Id) },
      annotations: { 'badidea.dev/network-name': network.Name },
    },
    spec: {
      podSelector: members,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: members }] },
        {
          from: [
            {
              namespaceSelector: {},
              podSelector: { matchExpressions: [{ key: MANAGED_LABEL, operator: 'DoesNotExist' }] },
            },
          ],
        },
      ],
      egress: network.Internal
        ? [
            { to: [{ podSelector: members }] },
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
              ports: [
                { protocol: 'UDP', port: 53 },
                { protocol: 'TCP', port: 53 },
              ],
            },
          ]
        : [{}],
    },
  };
}

/** The pod IP of a container's current run when it is running ('' otherwise). */
export function runningIp(pod: Pod): string {
  const phase = pod.status?.phase;
  if (phase !== 'Running' && phase !== 'Pending') return '';
  return pod.status?.podIP ?? '';
}
