// Keeps every container's names Service in step with the cache: for each container on a user network, a headless
// selector-less Service `bdns-<id12>` whose Endpoints name (as hostnames) every container it may resolve. The pods'
// resolv.conf search `bdns-<id12>.<ns>.svc.<domain>`, so `db` resolves to db's pod IP on the networks the asking
// container shares with it, and to nothing elsewhere. Desired state is computed from the cache alone, so replicas and
// restarts converge (writes are idempotent); what was last written is only remembered to skip repeats.

import type { KubeCache } from '../../kube/cache.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { Logger } from '../../log.ts';
import {
  DNS_FOR_LABEL,
  desiredNames,
  dnsEndpoints,
  dnsService,
  dnsServiceName,
  type Member,
  runningIp,
} from '../../translate/networks.ts';
import type { ContainerLookup } from '../containers/lookup.ts';
import type { NetworksEngine } from './networks-engine.ts';

export interface DnsKeeperDeps {
  cache: KubeCache;
  client: KubeClient;
  lookup: ContainerLookup;
  networks: NetworksEngine;
  log: Logger;
  /** Coalescing delay after a change (default 100 ms). */
  delayMs?: number;
}

export class DnsKeeper {
  readonly #d: DnsKeeperDeps;
  readonly #written = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #again = false;
  #stopped = false;
  #unsubscribe: (() => void)[] = [];

  constructor(deps: DnsKeeperDeps) {
    this.#d = deps;
  }

  start(): void {
    const kick = () => this.#schedule();
    this.#unsubscribe = [
      this.#d.cache.subscribe('pods', kick),
      this.#d.cache.subscribe('configmaps', kick),
      this.#d.cache.subscribe('services', kick),
    ];
    void this.#d.cache.hasSynced().then(() => {
      void this.#d.networks.ensureBridgePolicy().catch(() => {});
      kick();
    });
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const u of this.#unsubscribe) u();
  }

  #schedule(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#sync(), this.#d.delayMs ?? 100);
  }

  async #sync(): Promise<void> {
    this.#running = true;
    try {
      await this.#syncOnce();
    } catch (err) {
      this.#d.log.warn('cannot update container names', { error: String(err) });
      this.#again = true;
    } finally {
      this.#running = false;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => void this.#sync(), 1000);
      }
    }
  }

  async #syncOnce(): Promise<void> {
    const { client, cache, lookup, networks } = this.#d;
    const containers = lookup.list();
    const members: Member[] = containers.map((c) => ({
      record: c.record,
      ip: c.state.status === 'running' ? runningIp(c.current) : '',
    }));
    const userIds = new Set(networks.userNetworks().map((n) => n.Id));
    const desired = desiredNames(members, userIds);
    const ns = client.namespace;
    const services = cache.lister('services');

    for (const [id, entries] of desired) {
      const name = dnsServiceName(id);
      if (!services.get(name)) {
        try {
          await client.create(client.corePath('services'), dnsService(id, ns) as unknown as KubeObject);
        } catch (err) {
          if ((err as { kind?: string }).kind !== 'Conflict') throw err;
        }
      }
      const body = dnsEndpoints(id, entries, ns);
      const key = JSON.stringify(body);
      if (this.#written.get(name) === key) continue;
      try {
        await client.replace(client.corePath('endpoints', name), body);
      } catch (err) {
        if ((err as { kind?: string }).kind !== 'NotFound') throw err;
        await client.create(client.corePath('endpoints'), body);
      }
      this.#written.set(name, key);
    }

    // Services of containers that are gone or on no user network any more.
    const wanted = new Set([...desired.keys()].map((id) => dnsServiceName(id)));
    for (const svc of services.list()) {
      const name = svc.metadata.name ?? '';
      if (svc.metadata.labels?.[DNS_FOR_LABEL] === undefined || wanted.has(name)) continue;
      for (const kind of ['services', 'endpoints']) {
        await client.delete(client.corePath(kind, name)).catch((err) => {
          if ((err as { kind?: string }).kind !== 'NotFound') throw err;
        });
      }
      this.#written.delete(name);
    }
  }
}
