// The stream backends (container logs/attach/resize/top/stats and exec) over one lookup, one set of pod streams
// and one event bus. Built in main.ts.

import type { ContainerStreamsBackend, LogsAnswer, LogsQuery } from '../../api/containers/streams-backend.ts';
import type { ExecBackend } from '../../api/exec/backend.ts';
import type { Logger } from '../../log.ts';
import type { ContainerLookup } from '../containers/lookup.ts';
import type { EventBus } from '../events/event-bus.ts';
import { AttachEngine, type AttachRequest } from './attach.ts';
import { type ExecCreateBody, ExecEngine } from './exec.ts';
import { LogsEngine } from './logs.ts';
import { OutputHolds } from './output-holds.ts';
import type { PodStreams } from './pod-streams.ts';
import { containerStats } from './stats.ts';
import { containerTop } from './top.ts';

export interface StreamsEngineDeps {
  lookup: ContainerLookup;
  pods: PodStreams;
  events: EventBus;
  log: Logger;
  now?: () => number;
}

export class StreamsEngine implements ContainerStreamsBackend {
  readonly logsEngine: LogsEngine;
  readonly attachEngine: AttachEngine;
  readonly execEngine: ExecEngine;
  /** Removal holds while attaches and logs read output: auto-remove and `docker rm` consult them (see main.ts). */
  readonly holds = new OutputHolds();
  readonly #deps: StreamsEngineDeps;

  constructor(deps: StreamsEngineDeps) {
    this.#deps = deps;
    this.logsEngine = new LogsEngine({ lookup: deps.lookup, pods: deps.pods, log: deps.log });
    this.attachEngine = new AttachEngine({ ...deps, logs: this.logsEngine, holds: this.holds });
    this.execEngine = new ExecEngine(deps);
  }

  /**
   * The answer's headers go out before the pod's log is read: a client that removes the container right after
   * (docker-py's `containers.run(remove=True)` reads its follow stream after wait and remove) must still get the
   * output, so the removal waits (bounded) until the reading ends or the request goes.
   */
  logs(ref: string, q: LogsQuery): LogsAnswer {
    const answer = this.logsEngine.open(ref, q);
    const release = this.holds.hold(answer.id);
    q.signal.addEventListener('abort', release, { once: true });
    const entries = answer.entries;
    return {
      ...answer,
      entries: (async function* () {
        try {
          yield* entries;
        } finally {
          release();
        }
      })(),
    };
  }

  prepareAttach(ref: string, q: AttachRequest) {
    return this.attachEngine.prepare(ref, q);
  }

  resize(ref: string, height: number, width: number): void {
    this.attachEngine.resize(ref, height, width);
  }

  top(ref: string, psArgs: string, signal: AbortSignal) {
    return containerTop(this.#deps, ref, psArgs, signal);
  }

  stats(ref: string, o: { stream: boolean; oneShot: boolean; signal: AbortSignal }): AsyncIterable<unknown> {
    // Look the container up now: a 404 must come before the answer starts.
    this.#deps.lookup.findContainer(ref);
    return containerStats(this.#deps, ref, o);
  }

  /** The exec routes' backend. */
  get exec(): ExecBackend {
    const x = this.execEngine;
    return {
      create: (ref, body) => x.create(ref, body as ExecCreateBody),
      prepareStart: (id) => x.prepareStart(id),
      inspect: (id) => x.inspect(id),
      resize: (id, h, w) => x.resize(id, h, w),
    };
  }
}
