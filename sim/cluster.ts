// The simulated cluster, composed: store, API server, controllers, one node (kubelet on the local
// Docker Engine), cluster DNS and ClusterIP services, on a Docker network of its own. The only place
// the sim parts are constructed and wired; `sim/main.ts`, `sim/demo.ts` and the test harness start
// clusters through startCluster().
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Docker from 'dockerode';
import { startApiServer } from './apiserver/server.ts';
import { kubeconfigYaml } from './apiserver/test-server.ts';
import { startEndpointsController } from './controllers/endpoints.ts';
import { createEventRecorder } from './controllers/events.ts';
import { startGarbageCollector } from './controllers/garbage-collector.ts';
import { startNamespaceController } from './controllers/namespaces.ts';
import { startScheduler } from './controllers/scheduler.ts';
import { startVolumeController } from './controllers/volumes.ts';
import { startDnsServer } from './dns/server.ts';
import { Kubelet } from './kubelet/kubelet.ts';
import { DockerRuntime, type RegistryAuth } from './runtime/docker-runtime.ts';
import { dockerImage } from './runtime/image-ref.ts';
import { bridgeAddresses } from './services/addresses.ts';
import {
  createClusterNetwork,
  newClusterId,
  ownerAlive,
  removeClusterSync,
  removeLeftovers,
} from './services/network.ts';
import { startServiceProxy } from './services/proxy.ts';
import { createKubernetesService, createSystemEndpoints, renewNodeLease } from './services/system-objects.ts';
import { watchClusterView } from './services/view.ts';
import { bootstrap, NODE_NAME } from './store/bootstrap.ts';
import { MemoryStore } from './store/memory-store.ts';
import type { KubeObject } from './store/types.ts';

export interface ClusterOptions {
  /** API server port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Where to write the kubeconfig; default a file in the cluster's temporary directory. */
  kubeconfigPath?: string;
  /** Bearer token; default random. */
  token?: string;
  dockerSocket?: string;
  /** Log lines (default: none). */
  log?: (msg: string) => void;
  /** Close the cluster on SIGINT/SIGTERM, then exit (default true). */
  handleSignals?: boolean;
  /** Kubelet tuning, e.g. short back-offs in tests. */
  kubelet?: { backoffBaseMs?: number; backoffMaxMs?: number; resyncMs?: number; probeTimeScale?: number };
}

export interface SimCluster {
  clusterId: string;
  kubeconfigPath: string;
  /** The kubeconfig's content (YAML). */
  kubeconfig: string;
  /** https://127.0.0.1:<port> */
  url: string;
  token: string;
  caPem: string;
  /** The cluster DNS address in pods' resolv.conf: the kube-dns Service's cluster IP. */
  dnsIP: string;
  /** Where the DNS server itself listens (port 53): the network's gateway, kube-dns's endpoint. */
  dnsServerIP: string;
  network: { name: string; bridge: string; podSubnet: string; serviceCIDR: string; gateway: string };
  nodeName: string;
  /** In-process access to the cluster's objects (same admission and validation as the API). */
  store: MemoryStore;
  createNamespace(name: string): Promise<void>;
  deleteNamespace(name: string): Promise<void>;
  /** Fault injection: the API server stops listening and drops every connection; state is kept. */
  stopApi(): Promise<void>;
  /** Listens again on the same port. */
  startApi(): Promise<void>;
  /** Fault injection: forget the watch history, so watches resuming from an older resourceVersion get 410 Gone. */
  compactWatches(): void;
  /**
   * Fault injection: every client watch ends and cannot resume. The API server drops its
   * connections, the node's Lease is renewed (so the resourceVersion moves past every client's),
   * the history is compacted, and the API server listens again: a watch resumed from the version a
   * client last saw gets 410 Gone, and the client has to list again.
   */
  expireWatches(): Promise<void>;
  /** Fault injection: pulls of this image (any tag when none is given) fail until cleared; returns a function that clears it. */
  failImagePull(image: string, message?: string): () => void;
  /** Fault injection: node-pressure eviction of a running pod (phase Failed, reason Evicted). */
  evictPod(namespace: string, name: string, message?: string): boolean;
  /** Requests the API server received so far, by `verb resource` (e.g. `list pods`); benchmarks diff two snapshots. */
  apiRequests(): Record<string, number>;
  /** Stops everything and removes every container, network, address and file the cluster made. */
  close(): Promise<void>;
}

// Clusters this process has open (with their temporary directories), for the signal and exit
// handlers: the composition root's own bookkeeping.
const open = new Set<SimCluster>();
const dirs = new Map<SimCluster, string>();
const DIR_PREFIX = 'badidea-sim-';

/** Temporary directories of clusters whose process is gone. */
function removeLeftoverDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const id = name.startsWith(DIR_PREFIX) ? name.slice(DIR_PREFIX.length).split('-')[0] : undefined;
    if (id && /^\d+x/.test(id) && !ownerAlive(id)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}
let signalsInstalled = false;

function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    const all = [...open];
    if (all.length === 0) process.exit(code);
    console.error(`sim: ${signal}: stopping ${all.length} cluster(s)`);
    const force = setTimeout(() => process.exit(code), 20_000);
    force.unref();
    void Promise.allSettled(all.map((c) => c.close())).then(() => process.exit(code));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** An image reference without its tag and digest: `127.0.0.1:5000/x/y:1@sha256:…` → `127.0.0.1:5000/x/y`. */
function untagged(ref: string): string {
  const noDigest = ref.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

let exitHookInstalled = false;

/** On an exit that skipped close(): remove the Docker objects synchronously (sockets and addresses die with the process and the bridge). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of open) {
      removeClusterSync(c.clusterId);
      const dir = dirs.get(c);
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
}

export async function startCluster(options: ClusterOptions = {}): Promise<SimCluster> {
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const docker = new Docker({ socketPath: options.dockerSocket ?? '/var/run/docker.sock' });
  const clusterId = newClusterId();
  removeLeftoverDirs();
  const dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${clusterId}-`));
  const undo: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const unwind = async () => {
    for (const f of undo.reverse()) {
      try {
        await f();
      } catch (err) {
        log(`sim: cleanup: ${(err as Error).message}`);
      }
    }
    undo.length = 0;
  };

  try {
    await removeLeftovers(docker, log);
    const net = await createClusterNetwork(docker, clusterId, log);
    undo.push(() => net.remove());

    const store = new MemoryStore({ serviceCIDR: net.serviceCIDR });
    // The `kubernetes` Service on the first address of this cluster's service range, before
    // bootstrap() (which skips what exists) would ask for its default range's address.
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const token = options.token ?? randomBytes(24).toString('base64url');

    const runtime = new DockerRuntime({
      clusterId,
      networkName: net.networkName,
      socketPath: options.dockerSocket,
    });
    const failing = new Map<string, string>();
    const pull = runtime.pullImage.bind(runtime);
    runtime.pullImage = async (ref: string, auth?: RegistryAuth) => {
      const image = dockerImage(ref);
      const message = failing.get(image) ?? failing.get(untagged(image));
      if (message !== undefined) throw new Error(message);
      return pull(ref, auth);
    };

    const kubelet = new Kubelet({
      store,
      clusterId,
      runtime,
      stateDir: join(dir, 'kubelet'),
      clusterDNS: [net.dnsServiceIP],
      clusterDomain: 'cluster.local',
      hostIP: net.gateway,
      log,
      ...options.kubelet,
    });

    const api = await startApiServer({
      store,
      subresources: kubelet,
      metrics: kubelet.metricsSource(),
      host: '127.0.0.1',
      port: options.port ?? 0,
      token,
      tlsDir: join(dir, 'tls'),
      extraSans: [`IP:${net.gateway}`, `IP:${net.firstServiceIP}`],
      log,
    });
    undo.push(() => api.close());
    createKubernetesService(store, net.firstServiceIP, api.port);
    bootstrap(store, { nodeName: NODE_NAME, nodeIP: net.gateway, apiServerPort: api.port });
    createSystemEndpoints(store, {
      apiPort: api.port,
      dnsServiceIP: net.dnsServiceIP,
      dnsServerIP: net.gateway,
      nodeName: NODE_NAME,
    });

    await kubelet.start();
    undo.push(() => kubelet.cleanup());

    const controllerLog = (line: string) => log(line);
    const stops = [
      startScheduler(store, {
        nodeName: NODE_NAME,
        recorder: createEventRecorder(store, { component: 'default-scheduler' }),
        log: controllerLog,
      }),
      startEndpointsController(store, controllerLog),
      startGarbageCollector(
        store,
        createEventRecorder(store, { component: 'garbage-collector-controller' }),
        controllerLog,
      ),
      startNamespaceController(store, controllerLog),
      startVolumeController(store, {
        stateDir: join(dir, 'volumes'),
        nodeName: NODE_NAME,
        recorder: createEventRecorder(store, { component: 'persistentvolume-controller' }),
        log: controllerLog,
      }),
    ];
    undo.push(() => {
      for (const stop of stops) stop();
    });

    const view = watchClusterView(store, log);
    undo.push(() => view.close());
    const dns = await startDnsServer({ view, host: net.gateway, port: 53, zone: 'cluster.local', log });
    undo.push(() => dns.close());
    const proxy = startServiceProxy({
      view,
      addresses: bridgeAddresses(net.bridge),
      serviceCIDR: net.serviceCIDR,
      backendCIDRs: [net.podSubnet, '127.0.0.0/8'],
      log,
    });
    undo.push(() => proxy.close());
    await proxy.ready();

    const kubeconfig = kubeconfigYaml(api.url, api.caPem, token);
    const kubeconfigPath = options.kubeconfigPath ?? join(dir, 'kubeconfig');
    mkdirSync(dirname(kubeconfigPath), { recursive: true });
    writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
    if (options.kubeconfigPath) undo.push(() => rmSync(kubeconfigPath, { force: true }));

    const renewLease = () => renewNodeLease(store, NODE_NAME);
    renewLease();

    let closing: Promise<void> | undefined;
    const cluster: SimCluster = {
      clusterId,
      kubeconfigPath,
      kubeconfig,
      url: api.url,
      token,
      caPem: api.caPem,
      dnsIP: net.dnsServiceIP,
      dnsServerIP: net.gateway,
      network: {
        name: net.networkName,
        bridge: net.bridge,
        podSubnet: net.podSubnet,
        serviceCIDR: net.serviceCIDR,
        gateway: net.gateway,
      },
      nodeName: NODE_NAME,
      store,
      async createNamespace(name) {
        store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KubeObject);
      },
      async deleteNamespace(name) {
        store.delete('namespaces', undefined, name);
      },
      stopApi: () => api.stop(),
      startApi: () => api.restart(),
      compactWatches: () => store.compact(),
      async expireWatches() {
        await api.stop();
        try {
          renewLease();
          store.compact();
        } finally {
          await api.restart();
        }
      },
      failImagePull(image, message) {
        const key = dockerImage(image);
        const bare = /[:@]/.test(image.split('/').pop() ?? '') ? key : untagged(key);
        failing.set(bare, message ?? `failed to pull and unpack image "${key}": injected failure`);
        return () => failing.delete(bare);
      },
      evictPod: (namespace, name, message) => kubelet.evict(namespace, name, message),
      apiRequests: () => api.requestCounts(),
      close() {
        closing ??= (async () => {
          open.delete(cluster);
          dirs.delete(cluster);
          log(`sim: stopping cluster ${clusterId}`);
          await unwind();
        })();
        return closing;
      },
    };
    open.add(cluster);
    dirs.set(cluster, dir);
    installExitHook();
    if (options.handleSignals !== false) installSignalHandlers();
    log(
      `sim: cluster ${clusterId} up in ${Math.round(performance.now() - t0)} ms: API ${api.url}, DNS ${net.dnsServiceIP}`,
    );
    return cluster;
  } catch (err) {
    await unwind();
    throw err;
  }
}
