// Service defaulting (pkg/apis/core/v1/defaults.go SetDefaults_Service) and the ClusterIP / NodePort
// allocation the service REST storage does on create.

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

export interface ServiceAllocator {
  allocateClusterIP(requested: string | undefined, name: string): string;
  releaseClusterIP(ip: string): void;
  allocateNodePort(requested?: number): number;
  releaseNodePort(port: number): void;
}

export function defaultService(svc: J, alloc: ServiceAllocator): void {
  svc.spec ??= {};
  const spec = svc.spec;
  spec.type ??= 'ClusterIP';
  if (spec.type === 'ExternalName') {
    spec.sessionAffinity ??= 'None';
  } else {
    spec.sessionAffinity ??= 'None';
    spec.internalTrafficPolicy ??= 'Cluster';
    if (spec.clusterIP !== 'None') {
      spec.clusterIP = alloc.allocateClusterIP(spec.clusterIP || spec.clusterIPs?.[0], svc.metadata?.name ?? '');
    }
    spec.clusterIPs = [spec.clusterIP];
    if (spec.clusterIP !== 'None' || spec.selector) {
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    }
  }
  for (const p of spec.ports ?? []) {
    if (!p || typeof p !== 'object') continue;
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') p.nodePort = alloc.allocateNodePort(p.nodePort);
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    spec.externalTrafficPolicy ??= 'Cluster';
    if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  }
  if (spec.sessionAffinity === 'ClientIP') spec.sessionAffinityConfig ??= { clientIP: { timeoutSeconds: 10800 } };
}

export function releaseService(svc: J, alloc: ServiceAllocator): void {
  const ip = svc?.spec?.clusterIP;
  if (ip && ip !== 'None') alloc.releaseClusterIP(ip);
  for (const p of svc?.spec?.ports ?? []) if (p?.nodePort) alloc.releaseNodePort(p.nodePort);
}
