// Defaulting and admission for the other stored kinds: namespaces, PVCs (DefaultStorageClass and
// StorageObjectInUseProtection admission), PVs, secrets (stringData), storage classes, nodes.

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION = 'kubernetes.io/pv-protection';

export function defaultNamespace(ns: J): void {
  ns.spec ??= {};
  // namespaceStrategy.PrepareForCreate: the `kubernetes` finalizer is always there on create
  const finalizers: string[] = Array.isArray(ns.spec.finalizers) ? ns.spec.finalizers : [];
  ns.spec.finalizers = finalizers.includes('kubernetes') ? finalizers : [...finalizers, 'kubernetes'];
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name };
  ns.status = { phase: 'Active' };
}

export function defaultPvc(pvc: J, defaultClass: string | undefined): void {
  pvc.spec ??= {};
  if (pvc.spec.storageClassName === undefined && defaultClass) pvc.spec.storageClassName = defaultClass;
  pvc.spec.volumeMode ??= 'Filesystem';
  pvc.status = { phase: 'Pending' };
  pvc.metadata.finalizers ??= [];
  if (!pvc.metadata.finalizers.includes(PVC_PROTECTION)) pvc.metadata.finalizers.push(PVC_PROTECTION);
}

export function defaultPv(pv: J): void {
  pv.spec ??= {};
  pv.spec.persistentVolumeReclaimPolicy ??= 'Retain';
  pv.spec.volumeMode ??= 'Filesystem';
  if (pv.spec.hostPath) pv.spec.hostPath.type ??= '';
  pv.status = { phase: 'Pending' };
  pv.metadata.finalizers ??= [];
  if (!pv.metadata.finalizers.includes(PV_PROTECTION)) pv.metadata.finalizers.push(PV_PROTECTION);
}

export function defaultSecret(secret: J): void {
  secret.type ??= 'Opaque';
  if (secret.stringData && typeof secret.stringData === 'object') {
    secret.data ??= {};
    for (const [k, v] of Object.entries(secret.stringData)) secret.data[k] = Buffer.from(String(v)).toString('base64');
    delete secret.stringData;
  }
}

export function defaultStorageClass(sc: J): void {
  sc.reclaimPolicy ??= 'Delete';
  sc.volumeBindingMode ??= 'Immediate';
}

export function defaultEndpointSlice(es: J): void {
  for (const p of es.ports ?? []) if (p && typeof p === 'object') p.protocol ??= 'TCP';
}
