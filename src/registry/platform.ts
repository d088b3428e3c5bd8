// Platforms (`linux/arm64/v8`) and the choice of one manifest from a manifest list or OCI index, following
// containerd's `platforms` package: names are normalised (x86_64 → amd64, aarch64 → arm64, arm64 defaults to v8),
// an exact variant wins, and a lower arm variant is an acceptable fallback (v7 runs v6 and v5).

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

export class InvalidPlatformError extends Error {
  override name = 'InvalidPlatformError';
}

const archAliases: Record<string, string> = {
  x86_64: 'amd64',
  x86: '386',
  i386: '386',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
};

export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase();
  const architecture = archAliases[p.architecture.toLowerCase()] ?? p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase() || undefined;
  if (p.architecture.toLowerCase() === 'armhf') variant ??= 'v7';
  if (p.architecture.toLowerCase() === 'armel') variant ??= 'v6';
  if (architecture === 'arm64' && !variant) variant = 'v8';
  if (architecture === 'arm' && !variant) variant = 'v7';
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** Parses `linux`, `linux/amd64`, `linux/arm/v7` (the `platform` query parameter). */
export function parsePlatform(s: string, defaults: Platform): Platform {
  const parts = s.split('/');
  if (parts.length > 3 || parts.some((x) => !/^[A-Za-z0-9_.-]+$/.test(x))) {
    throw new InvalidPlatformError(`"${s}": unknown operating system or architecture: invalid argument`);
  }
  if (parts.length === 1) {
    // containerd: a lone word is an OS if it is one, else an architecture on the default OS.
    const w = parts[0].toLowerCase();
    if (['linux', 'windows', 'darwin', 'freebsd'].includes(w)) return normalizePlatform({ ...defaults, os: w });
    return normalizePlatform({ os: defaults.os, architecture: w });
  }
  return normalizePlatform({ os: parts[0], architecture: parts[1], ...(parts[2] ? { variant: parts[2] } : {}) });
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** The platform of this process's machine, as a default when the cluster's is not known. */
export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', s390x: 's390x' };
  return normalizePlatform({ os: 'linux', architecture: arch[process.arch] ?? process.arch });
}

function armRank(v: string | undefined): number {
  const m = /^v(\d+)$/.exec(v ?? '');
  return m ? Number(m[1]) : 0;
}

/** How well `candidate` serves `want`: 0 = not at all, higher is better. */
export function platformScore(want: Platform, candidate: Platform): number {
  const w = normalizePlatform(want);
  const c = normalizePlatform(candidate);
  if (w.os !== c.os || w.architecture !== c.architecture) return 0;
  if (w.variant === c.variant) return 100;
  if (w.architecture === 'arm' && armRank(c.variant) > 0 && armRank(c.variant) < armRank(w.variant)) {
    return 50 + armRank(c.variant);
  }
  if (!candidate.variant) return 10; // an entry without variant is a generic build of the architecture
  return 0;
}

/** Picks the best entry for `want`, or undefined. Entries are manifest descriptors with a platform. */
export function selectPlatform<T extends { platform?: Platform }>(
  entries: readonly T[],
  want: Platform,
): T | undefined {
  let best: T | undefined;
  let bestScore = 0;
  for (const e of entries) {
    if (!e.platform) continue;
    const s = platformScore(want, e.platform);
    if (s > bestScore) {
      best = e;
      bestScore = s;
    }
  }
  return best;
}
