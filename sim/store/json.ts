// JSON helpers shared by the store, the API server and the controllers.

export function clone<T>(value: T): T {
  return structuredClone(value);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** metav1.Time: RFC 3339 with second precision, as the API server serialises it. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.MicroTime (events.k8s.io eventTime, lease renewTime). */
export function microTimestamp(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}

/** Walks a dotted path in a JSON object. */
// biome-ignore lint/suspicious/noExplicitAny: JSON walking
export function getPath(o: any, path: string): unknown {
  return path.split('.').reduce((acc, k) => (acc == null ? undefined : acc[k]), o);
}
