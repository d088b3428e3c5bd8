// The slice of Service, Endpoints and Pod that cluster DNS and the service proxy read, and the pure
// functions that turn them into backends: which addresses serve a service, on which ports.
import type { KubeObject } from '../store/types.ts';

export interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface Service extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalName?: string;
    selector?: Record<string, string>;
    ports?: ServicePort[];
    publishNotReadyAddresses?: boolean;
  };
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string; uid?: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: string;
}

export interface Endpoints extends KubeObject {
  subsets?: { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[] }[];
}

export interface Pod extends KubeObject {
  spec?: {
    hostname?: string;
    subdomain?: string;
    containers?: { name: string; ports?: { name?: string; containerPort: number; protocol?: string }[] }[];
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    conditions?: { type: string; status: string }[];
  };
}

/** One address serving a service, with the port numbers it serves, by service port name ('' when unnamed). */
export interface Backend {
  ip: string;
  hostname?: string;
  ready: boolean;
  ports: Map<string, { port: number; protocol: string }>;
}

export const TOLERATE_UNREADY = 'service.alpha.kubernetes.io/tolerate-unready-endpoints';

export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

export function isExternalName(svc: Service): boolean {
  return svc.spec?.type === 'ExternalName';
}

/** The IPv4 cluster IPs of a service with a virtual IP (none for headless and ExternalName services). */
export function clusterIPv4s(svc: Service): string[] {
  if (isExternalName(svc) || isHeadless(svc)) return [];
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter(isIPv4);
}

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && String(Number(p)) === p);
}

export function podIsReady(pod: Pod): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string> = {}) {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Whether not-ready addresses count as ready (publishNotReadyAddresses or the legacy annotation). */
export function publishesNotReady(svc: Service): boolean {
  return svc.spec?.publishNotReadyAddresses === true || svc.metadata.annotations?.[TOLERATE_UNREADY] === 'true';
}

/**
 * The backends of a service. Read from its Endpoints object when there is one (the endpoints
 * controller's view); otherwise derived from the pods its selector picks, the way that controller would.
 */
export function backendsOf(svc: Service, endpoints: Endpoints | undefined, pods: Iterable<Pod>): Backend[] {
  const includeNotReady = publishesNotReady(svc);
  const out: Backend[] = [];
  if (endpoints) {
    // The endpoints controller names an address after its pod's spec.hostname when the pod's
    // spec.subdomain is the service's name; the same rule applied here when an address lacks it.
    let byName: Map<string, Pod> | undefined;
    const hostnameOf = (a: EndpointAddress): string | undefined => {
      if (a.hostname || a.targetRef?.kind !== 'Pod' || !a.targetRef.name) return a.hostname;
      byName ??= new Map(
        [...pods].filter((p) => p.metadata.namespace === svc.metadata.namespace).map((p) => [p.metadata.name ?? '', p]),
      );
      const pod = byName.get(a.targetRef.name);
      return pod?.spec?.hostname && pod.spec.subdomain === svc.metadata.name ? pod.spec.hostname : undefined;
    };
    for (const subset of endpoints.subsets ?? []) {
      const ports = new Map<string, { port: number; protocol: string }>();
      for (const p of subset.ports ?? []) ports.set(p.name ?? '', { port: p.port, protocol: p.protocol ?? 'TCP' });
      const add = (a: EndpointAddress, ready: boolean) => out.push({ ip: a.ip, hostname: hostnameOf(a), ready, ports });
      for (const a of subset.addresses ?? []) add(a, true);
      for (const a of subset.notReadyAddresses ?? []) add(a, includeNotReady);
    }
    return out;
  }
  const selector = svc.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return out;
  for (const pod of pods) {
    if (pod.metadata.namespace !== svc.metadata.namespace) continue;
    if (!selectorMatches(selector, pod.metadata.labels)) continue;
    const ip = pod.status?.podIP;
    if (!ip) continue;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const ports = new Map<string, { port: number; protocol: string }>();
    for (const sp of svc.spec?.ports ?? []) {
      const port = resolveTargetPort(sp, pod);
      if (port !== undefined) ports.set(sp.name ?? '', { port, protocol: sp.protocol ?? 'TCP' });
    }
    const hostname = pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name ? pod.spec.hostname : undefined;
    out.push({ ip, hostname, ready: podIsReady(pod) || includeNotReady, ports });
  }
  return out;
}

/** A service port's target on a pod: a number, or a named container port (undefined when the pod has no such port). */
export function resolveTargetPort(sp: ServicePort, pod: Pod): number | undefined {
  const t = sp.targetPort ?? sp.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(t)) return Number(t);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === t && (p.protocol ?? 'TCP') === (sp.protocol ?? 'TCP')) return p.containerPort;
    }
  }
  return undefined;
}

/** The endpoint port serving a service port: by name, or the single port of a single-port service. */
export function backendPort(backend: Backend, sp: ServicePort): number | undefined {
  const named = backend.ports.get(sp.name ?? '');
  if (named) return named.port;
  if (backend.ports.size === 1 && !sp.name) return [...backend.ports.values()][0].port;
  return undefined;
}
