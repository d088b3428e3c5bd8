// Structural (type) checks from the OpenAPI schemas precompiled by the kubernetes-models package.
// The real server fails these while decoding JSON into Go structs, with a 400 BadRequest; only type
// mismatches are decode errors (required fields are the semantic validators' job, answered with 422).
import { validate as coordinationV1Lease } from 'kubernetes-models/_schemas/IoK8sApiCoordinationV1Lease';
import { validate as coreV1ConfigMap } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap';
import { validate as coreV1Endpoints } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Endpoints';
import { validate as coreV1Event } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Event';
import { validate as coreV1Namespace } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace';
import { validate as coreV1Node } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Node';
import { validate as coreV1PersistentVolume } from 'kubernetes-models/_schemas/IoK8sApiCoreV1PersistentVolume';
import { validate as coreV1PersistentVolumeClaim } from 'kubernetes-models/_schemas/IoK8sApiCoreV1PersistentVolumeClaim';
import { validate as coreV1Pod } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Pod';
import { validate as coreV1Secret } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Secret';
import { validate as coreV1Service } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Service';
import { validate as coreV1ServiceAccount } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount';
import { validate as discoveryV1EndpointSlice } from 'kubernetes-models/_schemas/IoK8sApiDiscoveryV1EndpointSlice';
import { validate as networkingV1NetworkPolicy } from 'kubernetes-models/_schemas/IoK8sApiNetworkingV1NetworkPolicy';
import { validate as storageV1StorageClass } from 'kubernetes-models/_schemas/IoK8sApiStorageV1StorageClass';
import { badRequest } from '../../apiserver/status.ts';
import { getPath } from '../json.ts';
import type { ResourceInfo } from '../resources.ts';

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}
type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const VALIDATORS: Record<string, Validate> = {
  pods: coreV1Pod as Validate,
  services: coreV1Service as Validate,
  configmaps: coreV1ConfigMap as Validate,
  secrets: coreV1Secret as Validate,
  persistentvolumeclaims: coreV1PersistentVolumeClaim as Validate,
  persistentvolumes: coreV1PersistentVolume as Validate,
  namespaces: coreV1Namespace as Validate,
  nodes: coreV1Node as Validate,
  endpoints: coreV1Endpoints as Validate,
  events: coreV1Event as Validate,
  serviceaccounts: coreV1ServiceAccount as Validate,
  endpointslices: discoveryV1EndpointSlice as Validate,
  storageclasses: storageV1StorageClass as Validate,
  networkpolicies: networkingV1NetworkPolicy as Validate,
  leases: coordinationV1Lease as Validate,
};

const goType = (t: unknown) =>
  t === 'integer' ? 'int32' : t === 'number' ? 'float64' : t === 'object' ? 'map' : t === 'array' ? 'slice' : String(t);

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** Throws 400 `Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal …`. */
export function checkSchema(info: ResourceInfo, object: unknown): void {
  const validate = VALIDATORS[info.key];
  if (!validate) return;
  if (validate({ ...(object as object), apiVersion: undefined, kind: undefined })) return;
  for (const e of validate.errors ?? []) {
    if (e.keyword !== 'type') continue;
    const path = e.instancePath.split('/').filter(Boolean);
    const value = getPath(object, path.join('.'));
    if (value === null || value === undefined) continue;
    const fieldPath = path.filter((p) => !/^\d+$/.test(p)).join('.');
    throw badRequest(
      `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: json: cannot unmarshal ${jsonType(value)} into Go struct field ${info.kind}.${fieldPath} of type ${goType(e.params.type)}`,
    );
  }
}
