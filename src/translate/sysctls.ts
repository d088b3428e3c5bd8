// The sysctls Kubernetes lets any pod set (the kubelet's "safe" set, namespaced to the pod), in Docker's dotted form.

export const SAFE_SYSCTLS: readonly string[] = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ping_group_range',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.tcp_wmem',
];

/** Docker sets this by default (since 20.10) so unprivileged ping works; so does badidea. */
export const DEFAULT_SYSCTLS: Readonly<Record<string, string>> = { 'net.ipv4.ping_group_range': '0 2147483647' };

/** `net/ipv4/ping_group_range` → `net.ipv4.ping_group_range`. */
export function normaliseSysctl(name: string): string {
  return name.includes('/') ? name.replaceAll('/', '.') : name;
}

export function isSafeSysctl(name: string): boolean {
  return SAFE_SYSCTLS.includes(normaliseSysctl(name));
}
