// What GET /events needs: the past events (kept in memory, or derived from the cluster's objects) and a live feed.

import type { Filters } from '../http/query.ts';

export interface EventsBackend {
  /** Validates the filters (400 `invalid filter 'x'`). */
  checkFilters(filters: Filters): void;
  /** Events with since ≤ time ≤ until (unix ns) that match, oldest first, each as its JSON text. */
  past(sinceNano: bigint | undefined, untilNano: bigint | undefined, filters: Filters): string[];
  /** Live events from now on (JSON text); returns the unsubscribe function. */
  follow(filters: Filters, listener: (json: string, timeNano: bigint) => void): () => void;
  /** unix ns */
  now(): bigint;
}
