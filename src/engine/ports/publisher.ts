// The port publisher: host listeners for containers' published ports, driven by the pod cache.
//
// - At start (`reserve`, called by the start flow before it ungates or creates the run's pod) the host ports are
//   bound here, random ones chosen by the OS, and recorded with a token in the pod annotation
//   `badidea.dev/ports`. A taken port fails the start with Docker's "port is already allocated" (409).
// - The cache then drives the rest: a run whose pod is active (ungated, not terminal, not being deleted) and
//   carries the annotation has its listeners open; otherwise they are closed (docker stop, rm, the run ended).
// - A restarted server (or another replica) re-opens the recorded listeners from the annotation alone. Every
//   replica serves every published port on its own host: behind one address (a load balancer) any replica can
//   carry a connection. A port another process holds on this host is retried every few seconds.

import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { Conflict, InvalidParameter } from '../../errors.ts';
import type { KubeCache } from '../../kube/cache.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { Logger } from '../../log.ts';
import type { Pod } from '../../translate/kube-types.ts';
import {
  encodePublished,
  type HostBinding,
  PORTS_ANNOTATION,
  type PortRequest,
  portAllocatedMessage,
  publishedOf,
  requestedPorts,
  unpublishableReason,
} from '../../translate/ports.ts';
import { ID_ANNOTATION, START_GATE } from '../../translate/record.ts';
import type { ContainerLookup, FoundContainer } from '../containers/lookup.ts';
import { carry } from './carrier.ts';
import type { Dialer, DialTarget } from './dialer.ts';
import { BindError, HostListener } from './host-listener.ts';
import { ServiceKeeper } from './services.ts';

/** What the start flow gets back: annotations for the run's pod, and release() if it could not write them. */
export interface PortReservation {
  annotations: Record<string, string>;
  release(): void;
}

/** The hook the container lifecycle calls (src/engine/containers). */
export interface PortHooks {
  reserve(c: FoundContainer): Promise<PortReservation>;
}

export interface PortPublisherDeps {
  cache: KubeCache;
  lookup: ContainerLookup;
  client: KubeClient;
  dialer: Dialer;
  log: Logger;
  /** Where ports without a HostIp are published (the API listener's address). */
  defaultHostIp: string;
  /** Create a Service per container with ports (default true). */
  services?: boolean;
  /** Re-check every container this often: binds that failed, reservations never written (default 5 s). */
  resyncMs?: number;
  /** How long a connection to a refused or not-yet-running port is retried (default 3 s). */
  retryWindowMs?: number;
  /** Takes a connection that badidea answers itself (the built-in Ryuk's port); false to carry it to the pod. */
  intercept?: (c: FoundContainer, containerPort: number, socket: Socket) => boolean;
  now?: () => number;
}

interface Held {
  token: string;
  /** The cache has shown a pod with this token (before that, it is a reservation in flight). */
  seen: boolean;
  since: number;
  bindings: HostBinding[];
  listeners: Map<string, HostListener>;
}

const NO_PORTS: PortReservation = { annotations: {}, release() {} };
/** A reservation whose pod write never showed in the cache is dropped after this long. */
const ABANDONED_MS = 10 * 60_000;

const bindingKey = (b: HostBinding) => `${b.hostIp}|${b.hostPort}|${b.containerPort}`;

export class PortPublisher implements PortHooks {
  readonly #d: PortPublisherDeps;
  readonly #held = new Map<string, Held>();
  readonly #now: () => number;
  readonly #services: ServiceKeeper | undefined;
  #unsubscribe = () => {};
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(deps: PortPublisherDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#services =
      deps.services === false
        ? undefined
        : new ServiceKeeper({ cache: deps.cache, client: deps.client, log: deps.log });
  }

  start(): void {
    this.#unsubscribe = this.#d.cache.subscribe<Pod & KubeObject>('pods', (e) => {
      const id = e.object.metadata.annotations?.[ID_ANNOTATION];
      if (id) this.#reconcile(id);
    });
    this.#timer = setInterval(() => this.#reconcileAll(), this.#d.resyncMs ?? 5000);
    this.#timer.unref();
    void this.#d.cache.hasSynced().then(() => this.#reconcileAll());
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe();
    clearInterval(this.#timer);
    const all = [...this.#held.values()];
    this.#held.clear();
    await Promise.all(all.map((h) => closeAll(h)));
  }

  /** Host listeners open now (for tests and logs). */
  listening(): { containerId: string; hostIp: string; hostPort: number; containerPort: number }[] {
    return [...this.#held.entries()].flatMap(([id, h]) =>
      h.bindings
        .filter((b) => h.listeners.has(bindingKey(b)))
        .map((b) => ({ containerId: id, hostIp: b.hostIp, hostPort: b.hostPort, containerPort: b.containerPort })),
    );
  }

  async reserve(c: FoundContainer): Promise<PortReservation> {
    const requests = requestedPorts(c.record).filter((r) => {
      if (r.protocol === 'tcp') return true;
      // -P skips what cannot be carried from outside; an explicit -p x/udp was refused at create.
      if (isExplicit(c, r)) throw new InvalidParameter(unpublishableReason(r.protocol, specText(r)) ?? '');
      return false;
    });
    const old = this.#held.get(c.id);
    if (old) {
      this.#held.delete(c.id);
      await closeAll(old);
    }
    if (requests.length === 0) return NO_PORTS;
    const previous = publishedOf(c.current)?.bindings ?? [];
    const held: Held = {
      token: randomBytes(8).toString('hex'),
      seen: false,
      since: this.#now(),
      bindings: [],
      listeners: new Map(),
    };
    try {
      for (const r of requests) {
        const hostIp = r.hostIp || this.#d.defaultHostIp;
        const listener = await this.#bindRequest(c, r, hostIp, previous);
        const binding: HostBinding = {
          containerPort: r.containerPort,
          protocol: 'tcp',
          hostIp,
          hostPort: listener.port,
        };
        held.bindings.push(binding);
        held.listeners.set(bindingKey(binding), listener);
      }
    } catch (err) {
      await closeAll(held);
      throw err;
    }
    this.#held.set(c.id, held);
    this.#d.log.info('published ports reserved', {
      container: c.id,
      ports: held.bindings.map((b) => `${b.hostIp}:${b.hostPort}->${b.containerPort}/tcp`),
    });
    return {
      annotations: { [PORTS_ANNOTATION]: encodePublished({ token: held.token, bindings: held.bindings }) },
      release: () => {
        if (this.#held.get(c.id) === held && !held.seen) {
          this.#held.delete(c.id);
          void closeAll(held);
        }
      },
    };
  }

  async #bindRequest(
    c: FoundContainer,
    r: PortRequest,
    hostIp: string,
    previous: HostBinding[],
  ): Promise<HostListener> {
    const open = (port: number) => HostListener.open(hostIp, port, (s) => this.#onConnection(c.id, r.containerPort, s));
    if (r.hostPortLow === 0) {
      // A free port: the previous run's when it is still free (stable across docker restart), else the OS's pick.
      const before = previous.find((b) => b.containerPort === r.containerPort && b.hostIp === hostIp);
      if (before) {
        try {
          return await open(before.hostPort);
        } catch {
          // taken meanwhile: any free port
        }
      }
      return open(0).catch((err) => {
        throw bindFailure(c, hostIp, 0, err);
      });
    }
    let last: unknown;
    for (let port = r.hostPortLow; port <= r.hostPortHigh; port++) {
      try {
        return await open(port);
      } catch (err) {
        last = err;
        if (!(err instanceof BindError && err.code === 'EADDRINUSE')) break;
      }
    }
    const shown = r.hostPortLow === r.hostPortHigh ? r.hostPortLow : `${r.hostPortLow}-${r.hostPortHigh}`;
    throw bindFailure(c, hostIp, shown, last);
  }

  #onConnection(containerId: string, containerPort: number, socket: Socket): void {
    if (this.#d.intercept) {
      let c: FoundContainer | undefined;
      try {
        c = this.#d.lookup.byId(containerId);
      } catch {
        c = undefined; // cache unreadable: carried (and retried) as any other port
      }
      if (c && this.#d.intercept(c, containerPort, socket)) return;
    }
    const resolve = (): DialTarget | undefined => {
      const c = this.#d.lookup.byId(containerId);
      const pod = c?.current;
      if (!c || !pod || c.state.status !== 'running') return undefined;
      return { pod: pod.metadata.name ?? '', podIp: pod.status?.podIP ?? '', port: containerPort };
    };
    carry(socket, {
      dialer: this.#d.dialer,
      resolve: () => {
        try {
          return resolve();
        } catch {
          return undefined; // cache unreadable (cluster down): retried, then closed
        }
      },
      log: this.#d.log,
      ...(this.#d.retryWindowMs !== undefined ? { retryWindowMs: this.#d.retryWindowMs } : {}),
    });
  }

  #reconcileAll(): void {
    if (this.#stopped) return;
    let ids: string[];
    try {
      ids = this.#d.lookup.list().map((c) => c.id);
    } catch {
      return; // cache not readable now
    }
    for (const id of new Set([...ids, ...this.#held.keys()])) this.#reconcile(id);
  }

  #reconcile(id: string): void {
    if (this.#stopped) return;
    let c: FoundContainer | undefined;
    let pods: Pod[];
    try {
      c = this.#d.lookup.byId(id);
      pods = this.#d.lookup.containerPods(id);
    } catch {
      return; // cache not readable now: the next event or resync decides
    }
    const desired = c && isActivePod(c.current) ? publishedOf(c.current) : undefined;
    let held = this.#held.get(id);
    if (held && !held.seen) {
      if (pods.some((p) => publishedOf(p)?.token === held?.token)) held.seen = true;
      else if (this.#now() - held.since > ABANDONED_MS) {
        this.#held.delete(id);
        void closeAll(held);
        held = undefined;
      } else return; // a start in flight: its pod write is not in the cache yet
    }
    if (held && held.token !== desired?.token) {
      this.#held.delete(id);
      void closeAll(held);
      this.#d.log.info('published ports closed', { container: id });
      held = undefined;
    }
    if (desired && desired.bindings.length > 0) {
      if (!held) {
        held = {
          token: desired.token,
          seen: true,
          since: this.#now(),
          bindings: desired.bindings,
          listeners: new Map(),
        };
        this.#held.set(id, held);
      }
      this.#openMissing(id, held);
    }
    if (c && this.#services) this.#services.ensure(c, pods);
  }

  /** Recovery (restart, another replica's start) and retries of binds that failed. */
  #openMissing(id: string, held: Held): void {
    for (const b of held.bindings) {
      const key = bindingKey(b);
      if (held.listeners.has(key)) continue;
      held.listeners.set(key, PENDING);
      HostListener.open(b.hostIp, b.hostPort, (s) => this.#onConnection(id, b.containerPort, s)).then(
        (l) => {
          if (this.#held.get(id) !== held || this.#stopped) {
            void l.close();
            return;
          }
          held.listeners.set(key, l);
          this.#d.log.info('published port re-opened', { container: id, port: `${b.hostIp}:${b.hostPort}` });
        },
        (err) => {
          if (held.listeners.get(key) === PENDING) held.listeners.delete(key);
          this.#d.log.warn('cannot re-open a published port (retrying)', {
            container: id,
            port: `${b.hostIp}:${b.hostPort}`,
            error: String(err),
          });
        },
      );
    }
  }
}

/** Placeholder while a re-open is in flight. */
const PENDING = { close: () => Promise.resolve(), port: 0 } as unknown as HostListener;

function closeAll(h: Held): Promise<void> {
  const ls = [...h.listeners.values()];
  h.listeners.clear();
  return Promise.all(ls.map((l) => l.close())).then(() => {});
}

function isActivePod(pod: Pod): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  if (pod.spec.schedulingGates?.some((g) => g.name === START_GATE)) return false;
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

function isExplicit(c: FoundContainer, r: PortRequest): boolean {
  return Object.keys(c.record.hostConfig.PortBindings ?? {}).some(
    (k) => (k.includes('/') ? k.toLowerCase() : `${k}/tcp`) === r.key,
  );
}

function specText(r: PortRequest): string {
  const host =
    r.hostPortLow === 0 ? '' : `${r.hostPortLow}${r.hostPortHigh !== r.hostPortLow ? `-${r.hostPortHigh}` : ''}:`;
  return `${r.hostIp ? `${r.hostIp}:` : ''}${host}${r.key}`;
}

function bindFailure(c: FoundContainer, hostIp: string, port: number | string, err: unknown): Error {
  const code = err instanceof BindError ? err.code : '';
  if (code === 'EADDRINUSE') return new Conflict(portAllocatedMessage(c.name, c.id, hostIp, port));
  if (code === 'EADDRNOTAVAIL') {
    return new InvalidParameter(
      `cannot publish a port on ${hostIp}: the address is not one of badidea's host (publish on an address of that host, or leave the IP out)`,
    );
  }
  if (code === 'EACCES') {
    return new Conflict(
      `cannot publish port ${port} on ${hostIp}: badidea runs unprivileged and may not bind ports below 1024 on its host; choose a host port of 1024 or above`,
    );
  }
  return new Conflict(
    `driver failed programming external connectivity on endpoint ${c.name} (${c.id}): cannot bind ${hostIp}:${port}: ${err instanceof Error ? err.message : String(err)}`,
  );
}
