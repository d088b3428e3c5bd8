// Sizes and durations between Docker's units and Kubernetes quantities.

/** Docker's RAMInBytes: `64m`, `1g`, `512k`, `100` (bytes), `1.5GB`, `2gib`; binary multiples. NaN if malformed. */
export function parseDockerSize(value: string): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgtp]?)(i?b)?\s*$/i.exec(value);
  if (!m) return Number.NaN;
  const exp = ' kmgtp'.indexOf(m[2] === '' ? ' ' : m[2].toLowerCase());
  return Math.trunc(Number(m[1]) * 1024 ** exp);
}

/** A byte count as a Kubernetes quantity: the plain integer ("67108864"), exact and unambiguous. */
export function bytesQuantity(bytes: number): string {
  return String(Math.trunc(bytes));
}

/** CPUs (possibly fractional) as a Kubernetes quantity in millicores, at least 1m: 0.5 → "500m". */
export function cpuQuantity(cpus: number): string {
  return `${Math.max(1, Math.round(cpus * 1000))}m`;
}

/** Nanoseconds → whole seconds for a probe, rounded up, at least `min`. */
export function nanosToProbeSeconds(nanos: number, min: number): number {
  return Math.max(min, Math.ceil(nanos / 1e9));
}
