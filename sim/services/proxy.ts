// The service proxy, as the original userspace kube-proxy: for every port of every service with a
// cluster IP, a socket listening on clusterIP:port that relays each TCP connection (and each UDP
// client) to a ready endpoint, round-robin (or by client IP with sessionAffinity: ClientIP).
// No ready endpoint: the connection is reset, as the iptables proxy's REJECT rule refuses it.
import dgram from 'node:dgram';
import net from 'node:net';
import type { KubeObject } from '../store/types.ts';
import { type AddressManager, inCidr } from './addresses.ts';
import { backendPort, clusterIPv4s, type Service, type ServicePort } from './model.ts';
import type { ClusterView } from './view.ts';

export interface ServiceProxyOptions {
  view: ClusterView;
  addresses: AddressManager;
  /** Only cluster IPs in this range are proxied: the simulator serves no address it did not allocate. */
  serviceCIDR: string;
  /**
   * Only endpoints in these ranges are connected to (the pod network, loopback): an Endpoints object
   * naming any other address (a selector-less Service's) must not make the host send traffic off the machine.
   */
  backendCIDRs: string[];
  log?: (msg: string) => void;
  /** How long a UDP client's relay lives without traffic. */
  udpIdleMs?: number;
}

export interface ServiceProxy {
  /** Resolves once the services that exist now are being served. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

interface Listener {
  svcKey: string;
  portName: string;
  close(): Promise<void>;
}

export function startServiceProxy(options: ServiceProxyOptions): ServiceProxy {
  const { view, addresses, serviceCIDR } = options;
  const log = options.log ?? (() => {});
  const listeners = new Map<string, Listener>(); // `${ip}:${port}/${proto}`
  const ipsByService = new Map<string, Set<string>>();
  const rr = new Map<string, number>();
  const affinity = new Map<string, { backend: string; until: number }>();
  const chains = new Map<string, Promise<void>>();
  const refused = new Set<string>();
  let closed = false;

  /** The ready backends of a service port, as ip:port strings. */
  const targets = (svcKey: string, portName: string): string[] => {
    const [ns, name] = svcKey.split('/');
    const svc = view.service(ns, name);
    if (!svc) return [];
    const sp = svc.spec?.ports?.find((p) => (p.name ?? '') === portName);
    if (!sp) return [];
    const out: string[] = [];
    for (const b of view.backends(svc)) {
      if (!b.ready) continue;
      if (!options.backendCIDRs.some((cidr) => inCidr(b.ip, cidr))) {
        if (!refused.has(b.ip)) log(`services: ${svcKey}: endpoint ${b.ip} is outside the cluster; not proxied`);
        refused.add(b.ip);
        continue;
      }
      const port = backendPort(b, sp);
      if (port !== undefined) out.push(`${b.ip}:${port}`);
    }
    return out;
  };

  const pick = (listenerKey: string, svcKey: string, portName: string, client: string | undefined): string[] => {
    const all = targets(svcKey, portName);
    if (all.length === 0) return [];
    const [ns, name] = svcKey.split('/');
    const svc = view.service(ns, name);
    const sticky = (svc?.spec as { sessionAffinity?: string } | undefined)?.sessionAffinity === 'ClientIP' && !!client;
    if (sticky) {
      const a = affinity.get(`${listenerKey}|${client}`);
      if (a && a.until > Date.now() && all.includes(a.backend)) {
        return [a.backend, ...all.filter((t) => t !== a.backend)];
      }
    }
    const n = rr.get(listenerKey) ?? 0;
    rr.set(listenerKey, n + 1);
    const start = n % all.length;
    const order = [...all.slice(start), ...all.slice(0, start)];
    if (sticky) affinity.set(`${listenerKey}|${client}`, { backend: order[0], until: Date.now() + 10_800_000 });
    return order;
  };

  const tcpListener = async (ip: string, sp: ServicePort, svcKey: string): Promise<Listener> => {
    const lkey = `${ip}:${sp.port}/TCP`;
    const portName = sp.name ?? '';
    const sockets = new Set<net.Socket>();
    const server = net.createServer({ allowHalfOpen: true }, (client) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('error', () => {});
      const order = pick(lkey, svcKey, portName, client.remoteAddress);
      const attempt = (i: number) => {
        if (i >= order.length || client.destroyed) {
          client.resetAndDestroy();
          return;
        }
        const [host, port] = order[i].split(':');
        const upstream = net.connect({ host, port: Number(port), allowHalfOpen: true });
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        upstream.setTimeout(5000, () => upstream.destroy(new Error('connect timeout')));
        let connected = false;
        upstream.once('connect', () => {
          connected = true;
          upstream.setTimeout(0);
          client.pipe(upstream);
          upstream.pipe(client);
        });
        upstream.on('error', (err) => {
          if (!connected) {
            log(`services: ${svcKey} ${lkey} → ${order[i]}: ${err.message}`);
            attempt(i + 1);
          } else client.destroy();
        });
        client.on('error', () => upstream.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => {
          if (connected && !client.destroyed) client.end();
        });
      };
      attempt(0);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(sp.port, ip, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return {
      svcKey,
      portName,
      close: () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    };
  };

  const udpListener = async (ip: string, sp: ServicePort, svcKey: string): Promise<Listener> => {
    const lkey = `${ip}:${sp.port}/UDP`;
    const portName = sp.name ?? '';
    const idle = options.udpIdleMs ?? 5_000;
    const relays = new Map<string, { socket: dgram.Socket; timer: NodeJS.Timeout; connected: boolean }>();
    const server = dgram.createSocket('udp4');
    server.on('error', (err) => log(`services: ${lkey}: ${err.message}`));
    server.on('message', (msg, rinfo) => {
      const client = `${rinfo.address}:${rinfo.port}`;
      let relay = relays.get(client);
      if (!relay) {
        const [target] = pick(lkey, svcKey, portName, rinfo.address);
        if (!target) return;
        const [host, port] = target.split(':');
        const socket = dgram.createSocket('udp4');
        socket.on('error', () => {});
        socket.on('message', (reply) => {
          server.send(reply, rinfo.port, rinfo.address);
          const r = relays.get(client);
          r?.timer.refresh();
        });
        const timer = setTimeout(() => {
          relays.delete(client);
          socket.close();
        }, idle);
        timer.unref();
        const created = { socket, timer, connected: false };
        socket.connect(Number(port), host, () => {
          created.connected = true;
        });
        relay = created;
        relays.set(client, relay);
      }
      relay.timer.refresh();
      const r = relay;
      if (r.connected) r.socket.send(msg);
      else r.socket.once('connect', () => r.socket.send(msg));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.bind(sp.port, ip, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return {
      svcKey,
      portName,
      close: () =>
        new Promise<void>((resolve) => {
          for (const r of relays.values()) {
            clearTimeout(r.timer);
            r.socket.close();
          }
          relays.clear();
          server.close(() => resolve());
        }),
    };
  };

  const reconcile = async (svcKey: string) => {
    const [ns, name] = svcKey.split('/');
    const svc = closed ? undefined : view.service(ns, name);
    const wanted = new Map<string, { ip: string; port: ServicePort }>();
    for (const ip of svc ? clusterIPv4s(svc) : []) {
      if (!inCidr(ip, serviceCIDR)) continue;
      for (const p of svc?.spec?.ports ?? []) {
        const proto = (p.protocol ?? 'TCP').toUpperCase();
        if (proto !== 'TCP' && proto !== 'UDP') continue;
        wanted.set(`${ip}:${p.port}/${proto}`, { ip, port: p });
      }
    }
    for (const [k, l] of [...listeners]) {
      if (l.svcKey !== svcKey) continue;
      const w = wanted.get(k);
      if (w && (w.port.name ?? '') === l.portName) continue;
      listeners.delete(k);
      await l.close();
    }
    const ips = new Set([...wanted.values()].map((w) => w.ip));
    const had = ipsByService.get(svcKey) ?? new Set<string>();
    for (const ip of ips) if (!had.has(ip)) await addresses.add(ip);
    for (const [k, w] of wanted) {
      if (listeners.has(k)) continue;
      try {
        const make = k.endsWith('/UDP') ? udpListener : tcpListener;
        listeners.set(k, await make(w.ip, w.port, svcKey));
      } catch (err) {
        log(`services: cannot serve ${svcKey} on ${k}: ${(err as Error).message}`);
      }
    }
    for (const ip of had) if (!ips.has(ip)) await addresses.remove(ip);
    if (ips.size) ipsByService.set(svcKey, ips);
    else ipsByService.delete(svcKey);
  };

  const schedule = (svcKey: string): Promise<void> => {
    const next = (chains.get(svcKey) ?? Promise.resolve())
      .then(() => reconcile(svcKey))
      .catch((err: Error) => log(`services: ${svcKey}: ${err.message}`));
    chains.set(svcKey, next);
    void next.then(() => {
      if (chains.get(svcKey) === next) chains.delete(svcKey);
    });
    return next;
  };

  const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  const unsubscribe = view.onChange((kind, o) => {
    if (kind === 'services') void schedule(keyOf(o));
  });
  const initial = Promise.all([...view.services()].map((s: Service) => schedule(keyOf(s)))).then(() => {});

  return {
    ready: () => initial,
    async close() {
      closed = true;
      unsubscribe();
      await Promise.all([...chains.values()]);
      const keys = new Set([...listeners.values()].map((l) => l.svcKey));
      for (const k of ipsByService.keys()) keys.add(k);
      await Promise.all([...keys].map((k) => schedule(k)));
    },
  };
}
