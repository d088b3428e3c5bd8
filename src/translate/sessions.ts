// Abandoned sessions (docs/ryuk.md): a Testcontainers session labels everything it creates with its session ID.
// A session nobody guards (no live Ryuk has it among its filters) and that created nothing for the configured time
// is abandoned: its process is gone or forgot it, and what it left is removed. Objects without the label are never
// touched.

export const SESSION_LABEL = 'org.testcontainers.session-id';

export interface SessionSubject {
  labels: Readonly<Record<string, string>>;
  /** Creation time, ms since the epoch (NaN when unknown: counts as new). */
  created: number;
}

/** The sessions whose newest object is older than `maxIdleMs` and that no Ryuk guards. */
export function abandonedSessions(
  subjects: readonly SessionSubject[],
  guarded: ReadonlySet<string>,
  now: number,
  maxIdleMs: number,
): string[] {
  const newest = new Map<string, number>();
  for (const s of subjects) {
    const id = s.labels[SESSION_LABEL];
    if (!id) continue;
    const created = Number.isNaN(s.created) ? now : s.created;
    newest.set(id, Math.max(newest.get(id) ?? 0, created));
  }
  return [...newest]
    .filter(([id, t]) => !guarded.has(id) && now - t >= maxIdleMs)
    .map(([id]) => id)
    .sort();
}

/** The session IDs a Ryuk filter set names (`org.testcontainers.session-id=X` among its labels). */
export function sessionsOfFilter(filter: readonly string[]): string[] {
  const prefix = `${SESSION_LABEL}=`;
  return filter.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
}
