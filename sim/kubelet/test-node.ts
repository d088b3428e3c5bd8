// Test fixture (not a test): a MemoryStore with the bootstrap objects and a Kubelet on real dockerd,
// with a unique cluster id and short back-offs; `close()` removes every Docker object it made.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bootstrap } from '../store/bootstrap.ts';
import { MemoryStore } from '../store/memory-store.ts';
import type { KubeObject } from '../store/types.ts';
import { Kubelet, type KubeletOptions } from './kubelet.ts';
import type { Container, Pod, PodSpec } from './types.ts';

export interface TestNode {
  store: MemoryStore;
  kubelet: Kubelet;
  stateDir: string;
  createPod(name: string, spec: Partial<PodSpec> & { containers: Container[] }, meta?: Partial<Pod['metadata']>): Pod;
  getPod(name: string): Pod | undefined;
  waitPod(name: string, pred: (p: Pod) => boolean, timeoutMs?: number): Promise<Pod>;
  waitGone(name: string, timeoutMs?: number): Promise<void>;
  events(name: string): { reason: string; message: string; type: string }[];
  close(): Promise<void>;
}

export async function startTestNode(options: Partial<KubeletOptions> = {}): Promise<TestNode> {
  const store = new MemoryStore();
  bootstrap(store);
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubelet-test-'));
  const clusterId = `t${process.pid}${Math.random().toString(36).slice(2, 6)}`;
  const kubelet = new Kubelet({
    store,
    clusterId,
    stateDir,
    backoffBaseMs: 1000,
    backoffMaxMs: 4000,
    resyncMs: 2000,
    probeTimeScale: 0.2,
    log: (m) => process.env.KUBELET_TEST_LOG && console.error(m),
    ...options,
  });
  await kubelet.start();
  const getPod = (name: string) => store.get<Pod>('pods', 'default', name);
  const waitPod = (name: string, pred: (p: Pod) => boolean, timeoutMs = 60000) =>
    new Promise<Pod>((resolve, reject) => {
      let stop = () => {};
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`timeout waiting for pod ${name}: ${JSON.stringify(getPod(name)?.status, null, 1)}`));
      }, timeoutMs);
      stop = store.watch<Pod>('pods', 'default', {}, (ev) => {
        if (ev.object.metadata.name !== name || ev.type === 'DELETED') return;
        if (pred(ev.object)) {
          clearTimeout(timer);
          queueMicrotask(() => stop());
          resolve(ev.object);
        }
      });
    });
  return {
    store,
    kubelet,
    stateDir,
    getPod,
    waitPod,
    createPod(name, spec, meta = {}) {
      return store.create<Pod>('pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default', ...meta },
        spec: { nodeName: kubelet.nodeName, terminationGracePeriodSeconds: 2, ...spec } as PodSpec,
      });
    },
    waitGone: (name, timeoutMs = 60000) =>
      new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const tick = () => {
          if (!getPod(name)) return resolve();
          if (Date.now() > deadline) return reject(new Error(`pod ${name} still exists`));
          setTimeout(tick, 50);
        };
        tick();
      }),
    events(name) {
      return store
        .list<KubeObject & { reason: string; message: string; type: string; involvedObject: { name: string } }>(
          'events',
          'default',
        )
        .items.filter((e) => e.involvedObject.name === name)
        .map((e) => ({ reason: e.reason, message: e.message, type: e.type }));
    },
    async close() {
      await kubelet.cleanup();
      await fs.rm(stateDir, { recursive: true, force: true });
    },
  };
}

export const BUSYBOX = 'busybox:latest';
/** IfNotPresent so tests do not pull through the mirror on every container start. */
export function sh(name: string, script: string, extra: Partial<Container> = {}): Container {
  return { name, image: BUSYBOX, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script], ...extra };
}
