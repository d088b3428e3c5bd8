// docker logs from the pod log API. stdout and stderr are asked apart (`stream=Stdout|Stderr`, Kubernetes 1.32+
// with PodLogsQuerySplitStreams) and merged back in time order by the kubelet's timestamps, which are always asked
// for and shown only on request. A container's runs are its pods (generations, oldest first) and, within a pod, the
// previous instance of a container the kubelet restarted; they are read in order. `follow` keeps reading the live
// run and the runs that follow it (restarts) and ends when the container stops.
//
// Without stream splitting (older clusters, the gate off) everything is read as one stream and shown as stdout; the
// caller gets a note saying so (see docs/streams.md).

import { WaitTimeout } from '../../kube/cache.ts';
import { KubeStatusError, LogStreamUnsupportedError } from '../../kube/streams/errors.ts';
import type { Logger } from '../../log.ts';
import type { Pod } from '../../translate/kube-types.ts';
import { MAIN_CONTAINER, START_GATE } from '../../translate/record.ts';
import type { ContainerLookup, FoundContainer } from '../containers/lookup.ts';
import { deferredEntries, type LogEntry, mergeByTime, readLogEntries, sinceTimeParam } from './log-entries.ts';
import type { LogRequest, PodStreams } from './pod-streams.ts';

export interface LogsOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  /** Last N lines (of both streams together, as Docker counts them); undefined: all. */
  tail?: number;
  sinceNs?: bigint;
  untilNs?: bigint;
  signal: AbortSignal;
}

export interface LogsResult {
  id: string;
  tty: boolean;
  /** Set when stdout and stderr cannot be told apart on this cluster. */
  note?: string;
  entries: AsyncIterable<LogEntry>;
}

/** One run of the container: a pod, and whether it is the previous instance of its container. */
export interface RunSource {
  pod: Pod;
  previous: boolean;
  /** Identifies the run: pod UID + container ID. */
  key: string;
}

export const SPLIT_UNSUPPORTED_NOTE =
  'this Kubernetes cluster cannot give stdout and stderr apart (pods/log stream=Stdout|Stderr needs Kubernetes 1.32+ with the PodLogsQuerySplitStreams feature gate); all output is shown as stdout';

/** spec.nodeName (not in translate's PodSpec: only the scheduler sets it). */
export function nodeNameOf(pod: Pod): string | undefined {
  return (pod.spec as { nodeName?: string }).nodeName;
}

function mainStatus(pod: Pod) {
  return pod.status?.containerStatuses?.find((c) => c.name === MAIN_CONTAINER);
}

/** The runs of a container with a log, oldest first. Gated pods (created, tombstones) never ran. */
export function runSources(c: Pick<FoundContainer, 'current' | 'previous'>): RunSource[] {
  const out: RunSource[] = [];
  for (const pod of [...c.previous].reverse().concat(c.current)) {
    if (pod.spec.schedulingGates?.some((g) => g.name === START_GATE) || !nodeNameOf(pod)) continue;
    const cs = mainStatus(pod);
    if (!cs) continue;
    const uid = pod.metadata.uid ?? pod.metadata.name ?? '';
    const last = cs.lastState?.terminated;
    if ((cs.restartCount ?? 0) > 0 && last?.containerID) {
      out.push({ pod, previous: true, key: `${uid}/${last.containerID}` });
    }
    const id = cs.containerID ?? cs.state?.terminated?.containerID;
    if (id && (cs.state?.running || cs.state?.terminated)) out.push({ pod, previous: false, key: `${uid}/${id}` });
  }
  return out;
}

/** The run the container is in now (or last ran), if any. */
export function currentRun(c: Pick<FoundContainer, 'current' | 'previous'>): RunSource | undefined {
  const runs = runSources(c);
  const last = runs[runs.length - 1];
  return last && !last.previous ? last : undefined;
}

function isLive(c: FoundContainer): boolean {
  const s = c.state;
  return s.status === 'running' || s.status === 'restarting' || (s.status === 'created' && s.starting);
}

export interface LogsEngineDeps {
  lookup: ContainerLookup;
  pods: PodStreams;
  log: Logger;
  /** Wait for a live run's status to catch up after its log ended (default 2 s). */
  settleMs?: number;
}

export class LogsEngine {
  readonly #lookup: ContainerLookup;
  readonly #pods: PodStreams;
  readonly #log: Logger;
  readonly #settleMs: number;
  /** Learnt from the cluster: pods/log refuses `stream` (a property of the cluster, not of any request). */
  #splitRefused = false;

  constructor(deps: LogsEngineDeps) {
    this.#lookup = deps.lookup;
    this.#pods = deps.pods;
    this.#log = deps.log;
    this.#settleMs = deps.settleMs ?? 2000;
  }

  get splitSupported(): boolean {
    return !this.#splitRefused && this.#pods.splitStreamsKnown();
  }

  /** Finds the container (404 now, before any answer is sent) and prepares its log. */
  open(ref: string, o: LogsOptions): LogsResult {
    const c = this.#lookup.findContainer(ref);
    const tty = c.record.config.Tty === true;
    const split = tty || this.splitSupported;
    return {
      id: c.id,
      tty,
      note: split ? undefined : SPLIT_UNSUPPORTED_NOTE,
      entries: this.#entries(c, tty, o),
    };
  }

  /**
   * The entries of one run, filtered to the wanted streams and [sinceNs, untilNs]. A run without a log (waiting to
   * start, previous instance gone) gives nothing.
   */
  async *readRun(
    src: RunSource,
    o: Pick<LogsOptions, 'stdout' | 'stderr' | 'sinceNs' | 'untilNs' | 'signal'> & { follow: boolean; tty: boolean },
  ): AsyncGenerator<LogEntry> {
    // Ends this run's requests when the reader stops early, not only when the client goes.
    let done = new AbortController();
    const base: LogRequest = {
      follow: o.follow,
      previous: src.previous,
      timestamps: true,
      sinceTime: o.sinceNs !== undefined && o.sinceNs > 0n ? sinceTimeParam(o.sinceNs) : undefined,
      signal: AbortSignal.any([o.signal, done.signal]),
    };
    const pod = src.pod.metadata.name ?? '';
    const open = async (req: LogRequest, stream: 1 | 2): Promise<AsyncIterator<LogEntry> | undefined> => {
      try {
        return readLogEntries(await this.#pods.logs(pod, req), stream);
      } catch (err) {
        if (err instanceof LogStreamUnsupportedError) throw err;
        if (err instanceof KubeStatusError && err.httpStatus === 400) return undefined; // no log for this run
        throw err;
      }
    };
    let it: AsyncIterator<LogEntry> | undefined;
    const single = o.tty || !this.splitSupported;
    if (single) {
      if (!o.stdout) return; // everything reads as stdout
      it = await open(base, 1);
    } else {
      try {
        // Both requests at once, neither awaited before reading the other: a followed stream without a line yet
        // may not answer (headers included) until its first line. The first answer tells whether the cluster
        // splits streams at all.
        const out = o.stdout ? open({ ...base, stream: 'Stdout' }, 1) : undefined;
        const err = o.stderr ? open({ ...base, stream: 'Stderr' }, 2) : undefined;
        const opens = [out, err].filter((p) => p !== undefined);
        for (const p of opens) p.catch(() => {}); // surfaced by the race or the reading
        await Promise.race(opens);
        const [outIt, errIt] = [out && deferredEntries(out), err && deferredEntries(err)];
        it = outIt && errIt ? mergeByTime(outIt, errIt) : (outIt ?? errIt);
      } catch (err) {
        done.abort(); // the other request, if still waiting
        if (!(err instanceof LogStreamUnsupportedError)) throw err;
        done = new AbortController();
        this.#splitRefused = true;
        this.#log.warn('pods/log refuses stream=Stdout|Stderr: logs show all output as stdout', {
          error: err.message,
        });
        if (!o.stdout) return;
        it = await open({ ...base, signal: AbortSignal.any([o.signal, done.signal]) }, 1);
      }
    }
    if (!it) return;
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        const e = r.value;
        if (o.sinceNs !== undefined && e.time && e.ns < o.sinceNs) continue;
        if (o.untilNs !== undefined && e.time && e.ns > o.untilNs) return;
        yield e;
      }
    } finally {
      done.abort();
      await it.return?.();
    }
  }

  /** Which runs to read and from when, for the last `tail` lines of both streams together. */
  async #tailStart(runs: RunSource[], tail: number, signal: AbortSignal): Promise<{ start: number; cutoff?: bigint }> {
    if (runs.length === 0) return { start: 0 };
    const lastLines = async (src: RunSource, n: number): Promise<LogEntry[]> => {
      const out: LogEntry[] = [];
      let body: Awaited<ReturnType<PodStreams['logs']>>;
      try {
        body = await this.#pods.logs(src.pod.metadata.name ?? '', {
          previous: src.previous,
          timestamps: true,
          tailLines: n,
          signal,
        });
      } catch (err) {
        if (err instanceof KubeStatusError && err.httpStatus === 400) return out;
        throw err;
      }
      for await (const e of readLogEntries(body, 1)) out.push(e);
      return out;
    };
    if (tail <= 0) {
      const last = runs.length - 1;
      const lines = await lastLines(runs[last], 1);
      return { start: last, cutoff: lines.length ? lines[lines.length - 1].ns + 1n : undefined };
    }
    let remaining = tail;
    for (let i = runs.length - 1; i >= 0; i--) {
      const lines = await lastLines(runs[i], remaining);
      if (lines.length >= remaining) return { start: i, cutoff: lines[0].ns };
      remaining -= lines.length;
    }
    return { start: 0 };
  }

  async *#entries(c: FoundContainer, tty: boolean, o: LogsOptions): AsyncGenerator<LogEntry> {
    if (!o.stdout && !o.stderr) return;
    const runs = runSources(c);
    let start = 0;
    let cutoff = o.sinceNs;
    if (o.tail !== undefined) {
      const t = await this.#tailStart(runs, o.tail, o.signal);
      start = t.start;
      if (t.cutoff !== undefined && (cutoff === undefined || t.cutoff > cutoff)) cutoff = t.cutoff;
    }
    const live = o.follow && isLive(c);
    let lastKey: string | undefined;
    let lastNs = 0n;
    const read = async function* (this: LogsEngine, src: RunSource, follow: boolean, since: bigint | undefined) {
      for await (const e of this.readRun(src, { ...o, tty, follow, sinceNs: since })) {
        if (e.ns > lastNs) lastNs = e.ns;
        yield e;
      }
    }.bind(this);
    for (let i = start; i < runs.length; i++) {
      const src = runs[i];
      const follow = live && i === runs.length - 1 && !src.previous;
      yield* read(src, follow, i === start ? cutoff : o.sinceNs);
      lastKey = src.key;
    }
    if (!live) return;
    // Follow: the live run ended (or there was none yet). Continue with the next run while the container lives.
    let floor = cutoff;
    for (;;) {
      if (o.signal.aborted) return;
      const next = await this.#nextRun(c.id, lastKey, o.signal);
      if (next.kind === 'end') return;
      if (next.kind === 'same') {
        // The log stream broke while the run goes on: read on from the last line seen.
        const since = lastNs > 0n ? lastNs + 1n : floor;
        yield* read(next.src, true, since);
        continue;
      }
      floor = o.sinceNs;
      yield* read(next.src, true, o.sinceNs);
      lastKey = next.src.key;
    }
  }

  /** After a followed run's log ended: the next run, the same one (still running), or the end. */
  async #nextRun(
    id: string,
    lastKey: string | undefined,
    signal: AbortSignal,
  ): Promise<{ kind: 'end' } | { kind: 'same' | 'next'; src: RunSource }> {
    const check = (c: FoundContainer | undefined) => {
      if (!c) return { kind: 'end' as const };
      const run = currentRun(c);
      if (run && run.key !== lastKey && (c.state.status === 'running' || c.state.status === 'exited')) {
        return { kind: 'next' as const, src: run };
      }
      if (!isLive(c)) return { kind: 'end' as const };
      return undefined;
    };
    try {
      return await this.#lookup.waitFor(id, check, { signal, timeoutMs: this.#settleMs });
    } catch (err) {
      if (!(err instanceof WaitTimeout)) throw err;
    }
    const c = this.#lookup.byId(id);
    const run = c ? currentRun(c) : undefined;
    if (c && run && run.key === lastKey && c.state.status === 'running') return { kind: 'same', src: run };
    // Restarting, starting: wait as long as it takes.
    return this.#lookup.waitFor(id, check, { signal });
  }
}
