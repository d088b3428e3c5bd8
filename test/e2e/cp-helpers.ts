// Shared by the docker cp end-to-end tests and bench/cp.ts: setup (badidea on a test namespace, busybox pulled),
// the docker CLI with stdin/binary stdout, tar helpers (tar-stream) and raw HTTP requests.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { DOCKER, docker, startBadidea } from '../helpers/badidea.ts';
import { getCluster } from '../helpers/cluster.ts';
import { type ContainersSetup, dockerOk, MIRROR } from '../helpers/containers.ts';

export { dockerOk };

/** How the server is started beyond its flags (the benchmarks set its environment). */
export interface ServerOptions {
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

/** A namespace, badidea on it, busybox pulled; waits for the server's cache before pulling. */
export async function setupCp(args: string[] = [], options: ServerOptions = {}): Promise<ContainersSetup> {
  const cluster = await getCluster();
  let server: Awaited<ReturnType<typeof startBadidea>> | undefined;
  try {
    server = await startBadidea({
      kubeconfig: cluster.kubeconfig,
      namespace: cluster.namespace,
      args: ['--registry-mirror', MIRROR, ...args],
      ...options,
    });
    const deadline = Date.now() + 60_000;
    while ((await docker(['ps', '-q'], server.env)).code !== 0) {
      if (Date.now() > deadline) throw new Error('badidea did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
    await dockerOk(['pull', 'busybox'], server.env, 180_000);
  } catch (err) {
    await server?.stop();
    await cluster.stop();
    throw err;
  }
  const srv = server;
  return {
    cluster,
    server: srv,
    env: srv.env,
    restartServer: () => Promise.reject(new Error('not supported')),
    async stop() {
      await srv.stop();
      await cluster.stop();
    },
  };
}

/** The docker CLI with stdin and binary stdout. */
export function dockerIo(
  args: string[],
  env: NodeJS.ProcessEnv,
  stdin?: Buffer,
): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(DOCKER, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    p.stdin.on('error', () => {});
    p.stdin.end(stdin);
    const t = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout: Buffer.concat(out), stderr });
    });
  });
}

export interface TarEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  linkname: string | null;
  body: string;
}

export async function listTar(buf: Buffer): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const ex = tar.extract();
  ex.on('entry', (h, s, next) => {
    const parts: Buffer[] = [];
    s.on('data', (d) => {
      parts.push(d as Buffer);
    });
    s.on('end', () => {
      entries.push({
        name: h.name,
        type: h.type,
        mode: h.mode & 0o7777,
        uid: h.uid,
        gid: h.gid,
        linkname: h.linkname || null,
        body: Buffer.concat(parts).toString('utf8'),
      });
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    ex.on('finish', () => resolve());
    ex.on('error', reject);
    ex.end(buf);
  });
  return entries;
}

export async function makeTar(
  entries: {
    name: string;
    body?: string;
    type?: 'file' | 'directory' | 'symlink' | 'link';
    linkname?: string;
    mode?: number;
  }[],
): Promise<Buffer> {
  const p = tar.pack();
  for (const e of entries)
    p.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: e.mode }, e.body ?? '');
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Where DOCKER_HOST points: tcp://host:port or unix:///path. */
function endpoint(env: NodeJS.ProcessEnv): { host?: string; port?: string; socketPath?: string } {
  const h = env.DOCKER_HOST ?? '';
  if (h.startsWith('unix://')) return { socketPath: h.slice('unix://'.length) };
  const url = new URL(h.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: url.port };
}

/** A raw HTTP request to the server of DOCKER_HOST. */
export function raw(
  env: NodeJS.ProcessEnv,
  method: string,
  path: string,
  body?: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const target = endpoint(env);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...target,
        method,
        path,
        headers: body ? { 'Content-Type': 'application/x-tar' } : {},
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Resident memory of a process now and its peak so far (VmRSS, VmHWM), in bytes. */
export function processMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Samples a process's RSS every 50 ms until stopped; returns the highest sample. */
export function rssSampler(pid: number): { stop(): number } {
  let max = processMemory(pid).rss;
  const timer = setInterval(() => {
    try {
      max = Math.max(max, processMemory(pid).rss);
    } catch {
      // the process is gone
    }
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return max;
    },
  };
}

/** A tar stream with one file `name` of `bytes` bytes, generated as it is read (never held). */
export function syntheticTar(name: string, bytes: number): Readable {
  const header = tarHeader(name, bytes);
  const block = Buffer.alloc(1024 * 1024, 0x61);
  async function* gen() {
    yield header;
    let left = bytes;
    while (left > 0) {
      const n = Math.min(left, block.length);
      left -= n;
      yield n === block.length ? block : block.subarray(0, n);
    }
    const pad = (512 - (bytes % 512)) % 512;
    yield Buffer.alloc(pad + 1024);
  }
  return Readable.from(gen(), { objectMode: false });
}

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
  );
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** PUT a stream as the archive body (chunked), resolves with the status and body. */
export function putStream(
  env: NodeJS.ProcessEnv,
  path: string,
  body: Readable,
): Promise<{ status: number; body: string }> {
  const target = endpoint(env);
  return new Promise((resolve, reject) => {
    const req = request({ ...target, method: 'PUT', path, headers: { 'Content-Type': 'application/x-tar' } }, (res) => {
      let text = '';
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    body.pipe(req);
  });
}

/** GET the archive of a path and count its bytes (nothing kept). */
export function getStreamBytes(env: NodeJS.ProcessEnv, path: string): Promise<{ status: number; bytes: number }> {
  const target = endpoint(env);
  return new Promise((resolve, reject) => {
    const req = request({ ...target, method: 'GET', path }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => {
        bytes += d.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
