// Starts the badidea server as a child process (node src/main.ts) for end-to-end tests, on a free port
// (port 0: the server prints the DOCKER_HOST it got), and gives the environment for the docker CLI.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
/** The docker CLI 28 (API 1.50); /usr/bin/docker is an older one. */
export const DOCKER = '/usr/local/bin/docker';

export interface BadideaOptions {
  kubeconfig: string;
  namespace?: string;
  /** Extra flags, e.g. ['--require-auth']. */
  args?: string[];
  env?: Record<string, string>;
  /** Listen addresses; default one TCP listener on 127.0.0.1, free port. */
  listen?: string[];
  /** Client TLS files for DOCKER_CERT_PATH when the server runs with TLS (ca.pem, cert.pem, key.pem). */
  certPath?: string;
  /** HttpHeaders for the docker CLI's config.json. */
  httpHeaders?: Record<string, string>;
  startTimeoutMs?: number;
}

export interface BadideaServer {
  /** DOCKER_HOST values, one per listener, in order. */
  dockerHosts: string[];
  dockerHost: string;
  /** Environment for running the docker CLI against this server (own DOCKER_CONFIG). */
  env: NodeJS.ProcessEnv;
  /** Everything the server wrote to stderr (JSON logs). */
  logs(): string;
  process: ChildProcess;
  /** SIGTERM, then wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function startBadidea(o: BadideaOptions): Promise<BadideaServer> {
  const listen = o.listen ?? ['tcp://127.0.0.1:0'];
  const args = ['src/main.ts', '--kubeconfig', o.kubeconfig, ...listen.flatMap((l) => ['-H', l]), ...(o.args ?? [])];
  if (o.namespace) args.push('--namespace', o.namespace);
  const child = spawn(NODE, args, {
    cwd: ROOT,
    env: { ...process.env, BADIDEA_LOG_LEVEL: 'debug', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const dockerHosts = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`badidea did not start in time; stderr:\n${stderr}`)),
      o.startTimeoutMs ?? 15_000,
    );
    child.stdout!.on('data', (d) => {
      stdout += d;
      const hosts = [...stdout.matchAll(/^export DOCKER_HOST=(\S+)/gm)].map((m) => m[1]);
      if (hosts.length === listen.length) {
        clearTimeout(timer);
        resolve(hosts);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`badidea exited with ${code} before listening; stderr:\n${stderr}`));
    });
  });
  const dockerConfig = mkdtempSync(join(tmpdir(), 'docker-config-'));
  writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify(o.httpHeaders ? { HttpHeaders: o.httpHeaders } : {}));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKER_HOST: dockerHosts[0],
    DOCKER_CONFIG: dockerConfig,
  };
  if (o.certPath) {
    env.DOCKER_TLS_VERIFY = '1';
    env.DOCKER_CERT_PATH = o.certPath;
  }
  return {
    dockerHosts,
    dockerHost: dockerHosts[0],
    env,
    logs: () => stderr,
    process: child,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** Runs a command (the docker CLI by default) and collects its output. Never throws. */
export function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => {
      stdout += d;
    });
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

export function docker(args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number) {
  return run(DOCKER, args, env, timeoutMs);
}
