// docker events: one bus per server. Engines publish (the container engine feeds it from the pod watch; streams
// publish attach / exec_* / resize; images may publish pull/tag/untag/delete); GET /events subscribes and replays
// the bounded in-memory history for `since`.
//
// Seam for other engines (keep stable):
//   bus.publish({ type: 'container', action: 'attach', actor: containerActor(found.record) })
//   bus.publish({ type: 'container', action: `exec_create: ${cmd.join(' ')}`,
//                 actor: containerActor(found.record, { execID }) })
//   bus.publish({ type: 'container', action: 'exec_die', actor: containerActor(record, { execID, exitCode: '0' }) })

import type { ContainerRecord } from '../../translate/record.ts';

export type EventType =
  | 'container'
  | 'image'
  | 'network'
  | 'volume'
  | 'daemon'
  | 'plugin'
  | 'service'
  | 'node'
  | 'secret'
  | 'config';

export interface EventActor {
  ID: string;
  Attributes: Record<string, string>;
}

/** Docker's event message (API 1.41+): `status`, `id` and `from` are the legacy fields container events carry. */
export interface DockerEvent {
  status?: string;
  id?: string;
  from?: string;
  Type: EventType;
  Action: string;
  Actor: EventActor;
  scope: 'local';
  /** unix seconds */
  time: number;
  /** unix nanoseconds (beyond 2^53: serialise with eventJson) */
  timeNano: bigint;
}

export interface EventInput {
  type: EventType;
  action: string;
  actor: { id: string; attributes?: Record<string, string> };
  /** unix nanoseconds; default now. Derived (replayed) events pass their own. */
  timeNano?: bigint;
}

/** The Actor of a container event: Docker sets `image`, `name` and the container's labels. */
export function containerActor(
  record: Pick<ContainerRecord, 'id' | 'name' | 'config'>,
  extra: Record<string, string> = {},
): { id: string; attributes: Record<string, string> } {
  return {
    id: record.id,
    attributes: { ...(record.config.Labels ?? {}), image: record.config.Image ?? '', name: record.name, ...extra },
  };
}

/** One event as Docker writes it (JSON, no trailing newline), timeNano as an exact integer. */
export function eventJson(e: DockerEvent): string {
  const { timeNano, ...rest } = e;
  return `${JSON.stringify(rest).slice(0, -1)},"timeNano":${timeNano.toString()}}`;
}

export function nanosOf(ms: number): bigint {
  return BigInt(Math.floor(ms)) * 1_000_000n;
}

/** RFC 3339 (with up to nanoseconds) → unix nanoseconds; undefined for Go's zero time or garbage. */
export function nanosOfTimestamp(ts: string | undefined): bigint | undefined {
  if (!ts || ts.startsWith('0001-')) return undefined;
  const ms = Date.parse(ts);
  if (Number.isNaN(ms)) return undefined;
  const frac = /\.(\d+)/.exec(ts)?.[1] ?? '';
  const extra = frac.length > 3 ? BigInt(frac.slice(3, 9).padEnd(6, '0')) : 0n;
  return nanosOf(ms) + extra;
}

export interface EventBusOptions {
  /** How many events the in-memory history keeps for `since` (default 1000). */
  historySize?: number;
  /** epoch ms */
  now?: () => number;
}

export type EventListener = (e: DockerEvent) => void;

export class EventBus {
  readonly #history: DockerEvent[] = [];
  readonly #size: number;
  readonly #listeners = new Set<EventListener>();
  readonly #now: () => number;
  /** When this bus started (unix ns): events before it can only be derived from the cluster's objects. */
  readonly startedNano: bigint;
  #last = 0n;

  constructor(o: EventBusOptions = {}) {
    this.#size = o.historySize ?? 1000;
    this.#now = o.now ?? Date.now;
    this.startedNano = nanosOf(this.#now());
  }

  /** Publishes one event to every subscriber and the history. Never throws. */
  publish(input: EventInput): DockerEvent {
    let timeNano = input.timeNano ?? nanosOf(this.#now());
    // Keep live events strictly ordered (two in the same millisecond).
    if (input.timeNano === undefined && timeNano <= this.#last) timeNano = this.#last + 1n;
    if (input.timeNano === undefined) this.#last = timeNano;
    const e = makeEvent(input, timeNano);
    this.#history.push(e);
    if (this.#history.length > this.#size) this.#history.splice(0, this.#history.length - this.#size);
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch {
        // A subscriber's failure must not break the publisher.
      }
    }
    return e;
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  /** The kept events with since ≤ timeNano ≤ until, oldest first. */
  history(sinceNano?: bigint, untilNano?: bigint): DockerEvent[] {
    return this.#history.filter(
      (e) =>
        (sinceNano === undefined || e.timeNano >= sinceNano) && (untilNano === undefined || e.timeNano <= untilNano),
    );
  }
}

export function makeEvent(input: EventInput, timeNano: bigint): DockerEvent {
  const attributes = input.actor.attributes ?? {};
  const legacy =
    input.type === 'container' || input.type === 'image'
      ? {
          status: input.action,
          id: input.actor.id,
          ...(input.type === 'container' && attributes.image !== undefined ? { from: attributes.image } : {}),
        }
      : {};
  return {
    ...legacy,
    Type: input.type,
    Action: input.action,
    Actor: { ID: input.actor.id, Attributes: attributes },
    scope: 'local',
    time: Number(timeNano / 1_000_000_000n),
    timeNano,
  };
}
