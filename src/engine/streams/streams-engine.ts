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
  /** Removal holds while attaches read output: the auto-remove consults them (see main.ts). */
  readonly holds = new OutputHolds();
  readonly #deps: StreamsEngineDeps;

  constructor(deps: StreamsEngineDeps) {
    this.#deps = deps;
    this.logsEngine = new LogsEngine({ lookup: deps.lookup, pods: deps.pods, log: deps.log });
    this.attachEngine = new AttachEngine({ ...deps, logs: this.logsEngine, holds: this.holds });
    this.execEngine = new ExecEngine(deps);
  }

  logs(ref: string, q: LogsQuery): LogsAnswer {
    return this.logsEngine.open(ref, q);
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
