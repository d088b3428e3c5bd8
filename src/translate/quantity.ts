// Kubernetes resource quantities ("3500m", "16318420Ki", "8G") as numbers: CPU in cores, memory in bytes.

/** "3500m" → 3.5; "250000n" → 0.00025; "4" → 4. */
export function parseCpuQuantity(q: string | undefined): number {
  if (!q) return 0;
  const m = /^([0-9.]+)([num]?)$/.exec(q.trim());
  if (!m) return 0;
  const scale = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1 }[m[2] as 'n' | 'u' | 'm' | ''];
  return Number(m[1]) * scale;
}

const BYTE_SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  m: 1e-3,
  '': 1,
};

/** Kubernetes quantity → bytes ("16318420Ki", "8G", "1e9"). */
export function parseByteQuantity(q: string | undefined): number {
  if (!q) return 0;
  const m = /^([0-9.]+(?:e[0-9]+)?)([A-Za-z]*)$/.exec(q.trim());
  if (!m || BYTE_SUFFIX[m[2]] === undefined) return 0;
  return Math.round(Number(m[1]) * BYTE_SUFFIX[m[2]]);
}
