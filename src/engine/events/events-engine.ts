// GET /events backend: the bus's history and live feed, plus what the pod cache can replay for the time before this
// server started (see ContainerEventFeed.replay), with Docker's filters.

import type { EventsBackend } from '../../api/events/backend.ts';
import type { Filters } from '../../api/http/query.ts';
import { InvalidParameter } from '../../errors.ts';
import { normaliseReference } from '../../translate/ps-filters.ts';
import type { ContainerEventFeed } from './container-events.ts';
import { type DockerEvent, type EventBus, eventJson, nanosOf } from './event-bus.ts';

const FILTER_KEYS = new Set([
  'config',
  'container',
  'daemon',
  'event',
  'image',
  'label',
  'network',
  'node',
  'plugin',
  'scope',
  'secret',
  'service',
  'type',
  'volume',
]);

function labelMatch(spec: string, attrs: Readonly<Record<string, string>>): boolean {
  const i = spec.indexOf('=');
  if (i === -1) return Object.hasOwn(attrs, spec);
  return attrs[spec.slice(0, i)] === spec.slice(i + 1);
}

function sameImage(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return normaliseReference(a) === normaliseReference(b);
  } catch {
    return false;
  }
}

/** moby's events filter: every given key must match (values of one key are alternatives). */
export function eventMatches(e: DockerEvent, filters: Filters): boolean {
  const any = (key: string, test: (v: string) => boolean) => {
    const values = filters.get(key);
    return !values || values.length === 0 || values.some(test);
  };
  const attrs = e.Actor.Attributes;
  const action = e.Action.includes(':') ? e.Action.slice(0, e.Action.indexOf(':')) : e.Action;
  return (
    any('type', (v) => v === e.Type) &&
    any('event', (v) => v === e.Action || v === action) &&
    any('scope', (v) => v === e.scope) &&
    any('container', (v) => e.Type === 'container' && (e.Actor.ID.startsWith(v) || attrs.name === v)) &&
    any(
      'image',
      (v) =>
        (e.Type === 'image' && (e.Actor.ID === v || sameImage(v, e.Actor.ID))) ||
        (attrs.image !== undefined && sameImage(v, attrs.image)),
    ) &&
    any('network', (v) => e.Type === 'network' && (e.Actor.ID.startsWith(v) || attrs.name === v)) &&
    any('volume', (v) => e.Type === 'volume' && (e.Actor.ID === v || attrs.name === v)) &&
    any('daemon', (v) => e.Type === 'daemon' && (e.Actor.ID === v || attrs.name === v)) &&
    (filters.get('label') ?? []).every((l) => labelMatch(l, attrs)) &&
    ['config', 'node', 'plugin', 'secret', 'service'].every((k) => any(k, () => false))
  );
}

export class EventsEngine implements EventsBackend {
  readonly #bus: EventBus;
  readonly #feed: ContainerEventFeed;
  readonly #now: () => number;

  constructor(o: { bus: EventBus; feed: ContainerEventFeed; now?: () => number }) {
    this.#bus = o.bus;
    this.#feed = o.feed;
    this.#now = o.now ?? Date.now;
  }

  checkFilters(filters: Filters): void {
    for (const key of filters.keys()) {
      if (!FILTER_KEYS.has(key)) throw new InvalidParameter(`invalid filter '${key}'`);
    }
  }

  past(sinceNano: bigint | undefined, untilNano: bigint | undefined, filters: Filters): string[] {
    const derived = this.#feed.replay(sinceNano, this.#bus.startedNano);
    const kept = this.#bus.history(sinceNano, untilNano);
    const oldestKept = kept[0]?.timeNano ?? this.#bus.startedNano;
    // Derived events fill the time before the bus started (and before its oldest kept event).
    const fill = derived.filter(
      (e) =>
        e.timeNano < oldestKept &&
        e.timeNano < this.#bus.startedNano &&
        (untilNano === undefined || e.timeNano <= untilNano),
    );
    return [...fill, ...kept].filter((e) => eventMatches(e, filters)).map(eventJson);
  }

  follow(filters: Filters, listener: (json: string, timeNano: bigint) => void): () => void {
    return this.#bus.subscribe((e) => {
      if (eventMatches(e, filters)) listener(eventJson(e), e.timeNano);
    });
  }

  now(): bigint {
    return nanosOf(this.#now());
  }
}
