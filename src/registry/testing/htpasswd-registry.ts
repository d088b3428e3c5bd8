// Test support (never used by the server): a private registry (Debian's docker-registry, distribution 2.8) with
// htpasswd auth on a free loopback port, with its own storage in a temporary directory.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_USER = 'tester';
export const TEST_PASSWORD = 's3cret';
// bcrypt of TEST_PASSWORD (cost 5); distribution's htpasswd accepts only bcrypt. Fixed here so no tool is needed.
const HTPASSWD = `${TEST_USER}:$2b$05$flhYDRlvXApipBejmsj64eGrqkvBIKZvaZZjEQTuAIcZV/hHRE8n6\n`;

export interface PrivateRegistry {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export function registryBinary(): string {
  return process.env.BADIDEA_TEST_REGISTRY_BIN ?? '/usr/bin/docker-registry';
}

export async function startPrivateRegistry(): Promise<PrivateRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'badidea-registry-'));
  const port = await freePort();
  writeFileSync(join(dir, 'htpasswd'), HTPASSWD);
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: { level: error }',
      `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }`,
      `http: { addr: 127.0.0.1:${port} }`,
      `auth: { htpasswd: { realm: badidea-test, path: ${join(dir, 'htpasswd')} } }`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(registryBinary(), ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/v2/`);
      if (r.status === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error(`docker-registry did not start on ${base}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: `127.0.0.1:${port}`,
    base,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
