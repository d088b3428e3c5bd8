// A CA and a server certificate for the simulated API server, made with the Debian `openssl` CLI
// (no npm dependency: node:crypto cannot issue X.509 certificates, and openssl is on every machine
// the simulator runs on). Reused when the directory already holds them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const DEFAULT_SANS = [
  'IP:127.0.0.1',
  'DNS:localhost',
  'IP:10.96.0.1',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
];

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** `extraSans` like 'IP:172.17.0.1' or 'DNS:host'. */
export function ensureTls(dir: string, extraSans: string[] = []): TlsMaterial {
  mkdirSync(dir, { recursive: true });
  const sans = [...DEFAULT_SANS, ...extraSans].join(',');
  const stamp = join(dir, 'sans.txt');
  const files = ['ca.crt', 'ca.key', 'server.crt', 'server.key'].map((f) => join(dir, f));
  const fresh = files.every((f) => existsSync(f)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === sans;
  if (!fresh) {
    if (!files.slice(0, 2).every((f) => existsSync(f))) {
      openssl(
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          'ca.key',
          '-out',
          'ca.crt',
          '-days',
          '3650',
          '-subj',
          '/CN=badidea-sim-ca',
          '-addext',
          'basicConstraints=critical,CA:TRUE',
          '-addext',
          'keyUsage=critical,keyCertSign,cRLSign',
        ],
        dir,
      );
    }
    writeFileSync(
      join(dir, 'server.ext'),
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans}\n`,
    );
    openssl(
      [
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        'server.key',
        '-out',
        'server.csr',
        '-subj',
        '/CN=kube-apiserver',
      ],
      dir,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'server.crt',
        '-days',
        '3650',
        '-extfile',
        'server.ext',
      ],
      dir,
    );
    writeFileSync(stamp, sans);
  }
  return {
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    certPem: readFileSync(join(dir, 'server.crt'), 'utf8'),
    keyPem: readFileSync(join(dir, 'server.key'), 'utf8'),
  };
}
