// Linux capabilities as Docker names them, and the unprivileged subset badidea allows: the Pod Security Standards
// "baseline" list. Docker's default set minus NET_RAW; ping still works through net.ipv4.ping_group_range.

const ALL_CAPABILITIES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
  'PERFMON',
  'BPF',
  'CHECKPOINT_RESTORE',
] as const;

/** What every badidea container gets: `drop: [ALL]` then `add:` these (Pod Security "baseline"). */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];

const KNOWN = new Set<string>(ALL_CAPABILITIES);
const ALLOWED = new Set(DEFAULT_CAPABILITIES);

/** `net_admin`, `CAP_NET_ADMIN` → `NET_ADMIN`; `all` → `ALL`; undefined for an unknown name. */
export function normaliseCapability(raw: string): string | undefined {
  const upper = raw.trim().toUpperCase();
  const name = upper.startsWith('CAP_') ? upper.slice(4) : upper;
  if (name === 'ALL' || KNOWN.has(name)) return name;
  return undefined;
}

export function isAllowedCapability(name: string): boolean {
  return ALLOWED.has(name);
}

/** The container's final capability set: defaults, minus CapDrop (ALL drops everything), plus allowed CapAdd. */
export function effectiveCapabilities(capAdd: readonly string[], capDrop: readonly string[]): string[] {
  const drop = new Set(capDrop.map((c) => normaliseCapability(c)).filter((c) => c !== undefined));
  const set = new Set(drop.has('ALL') ? [] : DEFAULT_CAPABILITIES.filter((c) => !drop.has(c)));
  for (const raw of capAdd) {
    const c = normaliseCapability(raw);
    if (c !== undefined && c !== 'ALL') set.add(c);
  }
  return [...set].sort();
}
