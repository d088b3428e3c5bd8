// Flags and environment variables, parsed and validated once. Every flag has an env var; the flag wins.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isLoopbackHost, type ListenAddress, parseListenAddress } from './api/listen-address.ts';
import { LOG_LEVELS, type LogLevel } from './log.ts';
import { REGISTRY_FLAGS, type RegistryOptions, RegistryOptionsError, registryOptions } from './registry/options.ts';

export interface TlsFiles {
  cert: string;
  key: string;
  /** Client CA bundle: when set, client certificates signed by it authenticate (mutual TLS). */
  ca?: string;
}

export interface Config {
  listen: ListenAddress[];
  tls?: TlsFiles;
  /** Bearer tokens accepted from clients (from --token-file and BADIDEA_TOKENS). */
  tokens: string[];
  requireAuth: boolean;
  insecure: boolean;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  logLevel: LogLevel;
  maxBodyBytes: number;
  shutdownTimeoutMs: number;
  /** How long `docker start` waits for a container's pod to run before answering with an error. */
  startTimeoutMs: number;
  /** Testcontainers sessions that created nothing for this long and have no live Ryuk are removed; 0: never. */
  reapSessionsAfterMs: number;
  /** The image of the placeholder pod of a built-in Ryuk container. */
  placeholderImage: string;
  /** How published ports reach pods: direct TCP to the pod IP, the port-forward API, or auto (probe). */
  portMode: 'auto' | 'direct' | 'port-forward';
  /** Claims of new volumes: size (a Kubernetes quantity), StorageClass ('' = the cluster's default), access mode. */
  volumes: {
    size: string;
    storageClass: string;
    accessMode: 'ReadWriteOnce' | 'ReadWriteMany' | 'ReadWriteOncePod' | 'ReadOnlyMany';
  };
  registry: RegistryOptions;
}

interface FlagSpec {
  name: string;
  env: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  arg?: string;
  help: string;
}

export const FLAGS: readonly FlagSpec[] = [
  {
    name: 'listen',
    short: 'H',
    env: 'BADIDEA_LISTEN',
    type: 'string',
    multiple: true,
    arg: 'ADDR',
    help: 'tcp://HOST:PORT or unix:///path; repeatable (env: comma-separated). Default tcp://127.0.0.1:2375, or :2376 with TLS',
  },
  {
    name: 'tls-cert',
    env: 'BADIDEA_TLS_CERT',
    type: 'string',
    arg: 'FILE',
    help: 'server certificate (PEM); enables TLS on TCP listeners',
  },
  { name: 'tls-key', env: 'BADIDEA_TLS_KEY', type: 'string', arg: 'FILE', help: 'server private key (PEM)' },
  {
    name: 'tls-ca',
    env: 'BADIDEA_TLS_CA',
    type: 'string',
    arg: 'FILE',
    help: 'client CA (PEM): clients presenting a certificate it signed are authenticated (docker --tlsverify)',
  },
  {
    name: 'token-file',
    env: 'BADIDEA_TOKEN_FILE',
    type: 'string',
    arg: 'FILE',
    help: 'file of accepted tokens, one per line (# comments); BADIDEA_TOKENS adds comma-separated tokens',
  },
  {
    name: 'require-auth',
    env: 'BADIDEA_REQUIRE_AUTH',
    type: 'boolean',
    help: 'demand a client certificate or token on every listener, unix sockets and loopback included',
  },
  {
    name: 'insecure',
    env: 'BADIDEA_INSECURE',
    type: 'boolean',
    help: 'allow listening on a non-loopback TCP address without client certificates or tokens',
  },
  {
    name: 'kubeconfig',
    env: 'BADIDEA_KUBECONFIG',
    type: 'string',
    arg: 'FILE',
    help: 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, then in-cluster config)',
  },
  {
    name: 'context',
    env: 'BADIDEA_CONTEXT',
    type: 'string',
    arg: 'NAME',
    help: 'kubeconfig context (default: current-context)',
  },
  {
    name: 'namespace',
    env: 'BADIDEA_NAMESPACE',
    type: 'string',
    arg: 'NS',
    help: "namespace for everything badidea creates (default: the context's namespace, else default)",
  },
  {
    name: 'log-level',
    env: 'BADIDEA_LOG_LEVEL',
    type: 'string',
    arg: 'LEVEL',
    help: 'debug, info, warn or error (default info); logs are JSON lines on stderr',
  },
  {
    name: 'max-body-size',
    env: 'BADIDEA_MAX_BODY_SIZE',
    type: 'string',
    arg: 'BYTES',
    help: 'largest JSON request body accepted, e.g. 10m (default 10m); larger bodies get 413',
  },
  {
    name: 'shutdown-timeout',
    env: 'BADIDEA_SHUTDOWN_TIMEOUT',
    type: 'string',
    arg: 'SECONDS',
    help: 'on SIGTERM/SIGINT, how long open requests and streams may take before they are closed (default 10)',
  },
  {
    name: 'start-timeout',
    env: 'BADIDEA_START_TIMEOUT',
    type: 'string',
    arg: 'SECONDS',
    help: 'how long docker start waits for the pod to run (scheduling, image pull) before it fails (default 120)',
  },
  {
    name: 'reap-sessions-after',
    env: 'BADIDEA_REAP_SESSIONS_AFTER',
    type: 'string',
    arg: 'SECONDS',
    help: 'remove what a Testcontainers session left (containers, networks, volumes with its session label) once it created nothing for this long and no Ryuk guards it; 0 never (default 3600)',
  },
  {
    name: 'placeholder-image',
    env: 'BADIDEA_PLACEHOLDER_IMAGE',
    type: 'string',
    arg: 'IMAGE',
    help: 'image of the pod that holds the place of a Ryuk container, whose protocol badidea serves itself; needs sh and sleep (default busybox:latest)',
  },
  {
    name: 'port-mode',
    env: 'BADIDEA_PORT_MODE',
    type: 'string',
    arg: 'MODE',
    help: 'how published ports (-p) reach pods: direct (TCP to the pod IP, in-cluster), port-forward (the Kubernetes API), or auto (direct when pod IPs answer; default)',
  },
  {
    name: 'volume-size',
    env: 'BADIDEA_VOLUME_SIZE',
    type: 'string',
    arg: 'QUANTITY',
    help: 'size of the PersistentVolumeClaim of a volume created without -o size= (default 1Gi)',
  },
  {
    name: 'volume-storage-class',
    env: 'BADIDEA_VOLUME_STORAGE_CLASS',
    type: 'string',
    arg: 'NAME',
    help: "StorageClass of volumes created without -o storageclass= (default: the cluster's default StorageClass)",
  },
  {
    name: 'volume-access-mode',
    env: 'BADIDEA_VOLUME_ACCESS_MODE',
    type: 'string',
    arg: 'MODE',
    help: 'access mode of new volumes: ReadWriteOnce (default; containers sharing a volume must run on one node), ReadWriteMany, ReadWriteOncePod',
  },
  ...REGISTRY_FLAGS,
];

export class ConfigError extends Error {}

export type ParsedArgs = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: Config };

export interface ConfigIo {
  readFile: (path: string) => string;
}

const defaultIo: ConfigIo = { readFile: (p) => readFileSync(p, 'utf8') };

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv, io: ConfigIo = defaultIo): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
  };
  for (const f of FLAGS) {
    options[f.name] = {
      type: f.type,
      ...(f.multiple ? { multiple: true } : {}),
      ...(f.short ? { short: f.short } : {}),
    };
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, allowPositionals: false, strict: true }));
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };

  const str = (name: string): string | undefined => {
    const v = values[name];
    if (typeof v === 'string') return v;
    const e = env[FLAGS.find((f) => f.name === name)!.env];
    return e === undefined || e === '' ? undefined : e;
  };
  const bool = (name: string): boolean => {
    if (values[name] === true) return true;
    const e = env[FLAGS.find((f) => f.name === name)!.env];
    return e !== undefined && /^(1|true|yes|on)$/i.test(e);
  };
  const listenFlag = values.listen as string[] | undefined;
  const listenTexts = listenFlag?.length ? listenFlag : (env.BADIDEA_LISTEN ?? '').split(',').filter((s) => s.trim());

  const cert = str('tls-cert');
  const key = str('tls-key');
  const ca = str('tls-ca');
  if (Boolean(cert) !== Boolean(key)) throw new ConfigError('--tls-cert and --tls-key must be given together');
  if (ca && !cert) throw new ConfigError('--tls-ca (mutual TLS) needs --tls-cert and --tls-key');
  const tls = cert && key ? { cert, key, ca } : undefined;

  let listen: ListenAddress[];
  try {
    listen = listenTexts.length
      ? listenTexts.map(parseListenAddress)
      : [parseListenAddress(tls ? 'tcp://127.0.0.1:2376' : 'tcp://127.0.0.1:2375')];
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }

  const tokens = loadTokens(str('token-file'), env.BADIDEA_TOKENS, io);
  const requireAuth = bool('require-auth');
  const insecure = bool('insecure');

  for (const a of listen) {
    if (a.kind !== 'tcp') continue;
    if (a.port === 2376 && !tls) {
      throw new ConfigError(
        `refusing to serve plain HTTP on ${a.url}: port 2376 is Docker's TLS port and clients will speak TLS to it; use 2375 or give --tls-cert/--tls-key`,
      );
    }
    if (!isLoopbackHost(a.host) && !tls?.ca && tokens.length === 0 && !insecure) {
      throw new ConfigError(
        `refusing to listen on ${a.url} without authentication: anyone who can reach it could run pods in your cluster. Give --tls-ca (client certificates) or --token-file/BADIDEA_TOKENS, or --insecure to accept the risk`,
      );
    }
  }
  if (requireAuth && !tls?.ca && tokens.length === 0) {
    throw new ConfigError('--require-auth needs a way to authenticate: --tls-ca or --token-file/BADIDEA_TOKENS');
  }

  const portMode = str('port-mode') ?? 'auto';
  if (portMode !== 'auto' && portMode !== 'direct' && portMode !== 'port-forward') {
    throw new ConfigError('--port-mode must be one of auto, direct, port-forward');
  }

  const volumeSize = str('volume-size') ?? '1Gi';
  if (!/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.test(volumeSize)) {
    throw new ConfigError(`--volume-size must be a Kubernetes quantity such as 1Gi or 500Mi, not "${volumeSize}"`);
  }
  const accessMode = str('volume-access-mode') ?? 'ReadWriteOnce';
  if (!['ReadWriteOnce', 'ReadWriteMany', 'ReadWriteOncePod', 'ReadOnlyMany'].includes(accessMode)) {
    throw new ConfigError(
      '--volume-access-mode must be one of ReadWriteOnce, ReadWriteMany, ReadWriteOncePod, ReadOnlyMany',
    );
  }

  const logLevel = (str('log-level') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);

  return {
    kind: 'run',
    config: {
      listen,
      tls,
      tokens,
      requireAuth,
      insecure,
      kubeconfig: str('kubeconfig'),
      context: str('context'),
      namespace: str('namespace'),
      logLevel,
      maxBodyBytes: parseSize(str('max-body-size') ?? '10m'),
      shutdownTimeoutMs: parseSeconds(str('shutdown-timeout') ?? '10') * 1000,
      startTimeoutMs: parseSeconds(str('start-timeout') ?? '120') * 1000,
      portMode,
      reapSessionsAfterMs: parseSeconds(str('reap-sessions-after') ?? '3600') * 1000,
      placeholderImage: str('placeholder-image') ?? 'busybox:latest',
      volumes: {
        size: volumeSize,
        storageClass: str('volume-storage-class') ?? '',
        accessMode: accessMode as Config['volumes']['accessMode'],
      },
      registry: parseRegistry(values, env, io),
    },
  };
}

function parseRegistry(
  values: Record<string, string | boolean | (string | boolean)[] | undefined>,
  env: NodeJS.ProcessEnv,
  io: ConfigIo,
): RegistryOptions {
  const flags: Record<string, string[] | undefined> = {};
  for (const f of REGISTRY_FLAGS) flags[f.name] = (values[f.name] as string[] | undefined)?.map(String);
  try {
    return registryOptions(flags, env, io.readFile);
  } catch (err) {
    if (err instanceof RegistryOptionsError) throw new ConfigError(err.message);
    throw err;
  }
}

function loadTokens(file: string | undefined, envTokens: string | undefined, io: ConfigIo): string[] {
  const tokens: string[] = [];
  if (file) {
    let text: string;
    try {
      text = io.readFile(file);
    } catch (err) {
      throw new ConfigError(`cannot read --token-file ${file}: ${(err as Error).message}`);
    }
    for (const line of text.split('\n')) {
      const t = line.trim();
      if (t && !t.startsWith('#')) tokens.push(t);
    }
  }
  for (const t of (envTokens ?? '').split(',')) if (t.trim()) tokens.push(t.trim());
  for (const t of tokens) {
    if (t.length < 16) throw new ConfigError('every token must be at least 16 characters long');
    if (/\s/.test(t)) throw new ConfigError('tokens must not contain whitespace');
  }
  return tokens;
}

export function parseSize(text: string): number {
  const m = /^(\d+)\s*([kmg]?)i?b?$/i.exec(text.trim());
  if (!m) throw new ConfigError(`invalid size ${text}: expected a number of bytes with an optional k, m or g suffix`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}

function parseSeconds(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`invalid duration ${text}: expected seconds`);
  return n;
}

export function helpText(): string {
  const lines = [
    'badidea: the Docker Engine API, served on Kubernetes (every container an unprivileged pod)',
    '',
    'Usage: badidea [flags]',
    '',
    'Flags (each also read from the environment variable shown):',
  ];
  for (const f of FLAGS) {
    const names = `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.arg ? ` ${f.arg}` : ''}`;
    lines.push(`  ${names.padEnd(32)} ${f.help}`);
    lines.push(`  ${''.padEnd(32)} env ${f.env}`);
  }
  lines.push(`  ${'-h, --help'.padEnd(32)} show this help`);
  lines.push(`  ${'-v, --version'.padEnd(32)} print the version`);
  lines.push(
    '',
    'Authentication: requests over a unix socket or from loopback are served without credentials unless',
    '--require-auth is set. Otherwise a client needs a certificate signed by --tls-ca, or a token sent as',
    '"Authorization: Bearer <token>" (alias header: "X-Badidea: <token>"). With the docker CLI, put the',
    'header in ~/.docker/config.json:  {"HttpHeaders": {"Authorization": "Bearer <token>"}}',
    '',
    'At start badidea prints the DOCKER_HOST to export. Example:',
    '  badidea --kubeconfig ~/.kube/config --namespace sandbox',
    '  export DOCKER_HOST=tcp://127.0.0.1:2375 && docker info',
  );
  return `${lines.join('\n')}\n`;
}
