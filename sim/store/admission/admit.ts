// Admission and defaulting on create and update, per resource, before validation.
import type { ResourceInfo } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import {
  DEFAULT_CLASS_ANNOTATION,
  defaultEndpointSlice,
  defaultNamespace,
  defaultPv,
  defaultPvc,
  defaultSecret,
  defaultStorageClass,
} from './misc.ts';
import { defaultContainer, defaultPod, initialPodStatus } from './pod.ts';
import { defaultService, type ServiceAllocator } from './service.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

export interface AdmissionContext {
  allocator: ServiceAllocator;
  /** The StorageClass objects, to find the default class. */
  storageClasses(): KubeObject[];
}

function defaultClassName(ctx: AdmissionContext): string | undefined {
  const defaults = ctx
    .storageClasses()
    .filter((sc) => sc.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true')
    .sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
  return defaults[0]?.metadata.name;
}

/** Mutates `o` (a fresh copy) with the defaults and admission changes the real API server makes on create. */
export function admitCreate(info: ResourceInfo, o: J, ctx: AdmissionContext): void {
  switch (info.key) {
    case 'pods':
      defaultPod(o);
      o.status = initialPodStatus(o);
      break;
    case 'services':
      defaultService(o, ctx.allocator);
      o.status = { loadBalancer: {} };
      break;
    case 'namespaces':
      defaultNamespace(o);
      break;
    case 'persistentvolumeclaims':
      defaultPvc(o, defaultClassName(ctx));
      break;
    case 'persistentvolumes':
      defaultPv(o);
      break;
    case 'secrets':
      defaultSecret(o);
      break;
    case 'storageclasses':
      defaultStorageClass(o);
      break;
    case 'endpointslices':
      defaultEndpointSlice(o);
      break;
  }
}

/** Defaulting on update, and the values the update carries over from the stored object. */
export function admitUpdate(info: ResourceInfo, o: J, old: J): void {
  switch (info.key) {
    case 'pods':
      defaultPod(o);
      if (old.spec?.ephemeralContainers) o.spec.ephemeralContainers = old.spec.ephemeralContainers;
      else delete o.spec.ephemeralContainers;
      break;
    case 'services': {
      o.spec ??= {};
      const type = o.spec.type ?? 'ClusterIP';
      o.spec.type = type;
      o.spec.sessionAffinity ??= 'None';
      if (type !== 'ExternalName') {
        o.spec.internalTrafficPolicy ??= 'Cluster';
        o.spec.clusterIP ||= old.spec?.clusterIP;
        o.spec.clusterIPs ??= old.spec?.clusterIPs;
        o.spec.ipFamilies ??= old.spec?.ipFamilies;
        o.spec.ipFamilyPolicy ??= old.spec?.ipFamilyPolicy;
      }
      for (const p of o.spec.ports ?? []) {
        if (!p || typeof p !== 'object') continue;
        p.protocol ??= 'TCP';
        if (p.targetPort === undefined) p.targetPort = p.port;
        const before = (old.spec?.ports ?? []).find((q: J) => q.port === p.port && q.protocol === p.protocol);
        if (before?.nodePort && !p.nodePort && (type === 'NodePort' || type === 'LoadBalancer'))
          p.nodePort = before.nodePort;
      }
      break;
    }
    case 'namespaces':
      o.spec = old.spec;
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
      break;
    case 'persistentvolumeclaims':
      o.spec ??= {};
      if (o.spec.storageClassName === undefined) o.spec.storageClassName = old.spec?.storageClassName;
      o.spec.volumeMode ??= 'Filesystem';
      break;
    case 'persistentvolumes':
      o.spec ??= {};
      o.spec.persistentVolumeReclaimPolicy ??= 'Retain';
      o.spec.volumeMode ??= 'Filesystem';
      break;
    case 'secrets':
      defaultSecret(o);
      break;
    case 'storageclasses':
      defaultStorageClass(o);
      break;
    case 'endpointslices':
      defaultEndpointSlice(o);
      break;
  }
}

/** pods/ephemeralcontainers: only the ephemeral container list changes, and only by appending. */
export function admitEphemeral(o: J): void {
  for (const c of o.spec?.ephemeralContainers ?? []) defaultContainer(c, o.spec?.hostNetwork === true);
}
