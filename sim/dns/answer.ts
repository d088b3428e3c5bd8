// The records of the cluster zone, per the Kubernetes DNS-Based Service Discovery specification
// (schema 1.1.0): services (ClusterIP, headless, ExternalName), SRV for named ports, endpoint
// hostnames of headless services, the deprecated <a-b-c-d>.<ns>.pod.<zone> records, PTR for cluster
// IPs and named endpoints, and dns-version. Nothing is forwarded: names outside the zone are REFUSED.
import type { Answer } from 'dns-packet';
import { type Backend, backendPort, clusterIPv4s, isExternalName, isHeadless, isIPv4 } from '../services/model.ts';
import type { ClusterView } from '../services/view.ts';

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface Reply {
  rcode: number;
  authoritative: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

export const SCHEMA_VERSION = '1.1.0';
const TTL = 5;

export function answer(view: ClusterView, zone: string, qname: string, qtype: string): Reply {
  const reply: Reply = { rcode: RCODE.NOERROR, authoritative: true, answers: [], authorities: [], additionals: [] };
  const name = qname.toLowerCase().replace(/\.$/, '');
  const soa: Answer = {
    name: zone,
    type: 'SOA',
    ttl: TTL,
    data: {
      mname: `ns.dns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: 1,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: TTL,
    },
  };
  const nxdomain = () => {
    reply.rcode = RCODE.NXDOMAIN;
    reply.authorities.push(soa);
    return reply;
  };
  const nodata = () => {
    reply.authorities.push(soa);
    return reply;
  };
  const rr = (type: 'A' | 'CNAME' | 'PTR', data: string, owner = qname): Answer => ({
    name: owner,
    type,
    ttl: TTL,
    data,
  });

  if (name.endsWith('.in-addr.arpa')) return reverse(view, zone, qname, name, qtype, reply, rr);
  if (name !== zone && !name.endsWith(`.${zone}`)) {
    reply.rcode = RCODE.REFUSED;
    reply.authoritative = false;
    return reply;
  }
  const labels = name === zone ? [] : name.slice(0, -zone.length - 1).split('.');
  if (labels.length === 0) {
    if (qtype === 'SOA' || qtype === 'ANY') reply.answers.push({ ...soa, name: qname });
    else if (qtype === 'NS') reply.answers.push({ name: qname, type: 'NS', ttl: TTL, data: `ns.dns.${zone}` });
    return reply.answers.length ? reply : nodata();
  }
  if (labels.length === 1 && labels[0] === 'dns-version') {
    if (qtype === 'TXT' || qtype === 'ANY') {
      reply.answers.push({ name: qname, type: 'TXT', ttl: TTL, data: [SCHEMA_VERSION] });
      return reply;
    }
    return nodata();
  }
  const last = labels[labels.length - 1];

  if (last === 'pod') {
    if (labels.length === 1) return nodata();
    if (labels.length === 2) return view.namespaceExists(labels[0]) ? nodata() : nxdomain();
    if (labels.length !== 3) return nxdomain();
    const ip = labels[0].replaceAll('-', '.');
    if (!isIPv4(ip)) return nxdomain();
    if (qtype === 'A' || qtype === 'ANY') reply.answers.push(rr('A', ip));
    return reply.answers.length ? reply : nodata();
  }
  if (last !== 'svc') return nxdomain();
  if (labels.length === 1) return nodata();
  const ns = labels[labels.length - 2];
  if (labels.length === 2) return view.namespaceExists(ns) ? nodata() : nxdomain();
  const svcName = labels[labels.length - 3];
  const svc = view.service(ns, svcName);
  if (!svc) return nxdomain();
  const svcFqdn = `${svcName}.${ns}.svc.${zone}`;
  const headless = isHeadless(svc);
  const ready = () => view.backends(svc).filter((b) => b.ready);
  const hostOf = (b: Backend) => b.hostname ?? b.ip.replaceAll('.', '-');
  const wantA = qtype === 'A' || qtype === 'ANY';

  if (labels.length === 3) {
    // <service>.<ns>.svc.<zone>
    if (isExternalName(svc)) {
      const target = (svc.spec?.externalName ?? '').replace(/\.$/, '');
      if (!target) return nxdomain();
      reply.answers.push(rr('CNAME', target));
      // Chase a CNAME into the cluster zone; anything outside it is for the client to resolve (and be refused).
      if (qtype !== 'CNAME' && (target === zone || target.endsWith(`.${zone}`)) && target !== name) {
        const chased = answer(view, zone, target, qtype);
        reply.answers.push(...chased.answers.filter((a) => a.type !== 'CNAME' || a.name !== target));
      }
      return reply;
    }
    if (wantA) {
      if (headless) for (const b of ready()) reply.answers.push(rr('A', b.ip));
      else for (const ip of clusterIPv4s(svc)) reply.answers.push(rr('A', ip));
    }
    if (qtype === 'SRV' || qtype === 'ANY') {
      for (const p of svc.spec?.ports ?? []) {
        if (headless) {
          for (const b of ready()) {
            const port = backendPort(b, p);
            if (port === undefined) continue;
            const target = `${hostOf(b)}.${svcFqdn}`;
            reply.answers.push(srv(qname, port, target));
            reply.additionals.push(rr('A', b.ip, target));
          }
        } else {
          reply.answers.push(srv(qname, p.port, svcFqdn));
        }
      }
      if (!headless) for (const ip of clusterIPv4s(svc)) reply.additionals.push(rr('A', ip, svcFqdn));
    }
    return reply.answers.length ? reply : nodata();
  }

  if (labels.length === 4) {
    // <hostname>.<service>.<ns>.svc.<zone>: a named endpoint of a headless service.
    if (!headless) return nxdomain();
    const host = labels[0];
    const matches = ready().filter((b) => hostOf(b).toLowerCase() === host);
    if (matches.length === 0) return nxdomain();
    if (wantA) for (const b of matches) reply.answers.push(rr('A', b.ip));
    return reply.answers.length ? reply : nodata();
  }

  if (labels.length === 5 && labels[0].startsWith('_') && labels[1].startsWith('_')) {
    // _<port>._<proto>.<service>.<ns>.svc.<zone>
    const portName = labels[0].slice(1);
    const proto = labels[1].slice(1);
    const port = (svc.spec?.ports ?? []).find(
      (p) => p.name?.toLowerCase() === portName && (p.protocol ?? 'TCP').toLowerCase() === proto,
    );
    if (!port) return nxdomain();
    if (qtype === 'SRV' || qtype === 'ANY') {
      if (headless) {
        for (const b of ready()) {
          const n = backendPort(b, port);
          if (n === undefined) continue;
          const target = `${hostOf(b)}.${svcFqdn}`;
          reply.answers.push(srv(qname, n, target));
          reply.additionals.push(rr('A', b.ip, target));
        }
      } else {
        reply.answers.push(srv(qname, port.port, svcFqdn));
        for (const ip of clusterIPv4s(svc)) reply.additionals.push(rr('A', ip, svcFqdn));
      }
    }
    return reply.answers.length ? reply : nodata();
  }
  return nxdomain();
}

function srv(owner: string, port: number, target: string): Answer {
  return { name: owner, type: 'SRV', ttl: TTL, data: { priority: 0, weight: 100, port, target } };
}

function reverse(
  view: ClusterView,
  zone: string,
  qname: string,
  name: string,
  qtype: string,
  reply: Reply,
  rr: (type: 'PTR', data: string, owner?: string) => Answer,
): Reply {
  const octets = name.slice(0, -'.in-addr.arpa'.length).split('.');
  const ip = octets.reverse().join('.');
  if (!isIPv4(ip)) {
    reply.rcode = octets.length < 4 ? RCODE.NOERROR : RCODE.NXDOMAIN;
    return reply;
  }
  const names: string[] = [];
  for (const svc of view.services()) {
    const fqdn = `${svc.metadata.name}.${svc.metadata.namespace}.svc.${zone}`;
    if (clusterIPv4s(svc).includes(ip)) names.push(fqdn);
    if (isHeadless(svc)) {
      for (const b of view.backends(svc)) if (b.ready && b.hostname && b.ip === ip) names.push(`${b.hostname}.${fqdn}`);
    }
  }
  if (names.length === 0) {
    reply.rcode = RCODE.NXDOMAIN;
    return reply;
  }
  if (qtype === 'PTR' || qtype === 'ANY') for (const n of names) reply.answers.push(rr('PTR', n, qname));
  return reply;
}
