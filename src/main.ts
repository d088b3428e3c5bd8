// Composition root: parse the configuration, build every service, wire them, listen, and shut down cleanly.

import { readFileSync } from 'node:fs';
import { startApiServer } from './api/api-server.ts';
import { archiveRoutes } from './api/containers/archive-routes.ts';
import { containerRoutes } from './api/containers/routes.ts';
import { containerStreamRoutes } from './api/containers/streams-routes.ts';
import type { Route } from './api/context.ts';
import { eventRoutes } from './api/events/routes.ts';
import { execRoutes } from './api/exec/routes.ts';
import { imageRoutes } from './api/images/routes.ts';
import { networkRoutes } from './api/networks/routes.ts';
import { systemRoutes } from './api/system/routes.ts';
import { volumeRoutes } from './api/volumes/routes.ts';
import { type Config, ConfigError, helpText, parseConfig } from './config.ts';
import { createArchiveEngine } from './engine/archive/archive-engine.ts';
import { withBuiltinRyuk } from './engine/cleanup/builtin-ryuk-image.ts';
import { type PruneTargets, pruneMatching } from './engine/cleanup/label-pruner.ts';
import { RyukService } from './engine/cleanup/ryuk-service.ts';
import { SessionReaper } from './engine/cleanup/session-reaper.ts';
import { ContainersEngine } from './engine/containers/containers-engine.ts';
import { isActive } from './engine/containers/context.ts';
import { ContainerLookup } from './engine/containers/lookup.ts';
import { kubePodExec } from './engine/containers/pod-exec.ts';
import { Reaper } from './engine/containers/reaper.ts';
import { ContainerEventFeed } from './engine/events/container-events.ts';
import { EventBus } from './engine/events/event-bus.ts';
import { EventsEngine } from './engine/events/events-engine.ts';
import { ImagesEngine } from './engine/images/images-engine.ts';
import { kubeObjectApi } from './engine/images/kube-objects.ts';
import type { ConfigMap, Secret } from './engine/images/objects.ts';
import { podImageUsers } from './engine/images/pod-users.ts';
import { ImageService } from './engine/images/service.ts';
import { DnsKeeper } from './engine/networks/dns-keeper.ts';
import { NetworksEngine } from './engine/networks/networks-engine.ts';
import { Dialer, defaultPublishAddress, PortPublisher } from './engine/ports/index.ts';
import { KubePodStreams } from './engine/streams/pod-streams.ts';
import { StreamsEngine } from './engine/streams/streams-engine.ts';
import { SystemEngine } from './engine/system/system-engine.ts';
import { VolumesEngine } from './engine/volumes/volumes-engine.ts';
import { NotFound } from './errors.ts';
import { KubeCache } from './kube/cache.ts';
import { KubeClient } from './kube/client.ts';
import { KubeConnection } from './kube/connection.ts';
import { KubeconfigError, loadKubeconfig } from './kube/kubeconfig.ts';
import { forwardPort } from './kube/streams/port-forward.ts';
import { KubeTransport } from './kube/transport.ts';
import { createLogger } from './log.ts';
import { RegistryClient } from './registry/client.ts';
import type { Pod } from './translate/kube-types.ts';
import type { RyukFilter } from './translate/ryuk.ts';
import { claimNameFor } from './translate/volumes.ts';

const SERVER_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
const GIT_COMMIT = process.env.BADIDEA_GIT_COMMIT ?? '';

const goArch = (a: string) => ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' })[a] ?? a;

async function run(config: Config): Promise<void> {
  const log = createLogger({ level: config.logLevel });
  const target = loadKubeconfig(config);
  const connection = new KubeConnection(new KubeTransport(target), { log: log.child({ component: 'kube' }) });
  const client = new KubeClient(connection);
  const cache = new KubeCache({ client, log: log.child({ component: 'cache' }) });

  const system = new SystemEngine({ cache, client, serverVersion: SERVER_VERSION });
  const listPods = () => cache.lister('pods').list() as unknown as Pod[];

  const registry = new RegistryClient({
    mirrors: config.registry.mirrors,
    insecureRegistries: config.registry.insecureRegistries,
    caCertificates: config.registry.caCertificates,
  });
  const images = new ImagesEngine(
    new ImageService({
      kube: {
        configMaps: kubeObjectApi<ConfigMap>(
          client,
          'configmaps',
          () => cache.lister('configmaps').list() as unknown as ConfigMap[],
        ),
        secrets: kubeObjectApi<Secret>(client, 'secrets', () => cache.lister('secrets').list() as unknown as Secret[]),
      },
      registry: withBuiltinRyuk(registry),
      platform: () => ({ os: 'linux', architecture: goArch(process.arch) }),
      users: podImageUsers(listPods),
    }),
  );

  const lookup = new ContainerLookup({ cache });
  const events = new EventBus();
  const containerEvents = new ContainerEventFeed({ cache, lookup, bus: events });
  const ports = new PortPublisher({
    cache,
    lookup,
    client,
    dialer: new Dialer({
      mode: config.portMode,
      forward: (pod, port, signal) =>
        forwardPort({ kc: target.kc, namespace: target.namespace, pod, port, signal, handshakeTimeoutMs: 30_000 }),
    }),
    log: log.child({ component: 'ports' }),
    defaultHostIp: defaultPublishAddress(config.listen),
    // The built-in Ryuk's port is answered here (ryuk is built below, once the engines it prunes with exist).
    intercept: (c, port, socket): boolean => ryuk.accept(c, port, socket),
  });
  const volumes = new VolumesEngine({
    client,
    cache,
    users: {
      list: () => {
        const all = lookup.list();
        return all.map((c) => ({
          id: c.id,
          name: c.name,
          record: c.record,
          active: isActive(c),
        }));
      },
    },
    defaults: config.volumes,
    log: log.child({ component: 'volumes' }),
  });
  const networks = new NetworksEngine({ client, cache, lookup, log: log.child({ component: 'networks' }) });
  const dnsKeeper = new DnsKeeper({ cache, client, lookup, networks, log: log.child({ component: 'dns' }) });
  const containers = new ContainersEngine({
    networks,
    volumes,
    claimNameFor,
    ports,
    client,
    lookup,
    images,
    events,
    log: log.child({ component: 'containers' }),
    exec: kubePodExec(target.kc, target.namespace),
    startTimeoutMs: config.startTimeoutMs,
    placeholderImage: config.placeholderImage,
  });
  const streams = new StreamsEngine({
    lookup,
    pods: new KubePodStreams({ kc: target.kc, client }),
    events,
    log: log.child({ component: 'streams' }),
  });
  // Auto-remove (--rm) waits until an attach has delivered the run's output (read from the pod's log).
  const reaperCtx = {
    ...containers.ctx,
    async deletePod(name: string, grace?: number) {
      const id = cache.pods.get(name)?.metadata.annotations?.['badidea.dev/id'];
      if (id) await streams.holds.released(id, 30_000);
      return containers.ctx.deletePod(name, grace);
    },
  };
  // docker rm of a stopped container waits the same way for the readers of its log.
  containers.beforeRemoveStopped = (id) => streams.holds.released(id, 30_000);
  const reaper = new Reaper(reaperCtx, cache, log.child({ component: 'reaper' }));

  // Cleanup for Testcontainers: Ryuk served natively, and sessions left behind (docs/ryuk.md).
  const removeForced = (id: string): Promise<void> =>
    containers.remove(id, { force: true, volumes: true, link: false }).catch((err: unknown) => {
      if (!(err instanceof NotFound)) throw err;
    });
  const pruneTargets: PruneTargets = {
    containers: () => lookup.list().map((c) => ({ id: c.id, labels: c.record.config.Labels ?? {} })),
    removeContainer: removeForced,
    pruneNetworks: async (labels) => (await networks.prune(new Map([['label', [...labels]]]))).NetworksDeleted,
    pruneVolumes: async (labels) =>
      (
        await volumes.prune(
          new Map([
            ['label', [...labels]],
            ['all', ['true']],
          ]),
          false,
        )
      ).VolumesDeleted,
  };
  const cleanupLog = log.child({ component: 'cleanup' });
  const prune = (filters: readonly RyukFilter[]) => pruneMatching(pruneTargets, filters, cleanupLog);
  const ryuk: RyukService = new RyukService({ lookup, client, prune, removeContainer: removeForced, log: cleanupLog });
  const sessionReaper =
    config.reapSessionsAfterMs > 0
      ? new SessionReaper({
          maxIdleMs: config.reapSessionsAfterMs,
          subjects: () => [
            ...lookup
              .list()
              .map((c) => ({ labels: c.record.config.Labels ?? {}, created: Date.parse(c.record.created) })),
            ...networks.userNetworks().map((n) => ({ labels: n.Labels, created: Date.parse(n.Created) })),
            ...volumes
              .list(new Map())
              .Volumes.map((v) => ({ labels: v.Labels ?? {}, created: Date.parse(v.CreatedAt ?? '') })),
          ],
          guardedSessions: () => ryuk.guardedSessions(),
          prune,
          log: cleanupLog,
        })
      : undefined;

  // One table per resource.
  const routes: Route[][] = [
    systemRoutes(system, { serverVersion: SERVER_VERSION, gitCommit: GIT_COMMIT }),
    imageRoutes(images),
    volumeRoutes(volumes),
    containerStreamRoutes(streams),
    execRoutes(streams.exec),
    containerRoutes(containers),
    networkRoutes(networks),
    archiveRoutes(
      createArchiveEngine({
        lookup,
        client,
        cache,
        log: log.child({ component: 'archive' }),
        kc: target.kc,
        podOptions: (r) => containers.ctx.podOptions(r),
      }),
    ),
    eventRoutes(new EventsEngine({ bus: events, feed: containerEvents })),
  ];

  const tls = config.tls && {
    cert: readFileSync(config.tls.cert),
    key: readFileSync(config.tls.key),
    ca: config.tls.ca ? readFileSync(config.tls.ca) : undefined,
  };
  void connection.start().then(() => {
    if (connection.up)
      log.info('kubernetes cluster reachable', {
        cluster: connection.description,
        version: connection.version?.gitVersion,
      });
  });
  cache.start();
  // Listen once the first list is in (or the cluster is found down), so the first requests of a client
  // that starts right after the server are served instead of refused with 503 while the cache fills.
  await cache.ready(undefined, 60_000);
  const server = await startApiServer({
    listen: config.listen,
    tls,
    auth: { tokens: config.tokens, requireAuth: config.requireAuth },
    log: log.child({ component: 'api' }),
    serverVersion: SERVER_VERSION,
    maxBodyBytes: config.maxBodyBytes,
    routes,
  });

  void containerEvents.start();
  void reaper.start();
  void cache.hasSynced().then(() => {
    ryuk.start();
    sessionReaper?.start();
  });
  ports.start();
  dnsKeeper.start();

  log.info('badidea started', {
    version: SERVER_VERSION,
    listen: server.listeners.map((l) => l.dockerHost),
    cluster: connection.description,
    context: target.context,
    namespace: target.namespace,
    auth: { tokens: config.tokens.length, clientCa: Boolean(config.tls?.ca), requireAuth: config.requireAuth },
  });
  for (const l of server.listeners) {
    const tlsVars = l.tls ? ' DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=<dir with ca.pem, cert.pem, key.pem>' : '';
    process.stdout.write(`export DOCKER_HOST=${l.dockerHost}${tlsVars}\n`);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal, timeout_ms: config.shutdownTimeoutMs });
    await server.shutdown(config.shutdownTimeoutMs);
    reaper.stop();
    ryuk.stop();
    sessionReaper?.stop();
    dnsKeeper.stop();
    await ports.stop();
    containerEvents.stop();
    await cache.stop();
    await registry.close();
    await connection.stop();
    await connection.transport.close();
    log.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseConfig>;
  try {
    parsed = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`badidea: ${err.message}\nRun 'badidea --help' for the flags.\n`);
      process.exit(2);
    }
    throw err;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(helpText());
    return;
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`badidea ${SERVER_VERSION}\n`);
    return;
  }
  try {
    await run(parsed.config);
  } catch (err) {
    if (err instanceof KubeconfigError || (err as NodeJS.ErrnoException).code) {
      process.stderr.write(`badidea: ${(err as Error).message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

await main();
