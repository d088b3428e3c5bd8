// The pod's /etc/hosts and /etc/resolv.conf, as the kubelet writes them
// (pkg/kubelet/kubelet_pods.go managedHostsFileContent, pkg/kubelet/network/dns/dns.go).
import type { Pod } from './types.ts';

export interface ClusterDnsOptions {
  /** The cluster DNS server's IP (ClusterFirst); without it ClusterFirst falls back to Default. */
  clusterDNS?: string[];
  /** Default cluster.local. */
  clusterDomain?: string;
  /** The node's own resolv.conf content for dnsPolicy Default (default: the host's /etc/resolv.conf, read by the caller). */
  hostResolvConf?: string;
}

/** hostname and subdomain per kubelet GeneratePodHostNameAndDomain (hostname truncated to 63). */
export function podHostname(pod: Pod, clusterDomain: string): { hostname: string; domain?: string } {
  let hostname = pod.spec.hostname || pod.metadata.name || '';
  if (hostname.length > 63) hostname = hostname.slice(0, 63).replace(/[-.]+$/, '');
  const sub = pod.spec.subdomain;
  const domain = sub ? `${sub}.${pod.metadata.namespace}.svc.${clusterDomain}` : undefined;
  return { hostname, domain };
}

export function hostsFile(pod: Pod, podIP: string, clusterDomain: string): string {
  const { hostname, domain } = podHostname(pod, clusterDomain);
  let out = '# Kubernetes-managed hosts file.\n';
  out += '127.0.0.1\tlocalhost\n';
  out += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  out += 'fe00::0\tip6-localnet\n';
  out += 'fe00::0\tip6-mcastprefix\n';
  out += 'fe00::1\tip6-allnodes\n';
  out += 'fe00::2\tip6-allrouters\n';
  if (podIP) out += domain ? `${podIP}\t${hostname}.${domain}\t${hostname}\n` : `${podIP}\t${hostname}\n`;
  const aliases = pod.spec.hostAliases ?? [];
  if (aliases.length) {
    out += '\n# Entries added by HostAliases.\n';
    for (const a of aliases) out += `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`;
  }
  return out;
}

function parseResolv(content: string): { nameservers: string[]; searches: string[]; options: string[] } {
  const r = { nameservers: [] as string[], searches: [] as string[], options: [] as string[] };
  for (const line of content.split('\n')) {
    const f = line
      .replace(/[#;].*/, '')
      .trim()
      .split(/\s+/);
    if (f[0] === 'nameserver' && f[1]) r.nameservers.push(f[1]);
    else if ((f[0] === 'search' || f[0] === 'domain') && f.length > 1) r.searches = f.slice(1);
    else if (f[0] === 'options') r.options.push(...f.slice(1));
  }
  return r;
}

/** resolv.conf content, or undefined to leave Docker's own (dnsPolicy Default with no host file given). */
export function resolvConf(pod: Pod, opts: ClusterDnsOptions): string | undefined {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  const domain = opts.clusterDomain ?? 'cluster.local';
  let nameservers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  const host = parseResolv(opts.hostResolvConf ?? '');
  const clusterFirst =
    (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') && (opts.clusterDNS?.length ?? 0) > 0;
  if (clusterFirst && !(policy === 'ClusterFirst' && pod.spec.hostNetwork)) {
    nameservers = [...opts.clusterDNS!];
    const ns = pod.metadata.namespace ?? 'default';
    searches = [`${ns}.svc.${domain}`, `svc.${domain}`, domain, ...host.searches];
    options = ['ndots:5'];
  } else if (policy !== 'None') {
    if (opts.hostResolvConf === undefined && !pod.spec.dnsConfig) return undefined;
    nameservers = host.nameservers;
    searches = host.searches;
    options = host.options;
  }
  const cfg = pod.spec.dnsConfig;
  if (cfg) {
    for (const n of cfg.nameservers ?? []) if (!nameservers.includes(n)) nameservers.push(n);
    for (const s of cfg.searches ?? []) if (!searches.includes(s)) searches.push(s);
    for (const o of cfg.options ?? []) {
      const name = o.name;
      options = options.filter((x) => x.split(':')[0] !== name);
      options.push(o.value !== undefined ? `${name}:${o.value}` : name);
    }
  }
  let out = '';
  if (searches.length) out += `search ${searches.slice(0, 32).join(' ')}\n`;
  for (const n of nameservers.slice(0, 3)) out += `nameserver ${n}\n`;
  if (options.length) out += `options ${options.join(' ')}\n`;
  return out;
}
