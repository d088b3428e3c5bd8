// Discovery documents (legacy, not aggregated: clients that ask for apidiscovery.k8s.io/v2 fall back when
// the response is a plain APIVersions / APIGroupList): /version, /api, /api/v1, /apis, /apis/{g}, /apis/{g}/{v}.
import { createHash } from 'node:crypto';
import { KUBERNETES_VERSION } from '../store/bootstrap.ts';
import { RESOURCES, type ResourceInfo } from '../store/resources.ts';
import { pathNotFound } from './status.ts';

export function versionInfo(): Record<string, string> {
  const [major, minor] = KUBERNETES_VERSION.slice(1).split('.');
  return {
    major: major!,
    minor: minor!,
    emulationMajor: major!,
    emulationMinor: minor!,
    minCompatibilityMajor: major!,
    minCompatibilityMinor: String(Number(minor) - 1),
    gitVersion: KUBERNETES_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-08-27T00:00:00Z',
    goVersion: 'go1.24.6',
    compiler: 'gc',
    platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

export interface DiscoveryOptions {
  metrics: boolean;
  serverAddress: string;
}

function served(options: DiscoveryOptions): ResourceInfo[] {
  return RESOURCES.filter((r) => options.metrics || r.group !== 'metrics.k8s.io');
}

function hash(info: ResourceInfo): string {
  return createHash('sha256').update(`${info.group}/${info.version}/${info.kind}`).digest('base64').slice(0, 11);
}

function resourceList(groupVersion: string, infos: ResourceInfo[]) {
  const resources: Record<string, unknown>[] = [];
  for (const info of infos) {
    const entry: Record<string, unknown> = {
      name: info.resource,
      singularName: info.singular,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: info.verbs,
    };
    if (info.shortNames) entry.shortNames = info.shortNames;
    if (info.categories) entry.categories = info.categories;
    if (!info.virtual) entry.storageVersionHash = hash(info);
    resources.push(entry);
    for (const sub of info.subresources) {
      const s: Record<string, unknown> = {
        name: `${info.resource}/${sub.name}`,
        singularName: '',
        namespaced: info.namespaced,
        kind: sub.kind,
        verbs: sub.verbs,
      };
      if (sub.group) s.group = sub.group;
      if (sub.version) s.version = sub.version;
      resources.push(s);
    }
  }
  resources.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

function groups(options: DiscoveryOptions) {
  const byGroup = new Map<string, Set<string>>();
  for (const r of served(options)) {
    if (!r.group) continue;
    if (!byGroup.has(r.group)) byGroup.set(r.group, new Set());
    byGroup.get(r.group)!.add(r.version);
  }
  return [...byGroup.entries()].map(([name, versions]) => {
    const list = [...versions].map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions: list, preferredVersion: list[0]! };
  });
}

export function discovery(
  group: string | undefined,
  version: string | undefined,
  legacy: boolean,
  options: DiscoveryOptions,
): unknown {
  const infos = served(options);
  if (legacy) {
    if (version === undefined)
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: options.serverAddress }],
      };
    if (version !== 'v1') throw pathNotFound();
    const list = resourceList(
      'v1',
      infos.filter((r) => r.group === ''),
    );
    const { apiVersion: _, ...rest } = list;
    return rest;
  }
  if (group === undefined) return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups(options) };
  const g = groups(options).find((x) => x.name === group);
  if (!g) throw pathNotFound();
  if (version === undefined) return { kind: 'APIGroup', apiVersion: 'v1', ...g };
  const inVersion = infos.filter((r) => r.group === group && r.version === version);
  if (inVersion.length === 0) throw pathNotFound();
  return resourceList(`${group}/${version}`, inVersion);
}
