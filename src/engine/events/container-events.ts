// Container events from the pod watch: create, start, die (exitCode), destroy and rename are derived from how a
// container's pods change, so every replica sees the same events whoever caused them. kill, stop, restart are
// published by the lifecycle engine; attach, exec_*, resize by the streams engine.
//
// replay(): what a server can say about the time before it started (a restarted server has no memory): create,
// start and die of the containers that still exist, from their pods' timestamps. Not destroy, kill, stop, rename,
// attach or exec, and nothing about runs whose pods were collected.

import type { KubeCache } from '../../kube/cache.ts';
import type { KubeObject } from '../../kube/types.ts';
import { ZERO_TIME } from '../../translate/container-state.ts';
import { readRecord } from '../../translate/record.ts';
import type { ContainerLookup, FoundContainer } from '../containers/lookup.ts';
import { containerActor, type DockerEvent, type EventBus, makeEvent, nanosOfTimestamp } from './event-bus.ts';

interface Snapshot {
  name: string;
  record: FoundContainer['record'];
  running: boolean;
  /** Identity of the last exit seen (generation/restarts/finishedAt). */
  exit?: string;
  runKey?: string;
}

function snapshot(c: FoundContainer): Snapshot {
  const s = c.state;
  const running = s.status === 'running';
  const ended = s.status === 'exited' || s.status === 'dead' || s.status === 'restarting' || s.status === 'removing';
  return {
    name: c.name,
    record: c.record,
    running,
    ...(ended && s.finishedAt !== ZERO_TIME
      ? { exit: `${c.record.generation}/${s.restartCount}/${s.finishedAt}` }
      : {}),
    ...(running ? { runKey: `${c.record.generation}/${s.restartCount}/${s.startedAt}` } : {}),
  };
}

export class ContainerEventFeed {
  readonly #cache: KubeCache;
  readonly #lookup: ContainerLookup;
  readonly #bus: EventBus;
  readonly #known = new Map<string, Snapshot>();
  #unsubscribe = () => {};
  #stopped = false;

  constructor(o: { cache: KubeCache; lookup: ContainerLookup; bus: EventBus }) {
    this.#cache = o.cache;
    this.#lookup = o.lookup;
    this.#bus = o.bus;
  }

  /** Seeds from the synced cache (no events for what already exists), then follows the watch. */
  async start(): Promise<void> {
    await this.#cache.hasSynced();
    if (this.#stopped) return;
    for (const c of this.#lookup.list()) this.#known.set(c.id, snapshot(c));
    this.#unsubscribe = this.#cache.subscribe<KubeObject>('pods', (e) => {
      const record = readRecord(e.object as never);
      if (record) this.#update(record.id);
    });
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe();
  }

  #update(id: string): void {
    const before = this.#known.get(id);
    let c: FoundContainer | undefined;
    try {
      c = this.#lookup.byId(id);
    } catch {
      return;
    }
    const publish = (action: string, record: Snapshot['record'], extra: Record<string, string> = {}) =>
      this.#bus.publish({ type: 'container', action, actor: containerActor(record, extra) });
    if (!c) {
      if (before) {
        this.#known.delete(id);
        publish('destroy', before.record);
      }
      return;
    }
    const now = snapshot(c);
    this.#known.set(id, now);
    if (!before) {
      publish('create', c.record);
      if (now.running) publish('start', c.record);
      return;
    }
    if (before.name !== now.name) publish('rename', c.record, { oldName: `/${before.name}` });
    if (now.exit && now.exit !== before.exit) {
      if (before.runKey === undefined && !before.running) {
        // A run we never saw running (it was short): Docker would have said start first.
        publish('start', c.record);
      }
      publish('die', c.record, { exitCode: String(c.state.exitCode) });
    }
    if (now.runKey && now.runKey !== before.runKey) publish('start', c.record);
  }

  /** Events derivable from the cache's pods with since ≤ time < before (unix ns), oldest first. */
  replay(sinceNano: bigint | undefined, beforeNano: bigint): DockerEvent[] {
    const out: DockerEvent[] = [];
    const add = (action: string, c: FoundContainer, ts: string | undefined, extra: Record<string, string> = {}) => {
      const t = nanosOfTimestamp(ts);
      if (t === undefined || t >= beforeNano || (sinceNano !== undefined && t < sinceNano)) return;
      out.push(makeEvent({ type: 'container', action, actor: containerActor(c.record, extra) }, t));
    };
    let containers: FoundContainer[];
    try {
      containers = this.#lookup.list();
    } catch {
      return [];
    }
    for (const c of containers) {
      add('create', c, c.record.created);
      for (const pod of [...c.previous].reverse().concat([c.current])) {
        const cs = pod.status?.containerStatuses?.[0];
        for (const st of [cs?.lastState, cs?.state]) {
          if (st?.running) add('start', c, st.running.startedAt);
          if (st?.terminated && st.terminated.reason !== 'StartError') {
            add('start', c, st.terminated.startedAt);
            add('die', c, st.terminated.finishedAt, { exitCode: String(st.terminated.exitCode) });
          }
        }
      }
      if (c.record.lastState) {
        add('die', c, c.record.lastState.finishedAt, { exitCode: String(c.record.lastState.exitCode) });
      }
    }
    return out.sort((a, b) => (a.timeNano < b.timeNano ? -1 : a.timeNano > b.timeNano ? 1 : 0));
  }
}
