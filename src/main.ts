// Composition root: parse the configuration, build every service, wire them, listen, and shut down cleanly.

import { readFileSync } from 'node:fs';
import { startApiServer } from './api/api-server.ts';
import type { Route } from './api/context.ts';
import { systemRoutes } from './api/system/routes.ts';
import { type Config, ConfigError, helpText, parseConfig } from './config.ts';
import { SystemEngine } from './engine/system/system-engine.ts';
import { KubeCache } from './kube/cache.ts';
import { KubeClient } from './kube/client.ts';
import { KubeConnection } from './kube/connection.ts';
import { KubeconfigError, loadKubeconfig } from './kube/kubeconfig.ts';
import { KubeTransport } from './kube/transport.ts';
import { createLogger } from './log.ts';

const SERVER_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
const GIT_COMMIT = process.env.BADIDEA_GIT_COMMIT ?? '';

async function run(config: Config): Promise<void> {
  const log = createLogger({ level: config.logLevel });
  const target = loadKubeconfig(config);
  const connection = new KubeConnection(new KubeTransport(target), { log: log.child({ component: 'kube' }) });
  const client = new KubeClient(connection);
  const cache = new KubeCache({ client, log: log.child({ component: 'cache' }) });

  const system = new SystemEngine({ cache, client, serverVersion: SERVER_VERSION });
  // One table per resource; the containers engine adds its own here.
  const routes: Route[][] = [systemRoutes(system, { serverVersion: SERVER_VERSION, gitCommit: GIT_COMMIT })];

  const tls = config.tls && {
    cert: readFileSync(config.tls.cert),
    key: readFileSync(config.tls.key),
    ca: config.tls.ca ? readFileSync(config.tls.ca) : undefined,
  };
  const server = await startApiServer({
    listen: config.listen,
    tls,
    auth: { tokens: config.tokens, requireAuth: config.requireAuth },
    log: log.child({ component: 'api' }),
    serverVersion: SERVER_VERSION,
    maxBodyBytes: config.maxBodyBytes,
    routes,
  });

  void connection.start().then(() => {
    if (connection.up)
      log.info('kubernetes cluster reachable', {
        cluster: connection.description,
        version: connection.version?.gitVersion,
      });
  });
  cache.start();

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
    await cache.stop();
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
