// Service cluster IPs as host addresses on the cluster network's bridge, the way the userspace
// kube-proxy made them reachable: pods route them through their default gateway (the bridge), and
// the host delivers them locally to the proxy's sockets.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface AddressManager {
  add(ip: string): Promise<void>;
  remove(ip: string): Promise<void>;
  /** Every address this manager added and has not removed yet. */
  list(): string[];
}

/** `ip addr add|del <ip>/32 dev <bridge>`; needs root (CAP_NET_ADMIN). */
export function bridgeAddresses(bridge: string): AddressManager {
  const added = new Set<string>();
  return {
    async add(ip) {
      try {
        await run('ip', ['addr', 'add', `${ip}/32`, 'dev', bridge]);
      } catch (err) {
        if (!/File exists/.test(String((err as { stderr?: string }).stderr))) throw err;
      }
      added.add(ip);
    },
    async remove(ip) {
      added.delete(ip);
      try {
        await run('ip', ['addr', 'del', `${ip}/32`, 'dev', bridge]);
      } catch {
        // Already gone (or the bridge is): nothing to undo.
      }
    },
    list: () => [...added],
  };
}

/** For addresses that are local already (127.0.0.0/8 in tests): nothing to add. */
export function noAddresses(): AddressManager {
  return { add: async () => {}, remove: async () => {}, list: () => [] };
}

/** Whether an IPv4 address lies in a CIDR range. */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const n = (s: string) => s.split('.').reduce((acc, p) => (acc << 8) + Number(p), 0) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (n(ip) & mask) === (n(base) & mask);
}
