// Test certificates made with openssl: a CA, a server certificate for 127.0.0.1/localhost, and a client
// certificate, laid out as the docker CLI expects in DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCerts {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  /** DOCKER_CERT_PATH for a client with a certificate signed by the CA. */
  clientDir: string;
  /** DOCKER_CERT_PATH for a client whose certificate is signed by another CA. */
  strangerDir: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

function makeCa(dir: string, name: string): void {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
}

function sign(dir: string, ca: string, name: string, cn: string, ext: string): void {
  openssl(
    ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`],
    dir,
  );
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}-key.pem`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
}

export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'badidea-certs-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  sign(dir, 'ca', 'server', 'badidea', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  sign(dir, 'ca', 'client', 'alice', 'extendedKeyUsage=clientAuth\n');
  sign(dir, 'other-ca', 'stranger', 'mallory', 'extendedKeyUsage=clientAuth\n');
  const clientDir = join(dir, 'client');
  const strangerDir = join(dir, 'stranger');
  mkdirSync(clientDir);
  mkdirSync(strangerDir);
  for (const [d, n] of [
    [clientDir, 'client'],
    [strangerDir, 'stranger'],
  ]) {
    execFileSync('cp', [join(dir, 'ca.pem'), join(d, 'ca.pem')]);
    execFileSync('cp', [join(dir, `${n}.pem`), join(d, 'cert.pem')]);
    execFileSync('cp', [join(dir, `${n}-key.pem`), join(d, 'key.pem')]);
  }
  return {
    dir,
    ca: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server-key.pem'),
    clientDir,
    strangerDir,
  };
}
