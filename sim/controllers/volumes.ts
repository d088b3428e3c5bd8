// The PersistentVolume side (pkg/controller/volume/persistentvolume and pvcprotection/pvprotection):
// claims bind to a matching Available PV or, for the simulator's provisioner, to a new hostPath PV
// under `${stateDir}/pv/<name>` (WaitForFirstConsumer: once the scheduler set the selected node);
// released PVs with reclaimPolicy Delete go away with their directory; the protection finalizers
// are removed when no pod uses the claim / no claim is bound to the volume.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PV_PROTECTION, PVC_PROTECTION } from '../store/admission/misc.ts';
import { PROVISIONER } from '../store/bootstrap.ts';
import type { MemoryStore } from '../store/memory-store.ts';
import type { EventRecorder } from './events.ts';
import { SELECTED_NODE } from './scheduler.ts';
import { WorkQueue } from './work-queue.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

export interface VolumeControllerOptions {
  stateDir: string;
  nodeName: string;
  recorder: EventRecorder;
  log?: (line: string) => void;
}

const UNITS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  '': 1,
};

export function quantityBytes(q: unknown): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT]i?|)$/.exec(String(q ?? '0'));
  return m ? Number(m[1]) * (UNITS[m[2]!] ?? 1) : 0;
}

function podUsesClaim(pod: J, claim: string): boolean {
  return (pod.spec?.volumes ?? []).some((v: J) => v.persistentVolumeClaim?.claimName === claim);
}

export function startVolumeController(store: MemoryStore, options: VolumeControllerOptions): () => void {
  const { recorder, stateDir, nodeName } = options;
  const announced = new Set<string>();

  const bind = (pvc: J, pv: J) => {
    const claimRef = {
      kind: 'PersistentVolumeClaim',
      namespace: pvc.metadata.namespace,
      name: pvc.metadata.name,
      uid: pvc.metadata.uid,
      apiVersion: 'v1',
      resourceVersion: pvc.metadata.resourceVersion,
    };
    let volume: J = pv;
    if (pv.spec.claimRef?.uid !== pvc.metadata.uid)
      volume = store.update('persistentvolumes', { ...pv, spec: { ...pv.spec, claimRef } });
    if (volume.status?.phase !== 'Bound')
      volume = store.update('persistentvolumes', { ...volume, status: { phase: 'Bound' } }, { subresource: 'status' });
    const annotations = {
      ...(pvc.metadata.annotations ?? {}),
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
    };
    const claim: J = store.update('persistentvolumeclaims', {
      ...pvc,
      metadata: { ...pvc.metadata, annotations },
      spec: { ...pvc.spec, volumeName: pv.metadata.name },
    });
    store.update(
      'persistentvolumeclaims',
      { ...claim, status: { phase: 'Bound', accessModes: pv.spec.accessModes, capacity: pv.spec.capacity } },
      { subresource: 'status' },
    );
  };

  const provision = (pvc: J, sc: J) => {
    const name = `pvc-${pvc.metadata.uid}`;
    const key = `${pvc.metadata.namespace}/${pvc.metadata.name}`;
    recorder.event(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${key}"`);
    const path = join(stateDir, 'pv', name);
    mkdirSync(path, { recursive: true, mode: 0o777 });
    const pv = store.create('persistentvolumes', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER } },
      spec: {
        capacity: { storage: pvc.spec.resources?.requests?.storage ?? '1Gi' },
        accessModes: pvc.spec.accessModes,
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
        storageClassName: sc.metadata.name,
        volumeMode: pvc.spec.volumeMode ?? 'Filesystem',
        hostPath: { path, type: 'DirectoryOrCreate' },
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] },
            ],
          },
        },
      },
    });
    recorder.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
    bind(pvc, pv);
  };

  const syncClaim = (namespace: string, name: string) => {
    const pvc: J = store.get('persistentvolumeclaims', namespace, name);
    if (!pvc) return;
    if (pvc.metadata.deletionTimestamp) {
      if (!(pvc.metadata.finalizers ?? []).includes(PVC_PROTECTION)) return;
      const inUse = store.list('pods', namespace).items.some((p: J) => {
        const phase = p.status?.phase;
        return podUsesClaim(p, name) && phase !== 'Succeeded' && phase !== 'Failed';
      });
      if (!inUse) {
        const finalizers = pvc.metadata.finalizers.filter((f: string) => f !== PVC_PROTECTION);
        store.update('persistentvolumeclaims', { ...pvc, metadata: { ...pvc.metadata, finalizers } });
      }
      return;
    }
    if (pvc.spec.volumeName) {
      const pv: J = store.get('persistentvolumes', undefined, pvc.spec.volumeName);
      if (pv && pvc.status?.phase !== 'Bound') bind(pvc, pv);
      return;
    }
    const request = quantityBytes(pvc.spec.resources?.requests?.storage);
    const className = pvc.spec.storageClassName ?? '';
    const match = (store.list('persistentvolumes', undefined).items as J[]).find(
      (pv) =>
        !pv.metadata.deletionTimestamp &&
        (pv.status?.phase === 'Available' || pv.status?.phase === 'Pending') &&
        (!pv.spec.claimRef || (pv.spec.claimRef.name === name && pv.spec.claimRef.namespace === namespace)) &&
        (pv.spec.storageClassName ?? '') === className &&
        quantityBytes(pv.spec.capacity?.storage) >= request &&
        (pvc.spec.accessModes ?? []).every((m: string) => (pv.spec.accessModes ?? []).includes(m)),
    );
    if (match) return bind(pvc, match);
    if (!className) return;
    const sc: J = store.get('storageclasses', undefined, className);
    if (!sc) {
      recorder.event(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    if (sc.provisioner !== PROVISIONER) return;
    if (!pvc.metadata.annotations?.['volume.kubernetes.io/storage-provisioner']) {
      const annotations = {
        ...(pvc.metadata.annotations ?? {}),
        'volume.beta.kubernetes.io/storage-provisioner': PROVISIONER,
        'volume.kubernetes.io/storage-provisioner': PROVISIONER,
      };
      store.update('persistentvolumeclaims', { ...pvc, metadata: { ...pvc.metadata, annotations } });
      return; // the update re-queues the claim
    }
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !pvc.metadata.annotations?.[SELECTED_NODE]) {
      if (!announced.has(pvc.metadata.uid)) {
        announced.add(pvc.metadata.uid);
        recorder.event(
          pvc,
          'Normal',
          'WaitForFirstConsumer',
          'waiting for first consumer to be created before binding',
        );
      }
      return;
    }
    provision(pvc, sc);
  };

  const syncVolume = (name: string) => {
    const pv: J = store.get('persistentvolumes', undefined, name);
    if (!pv) return;
    const ref = pv.spec.claimRef;
    const claim: J = ref ? store.get('persistentvolumeclaims', ref.namespace, ref.name) : undefined;
    const bound = !!ref && !!claim && claim.metadata.uid === ref.uid;
    if (pv.metadata.deletionTimestamp) {
      if (!bound && (pv.metadata.finalizers ?? []).includes(PV_PROTECTION)) {
        const finalizers = pv.metadata.finalizers.filter((f: string) => f !== PV_PROTECTION);
        store.update('persistentvolumes', { ...pv, metadata: { ...pv.metadata, finalizers } });
      }
      return;
    }
    if (!ref) {
      if (pv.status?.phase !== 'Available')
        store.update('persistentvolumes', { ...pv, status: { phase: 'Available' } }, { subresource: 'status' });
      return;
    }
    if (bound) return;
    if (pv.spec.persistentVolumeReclaimPolicy === 'Delete') {
      if (pv.spec.hostPath?.path?.startsWith(join(stateDir, 'pv')))
        rmSync(pv.spec.hostPath.path, { recursive: true, force: true });
      store.delete('persistentvolumes', undefined, name);
    } else if (pv.status?.phase !== 'Released') {
      store.update('persistentvolumes', { ...pv, status: { phase: 'Released' } }, { subresource: 'status' });
    }
  };

  const reconcile = (key: string) => {
    const [kind, a, b] = key.split('|') as [string, string, string];
    if (kind === 'pvc') syncClaim(a, b);
    else syncVolume(a);
  };
  const queue = new WorkQueue('volumes', reconcile, options.log);
  const stops = [
    store.watch('persistentvolumeclaims', undefined, {}, (e) => {
      queue.add(`pvc|${e.object.metadata.namespace}|${e.object.metadata.name}`);
      if (e.type === 'DELETED')
        for (const pv of store.list('persistentvolumes', undefined).items) queue.add(`pv|${pv.metadata.name}`);
    }),
    store.watch('persistentvolumes', undefined, {}, (e) => queue.add(`pv|${e.object.metadata.name}`)),
    store.watch('pods', undefined, {}, (e) => {
      const p: J = e.object;
      for (const v of p.spec?.volumes ?? []) {
        if (v.persistentVolumeClaim?.claimName)
          queue.add(`pvc|${p.metadata.namespace}|${v.persistentVolumeClaim.claimName}`);
      }
    }),
  ];
  return () => {
    for (const s of stops) s();
    queue.stop();
  };
}
