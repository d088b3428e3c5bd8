// docker cp: HEAD/GET/PUT /containers/{id}/archive. A running container is read and written by running tar in
// it (scripts.ts over exec, streamed both ways); a container that is not running gets its copies kept until its
// next run (pre-start.ts). Errors follow moby's daemon/archive.go texts.

import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import { Conflict, Internal, InvalidParameter, NotFound } from '../../errors.ts';
import type { KubeCache } from '../../kube/cache.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { Logger } from '../../log.ts';
import type { PodOptions } from '../../translate/new-container.ts';
import type { ContainerRecord } from '../../translate/record.ts';
import type { ContainerLookup, FoundContainer } from '../containers/lookup.ts';
import { archiveSource, containerPath, extractDir, fileNotFound } from './archive-paths.ts';
import { type ContainerShell, kubeContainerShell } from './container-shell.ts';
import { type ContainerPathStat, MODE_DIR, parseStatLines, rfc3339Nano, statName } from './path-stat.ts';
import { collectCopies, copyBeforeStart, DEFAULT_PRE_START_LIMIT, type PreStartDeps } from './pre-start.ts';
import { EXIT, GET_SCRIPT, PUT_SCRIPT, STAT_SCRIPT } from './scripts.ts';
import { guardArchive } from './tar-guard.ts';

export interface ArchiveEngineDeps {
  lookup: Pick<ContainerLookup, 'findContainer'>;
  shell: ContainerShell;
  preStart: PreStartDeps;
  nonce?: () => string;
}

export interface PutOptions {
  noOverwriteDirNonDir: boolean;
  copyUIDGID: boolean;
  signal?: AbortSignal;
}

/** The most bytes of stat lines before the tar stream (a few lines in practice). */
const STAT_BLOCK_LIMIT = 64 * 1024;

function noTar(c: FoundContainer): Conflict {
  return new Conflict(
    `docker cp needs tar in the container: the image of container ${c.name} has no tar (badidea copies files by running tar in the container). Add tar (or busybox) to the image, or share the files through a volume`,
  );
}

function notRunning(c: FoundContainer, what: string): Conflict {
  return new Conflict(
    `cannot ${what} container ${c.name}: it is ${c.state.status === 'created' ? 'not started' : 'not running'}, and badidea reads a container's files by running tar in it (Kubernetes keeps no filesystem for a pod that does not run). Start it first`,
  );
}

export class ArchiveEngine {
  readonly #d: ArchiveEngineDeps;
  readonly #nonce: () => string;

  constructor(deps: ArchiveEngineDeps) {
    this.#d = deps;
    this.#nonce = deps.nonce ?? (() => randomBytes(8).toString('hex'));
  }

  /** HEAD archive: the stat of a path; 404 `Could not find the file …` when it does not exist. */
  async stat(ref: string, rawPath: string | null, signal?: AbortSignal): Promise<ContainerPathStat> {
    const path = containerPath(rawPath);
    const c = this.#d.lookup.findContainer(ref);
    if (c.state.status !== 'running') {
      // Not running: only `/` is known to exist (and to be a directory). The CLI treats a 404 as "does not exist
      // yet" and copies into the parent directory, which is what a copy before start needs.
      if (path === '/' || path === '/.') {
        return { name: statName(path), size: 4096, mode: MODE_DIR + 0o755, mtime: rfc3339Nano(0, 0), linkTarget: '' };
      }
      throw new NotFound(fileNotFound(rawPath ?? '', ref));
    }
    const out = collector();
    const r = await this.#d.shell({ pod: podName(c), script: STAT_SCRIPT, args: [path], stdout: out.stream, signal });
    if (r.exitCode === EXIT.notFound) throw new NotFound(fileNotFound(rawPath ?? '', ref));
    if (r.exitCode !== 0) throw failure('stat', path, r);
    return parseStatLines(out.text().split('\n'), statName(path));
  }

  /** GET archive: the stat, and a tar stream of the path (entries named after its base name). */
  async get(
    ref: string,
    rawPath: string | null,
    signal?: AbortSignal,
  ): Promise<{ stat: ContainerPathStat; body: Readable }> {
    const path = containerPath(rawPath);
    const c = this.#d.lookup.findContainer(ref);
    if (c.state.status !== 'running') throw notRunning(c, 'copy files from');
    const { dir, base } = archiveSource(path);
    const stdout = new PassThrough({ highWaterMark: 64 * 1024 });
    const run = this.#d.shell({ pod: podName(c), script: GET_SCRIPT, args: [path, dir, base], stdout, signal });
    const head = await readStatBlock(stdout, run);
    if (!head.ok) {
      const r = head.result;
      if (r.exitCode === EXIT.notFound) throw new NotFound(fileNotFound(rawPath ?? '', ref));
      if (r.exitCode === EXIT.noTar) throw noTar(c);
      throw failure('read', path, r);
    }
    run.then(
      () => stdout.end(),
      (err) => stdout.destroy(err instanceof Error ? err : new Error(String(err))),
    );
    return { stat: parseStatLines(head.lines, statName(path)), body: stdout };
  }

  /** PUT archive: extract a tar stream into a directory of the container (see scripts.ts PUT_SCRIPT). */
  async put(ref: string, rawPath: string | null, body: Readable, o: PutOptions): Promise<void> {
    const path = containerPath(rawPath);
    const c = this.#d.lookup.findContainer(ref);
    const target = extractDir(path);
    const s = c.state.status;
    if (s === 'created' && !c.state.starting) return this.#putBeforeStart(c, target, body, o);
    if (s === 'exited' || s === 'dead') return this.#putBeforeStart(c, target, body, o);
    if (s !== 'running') {
      body.resume();
      throw new Conflict(
        `cannot copy files into container ${c.name} while it is ${s === 'created' ? 'starting' : s}: try again once it runs or has stopped`,
      );
    }
    if (c.record.hostConfig.ReadonlyRootfs) {
      // moby refuses unless the target is in a writable volume; badidea lets tar find out and reports it below.
    }
    const nonce = this.#nonce();
    const guarded = guardArchive(body, { target, commitMarker: `.badidea-commit-${nonce}` });
    let rejected: unknown;
    guarded.once('error', (err) => {
      rejected = err;
    });
    const owner = o.copyUIDGID ? c.record.config.User || '0:0' : '';
    let r: Awaited<ReturnType<ContainerShell>>;
    try {
      r = await this.#d.shell({
        pod: podName(c),
        script: PUT_SCRIPT,
        args: [target, nonce, o.noOverwriteDirNonDir ? '1' : '0', owner],
        stdin: guarded,
        signal: o.signal,
      });
    } finally {
      guarded.destroy();
      body.unpipe();
      body.resume();
    }
    // The target is checked before the archive is read (moby's order): its errors come first.
    if (r.exitCode === EXIT.notFound) throw new NotFound(fileNotFound(rawPath ?? '', ref));
    if (r.exitCode === EXIT.notDirectory) throw new InvalidParameter('extraction point is not a directory');
    if (r.exitCode === EXIT.noTar) throw noTar(c);
    if (rejected) throw rejected;
    if (r.exitCode === 0) return;
    const marked = /badidea-error:(.*)/.exec(r.stderr)?.[1];
    if (r.exitCode === EXIT.conflict && marked) throw new Conflict(marked);
    if (r.exitCode === EXIT.badUser && marked) throw new InvalidParameter(marked);
    if (r.exitCode === EXIT.incomplete)
      throw new InvalidParameter('the archive ended before its end: nothing was copied');
    throw failure('extract into', target, r);
  }

  async #putBeforeStart(c: FoundContainer, target: string, body: Readable, o: PutOptions): Promise<void> {
    const owner = o.copyUIDGID ? numericOwner(c.record.config.User ?? '') : undefined;
    const rebase = target === '/' ? '' : `${target.slice(1)}/`;
    const guarded = guardArchive(body, { target, rebase, ...(owner ? { owner } : {}) });
    try {
      await copyBeforeStart(this.#d.preStart, c, guarded);
    } finally {
      body.unpipe();
      body.resume();
    }
  }
}

function podName(c: FoundContainer): string {
  return c.current.metadata.name ?? '';
}

/** copyUIDGID before the first run: only a numeric user can be resolved without the container's /etc/passwd. */
function numericOwner(user: string): { uid: number; gid: number } {
  if (user === '') return { uid: 0, gid: 0 };
  const m = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!m) {
    throw new InvalidParameter(
      `docker cp -a into container that is not running needs a numeric user (uid[:gid]); its user ${user} can only be looked up in the running container. Start it first, or copy without -a`,
    );
  }
  return { uid: Number(m[1]), gid: Number(m[2] ?? 0) };
}

function failure(what: string, path: string, r: { exitCode: number; stderr: string }): Error {
  const detail = r.stderr.trim().split('\n').slice(-3).join('; ');
  const text = `could not ${what} ${path} in the container (exit code ${r.exitCode})${detail ? `: ${detail}` : ''}`;
  if (/permission denied|read-only file system|operation not permitted/i.test(detail)) return new Conflict(text);
  if (/no space left/i.test(detail)) return new Conflict(text);
  return new Internal(text);
}

function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => {
    if (text.length < STAT_BLOCK_LIMIT) text += d.toString('utf8');
  });
  return { stream, text: () => text };
}

type StatBlock = { ok: true; lines: string[] } | { ok: false; result: { exitCode: number; stderr: string } };

/** Reads the stat lines up to the empty line; the tar bytes after it stay in `stdout`. */
async function readStatBlock(
  stdout: PassThrough,
  run: Promise<{ exitCode: number; stderr: string }>,
): Promise<StatBlock> {
  let buf = Buffer.alloc(0);
  let finished: { exitCode: number; stderr: string } | undefined;
  let runError: unknown;
  const ended = run.then(
    (r) => {
      finished = r;
    },
    (err) => {
      runError = err;
    },
  );
  for (;;) {
    const chunk = stdout.read() as Buffer | null;
    if (chunk) {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\n\n');
      if (end >= 0) {
        const rest = buf.subarray(end + 2);
        if (rest.length > 0) stdout.unshift(rest);
        return { ok: true, lines: buf.subarray(0, end).toString('utf8').split('\n') };
      }
      if (buf.length > STAT_BLOCK_LIMIT) throw new Internal('unexpected output from the archive script');
      continue;
    }
    if (runError) throw runError;
    if (finished) return { ok: false, result: finished };
    await Promise.race([new Promise((r) => stdout.once('readable', r)), ended]);
  }
}

/**
 * The engine as main.ts wires it: exec over the kubeconfig, copies before start in the client's namespace, and the
 * collector that deletes the copies of removed containers (runs until the cache stops).
 */
export function createArchiveEngine(o: {
  lookup: ContainerLookup;
  client: KubeClient;
  cache: KubeCache;
  log: Logger;
  kc: KubeConfig;
  podOptions: (record: ContainerRecord) => PodOptions;
  preStartLimitBytes?: number;
  cacheTimeoutMs?: number;
}): ArchiveEngine {
  collectCopies({ cache: o.cache, client: o.client, log: o.log });
  return new ArchiveEngine({
    lookup: o.lookup,
    shell: kubeContainerShell({ kc: o.kc, namespace: () => o.client.namespace }),
    preStart: {
      client: o.client,
      podOptions: o.podOptions,
      limitBytes: o.preStartLimitBytes ?? DEFAULT_PRE_START_LIMIT,
      waitForGeneration: async (id, generation) => {
        await o.lookup.waitFor(id, (c) => (c && c.record.generation >= generation ? true : undefined), {
          timeoutMs: o.cacheTimeoutMs ?? 30_000,
          what: `the copy of container ${id.slice(0, 12)} to be recorded`,
        });
      },
    },
  });
}
