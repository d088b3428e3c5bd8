// Docker networks on Kubernetes: records in ConfigMaps, membership on the container record (EndpointsConfig) and
// pod labels, names through DnsKeeper's per-container headless Services. Reads come from the watch cache. See
// docs/networks.md.

import { randomBytes } from 'node:crypto';
import { Conflict, Forbidden, InvalidParameter, NotFound } from '../../errors.ts';
import type { KubeCache } from '../../kube/cache.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { Logger } from '../../log.ts';
import type { ValidatedCreate } from '../../translate/create-request.ts';
import type { EndpointSettings } from '../../translate/docker-types.ts';
import { labelsMatch } from '../../translate/label-filter.ts';
import {
  findNetwork,
  memberLabel,
  memberships,
  type NetworkRecord,
  networkConfigMap,
  networkPolicy,
  newNetwork,
  PREDEFINED,
  predefinedNetwork,
  readNetwork,
  runningIp,
} from '../../translate/networks.ts';
import { CONFIG_ANNOTATION, type ContainerRecord, recordMetadata } from '../../translate/record.ts';
import { translated } from '../containers/errors.ts';
import type { ContainerLookup, FoundContainer } from '../containers/lookup.ts';

export interface NetworksEngineDeps {
  client: KubeClient;
  cache: KubeCache;
  lookup: ContainerLookup;
  log: Logger;
  now?: () => number;
  randomBytes?: () => Uint8Array;
  /** How long writes wait for the cache to show them (default 30 s). */
  cacheTimeoutMs?: number;
}

export interface NetworkFilters {
  get(key: string): readonly string[] | undefined;
  keys(): IterableIterator<string>;
}

const FILTER_KEYS = ['name', 'id', 'label', 'driver', 'type', 'scope', 'dangling'];

/** What the containers engine calls at create (a hook) so membership is known before the pod exists. */
export interface NetworkMembership {
  /** Fills NetworkID on every network of the request (404 `network x not found`); normalises `default`. */
  prepareCreate(request: ValidatedCreate): void;
  /** Network name → ID, for inspect. */
  ids(): Record<string, string>;
}

function missing(ref: string): NotFound {
  return new NotFound(`network ${ref} not found`);
}

export class NetworksEngine implements NetworkMembership {
  readonly #d: NetworksEngineDeps;
  readonly #created: string;
  #policiesRefused = false;

  constructor(deps: NetworksEngineDeps) {
    this.#d = deps;
    this.#created = new Date((deps.now ?? Date.now)()).toISOString();
  }

  get #ns(): string {
    return this.#d.client.namespace;
  }

  /** The predefined networks and the user networks in the cache. */
  all(): NetworkRecord[] {
    const user = this.#d.cache
      .lister('configmaps')
      .list()
      .map((cm) => readNetwork(cm))
      .filter((n): n is NetworkRecord => n !== undefined)
      .sort((a, b) => (a.Created < b.Created ? -1 : 1));
    return [...PREDEFINED.map((p) => predefinedNetwork(this.#ns, p, this.#created)), ...user];
  }

  userNetworks(): NetworkRecord[] {
    return this.all().filter((n) => !(PREDEFINED as readonly string[]).includes(n.Name));
  }

  find(ref: string): NetworkRecord {
    const n = findNetwork(this.all(), ref);
    if (!n) throw missing(ref);
    return n;
  }

  inspect(ref: string): Record<string, unknown> {
    return this.view(this.find(ref));
  }

  ids(): Record<string, string> {
    return Object.fromEntries(this.all().map((n) => [n.Name, n.Id]));
  }

  prepareCreate(request: ValidatedCreate): void {
    const all = this.all();
    const h = request.hostConfig;
    const mode = h.NetworkMode ?? '';
    const configs: Record<string, EndpointSettings> = {};
    for (const [key, value] of Object.entries(request.networkingConfig.EndpointsConfig ?? {})) {
      const n = findNetwork(all, key === 'default' ? 'bridge' : key);
      if (!n) throw missing(key);
      configs[n.Name] = { ...(value ?? {}), NetworkID: n.Id };
    }
    if (mode !== '' && mode !== 'default' && mode !== 'host' && mode !== 'none' && !mode.startsWith('container:')) {
      const n = findNetwork(all, mode);
      if (!n) throw missing(mode);
      if (n.Name !== mode) h.NetworkMode = n.Name; // an ID or prefix given: stored by name as Docker shows it
      configs[n.Name] = { ...(configs[n.Name] ?? {}), NetworkID: n.Id };
    } else if (mode === '' || mode === 'default') {
      const bridge = findNetwork(all, 'bridge')!;
      configs.bridge = { ...(configs.bridge ?? {}), NetworkID: bridge.Id };
    }
    request.networkingConfig = { ...request.networkingConfig, EndpointsConfig: configs };
  }

  /** Containers whose current generation is on the network, with their running IP ('' when not running). */
  containersOn(network: NetworkRecord): { c: FoundContainer; ip: string; settings: EndpointSettings }[] {
    const out: { c: FoundContainer; ip: string; settings: EndpointSettings }[] = [];
    for (const c of this.#d.lookup.list()) {
      for (const m of memberships(c.record)) {
        const matches = m.settings.NetworkID ? m.settings.NetworkID === network.Id : m.name === network.Name;
        if (matches)
          out.push({ c, ip: c.state.status === 'running' ? runningIp(c.current) : '', settings: m.settings });
      }
    }
    return out;
  }

  view(n: NetworkRecord): Record<string, unknown> {
    const containers: Record<string, unknown> = {};
    for (const { c, ip } of this.containersOn(n)) {
      if (!ip) continue; // Docker lists endpoints, which only running containers have
      containers[c.id] = { Name: c.name, EndpointID: '', MacAddress: '', IPv4Address: `${ip}/32`, IPv6Address: '' };
    }
    return { ...n, Containers: containers };
  }

  list(filters: NetworkFilters): Record<string, unknown>[] {
    for (const key of filters.keys()) {
      if (!FILTER_KEYS.includes(key)) throw new InvalidParameter(`invalid filter '${key}'`);
    }
    return this.all()
      .filter((n) => matches(n, filters, () => this.containersOn(n).some((x) => x.ip !== '')))
      .map((n) => this.view(n));
  }

  async create(body: Record<string, unknown>): Promise<{ Id: string; Warning: string }> {
    const name = typeof body.Name === 'string' ? body.Name : '';
    if (name !== '' && findNetwork(this.all(), name)?.Name === name) {
      throw new Conflict(`network with name ${name} already exists`);
    }
    const id = Buffer.from((this.#d.randomBytes ?? (() => randomBytes(32)))()).toString('hex');
    const created = new Date((this.#d.now ?? Date.now)()).toISOString();
    const { record, warning } = translated(() => newNetwork(body, id, created));
    const { client } = this.#d;
    await client.create(client.corePath('configmaps'), networkConfigMap(record, this.#ns) as unknown as KubeObject);
    await this.#writePolicy(record);
    await this.#d.cache.waitFor(
      'configmaps',
      (l) => (l.get(networkConfigMap(record).metadata.name) ? true : undefined),
      {
        timeoutMs: this.#d.cacheTimeoutMs ?? 30_000,
        what: `network ${name} to reach badidea's cache`,
      },
    );
    return { Id: id, Warning: warning };
  }

  async remove(ref: string): Promise<void> {
    const n = this.find(ref);
    if ((PREDEFINED as readonly string[]).includes(n.Name)) {
      throw new Forbidden(`${n.Name} is a pre-defined network and cannot be removed`);
    }
    if (this.containersOn(n).some((x) => x.ip !== '' || x.c.state.status === 'running')) {
      throw new Forbidden(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
    }
    await this.#delete(n);
  }

  async prune(filters: NetworkFilters): Promise<{ NetworksDeleted: string[] }> {
    for (const key of filters.keys()) {
      if (!['label', 'label!', 'until'].includes(key)) throw new InvalidParameter(`invalid filter '${key}'`);
    }
    const deleted: string[] = [];
    for (const n of this.userNetworks()) {
      if (!labelsMatch(n.Labels, filters.get('label') ?? [], filters.get('label!') ?? [])) continue;
      const until = filters.get('until')?.[0];
      if (until && Date.parse(n.Created) > untilMs(until, (this.#d.now ?? Date.now)())) continue;
      if (this.containersOn(n).some((x) => x.c.state.status === 'running')) continue;
      await this.#delete(n);
      deleted.push(n.Name);
    }
    return { NetworksDeleted: deleted };
  }

  async connect(ref: string, body: Record<string, unknown>): Promise<void> {
    const n = this.find(ref);
    const c = this.#d.lookup.findContainer(String(body.Container ?? ''));
    const mode = c.record.hostConfig.NetworkMode ?? '';
    if (n.Name === 'host' || mode === 'host') {
      throw new InvalidParameter('container cannot be disconnected from host network or connected to host network');
    }
    if (n.Name === 'none' || mode === 'none') {
      throw new InvalidParameter(
        'container cannot be connected to multiple networks with one of the networks in private (none) mode',
      );
    }
    const settings = (body.EndpointConfig ?? {}) as EndpointSettings;
    const ipam = settings.IPAMConfig as Record<string, unknown> | null | undefined;
    if (ipam && (ipam.IPv4Address || ipam.IPv6Address)) {
      throw new InvalidParameter(
        'static IP addresses (--ip, --ip6) are not possible: the cluster network assigns pod IPs',
      );
    }
    if (memberships(c.record).some((m) => m.name === n.Name)) {
      throw new Forbidden(`endpoint with name ${c.name} already exists in network ${n.Name}`);
    }
    const record = structuredClone(c.record);
    const configs = { ...(record.networkingConfig.EndpointsConfig ?? {}) };
    configs[n.Name] = { Aliases: settings.Aliases ?? [], NetworkID: n.Id };
    const nc = record.networkingConfig as { Detached?: string[]; EndpointsConfig?: unknown };
    record.networkingConfig = {
      ...record.networkingConfig,
      EndpointsConfig: configs,
      ...(nc.Detached ? { Detached: nc.Detached.filter((x) => x !== n.Name) } : {}),
    } as ContainerRecord['networkingConfig'];
    await this.#writeMembership(c, record, { [memberLabel(n.Id)]: 'true' });
  }

  async disconnect(ref: string, body: Record<string, unknown>): Promise<void> {
    const n = this.find(ref);
    const c = this.#d.lookup.findContainer(String(body.Container ?? ''));
    if (n.Name === 'host') {
      throw new InvalidParameter('container cannot be disconnected from host network or connected to host network');
    }
    if (!memberships(c.record).some((m) => m.name === n.Name)) {
      throw new Conflict(`container ${c.id} is not connected to network ${n.Name}`);
    }
    const record = structuredClone(c.record);
    const configs = { ...(record.networkingConfig.EndpointsConfig ?? {}) };
    delete configs[n.Name];
    if (n.Name === 'bridge') delete configs.default;
    const detached = (record.networkingConfig as { Detached?: string[] }).Detached ?? [];
    const mode = record.hostConfig.NetworkMode ?? '';
    const modeName = mode === '' || mode === 'default' ? 'bridge' : mode;
    record.networkingConfig = {
      ...record.networkingConfig,
      EndpointsConfig: configs,
      ...(modeName === n.Name ? { Detached: [...new Set([...detached, n.Name])] } : {}),
    } as ContainerRecord['networkingConfig'];
    await this.#writeMembership(c, record, { [memberLabel(n.Id)]: null });
  }

  /** Rewrites the stored config (and the membership label) on every generation, then waits for the cache. */
  async #writeMembership(c: FoundContainer, record: ContainerRecord, labels: Record<string, string | null>) {
    const { client } = this.#d;
    const config = recordMetadata(record).annotations[CONFIG_ANNOTATION];
    const pods = this.#d.lookup.containerPods(c.id);
    await Promise.all(
      pods.map((p) =>
        client
          .patch(client.corePath('pods', p.metadata.name ?? ''), {
            metadata: { labels, annotations: { [CONFIG_ANNOTATION]: config } },
          })
          .catch((err) => {
            if ((err as { kind?: string }).kind !== 'NotFound') throw err;
          }),
      ),
    );
    await this.#d.lookup.waitFor(
      c.id,
      (x) => (!x || x.current.metadata.annotations?.[CONFIG_ANNOTATION] === config ? true : undefined),
      { timeoutMs: this.#d.cacheTimeoutMs ?? 30_000, what: `container ${c.name}'s networks to reach badidea's cache` },
    );
  }

  async #delete(n: NetworkRecord): Promise<void> {
    const { client } = this.#d;
    const name = networkConfigMap(n).metadata.name;
    try {
      await client.delete(client.corePath('configmaps', name));
    } catch (err) {
      if ((err as { kind?: string }).kind !== 'NotFound') throw err;
    }
    await this.#deletePolicy(n);
    await this.#d.cache.waitFor('configmaps', (l) => (l.get(name) ? undefined : true), {
      timeoutMs: this.#d.cacheTimeoutMs ?? 30_000,
      what: `network ${n.Name} to leave badidea's cache`,
    });
  }

  /** The network's NetworkPolicy (best effort: a namespace without the right to write them gets a log line). */
  async #writePolicy(n: NetworkRecord): Promise<void> {
    if (this.#policiesRefused) return;
    const { client } = this.#d;
    try {
      await client.create(
        `/apis/networking.k8s.io/v1/namespaces/${encodeURIComponent(this.#ns)}/networkpolicies`,
        networkPolicy(n, this.#ns) as unknown as KubeObject,
      );
    } catch (err) {
      const kind = (err as { kind?: string }).kind;
      if (kind === 'Conflict') return;
      if (kind === 'Forbidden' || kind === 'NotFound') {
        this.#policiesRefused = true;
        this.#d.log.warn('cannot write NetworkPolicies: networks are not isolated from each other', {
          error: String(err),
        });
        return;
      }
      throw err;
    }
  }

  async #deletePolicy(n: NetworkRecord): Promise<void> {
    if (this.#policiesRefused) return;
    const { client } = this.#d;
    const name = networkPolicy(n).metadata.name;
    await client
      .delete(`/apis/networking.k8s.io/v1/namespaces/${encodeURIComponent(this.#ns)}/networkpolicies/${name}`)
      .catch(() => {});
  }

  /** The default bridge's policy (its members talk to each other as on Docker's bridge). */
  ensureBridgePolicy(): Promise<void> {
    return this.#writePolicy(predefinedNetwork(this.#ns, 'bridge', this.#created));
  }
}

function untilMs(v: string, now: number): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const m = /^(\d+)(s|m|h)$/.exec(v);
  if (m) return now - Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidParameter(`invalid filter 'until=${v}'`);
  return t;
}

function matches(n: NetworkRecord, f: NetworkFilters, inUse: () => boolean): boolean {
  const builtin = (PREDEFINED as readonly string[]).includes(n.Name);
  const any = (key: string, test: (v: string) => boolean) => {
    const values = f.get(key);
    return !values || values.length === 0 || values.some(test);
  };
  return (
    any('name', (v) => n.Name.includes(v)) &&
    any('id', (v) => n.Id.startsWith(v)) &&
    labelsMatch(n.Labels, f.get('label') ?? [], []) &&
    any('driver', (v) => n.Driver === v) &&
    any('scope', (v) => v === 'local') &&
    any('type', (v) => (v === 'builtin' ? builtin : v === 'custom' ? !builtin : false)) &&
    any('dangling', (v) => {
      const want = v === 'true' || v === '1';
      return !builtin && want !== inUse();
    })
  );
}
