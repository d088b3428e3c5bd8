// Starts the simulated control plane's controllers on a store: scheduler, garbage collector,
// namespace lifecycle, endpoints/endpointslices and the volume controllers.
import { NODE_NAME } from '../store/bootstrap.ts';
import type { MemoryStore } from '../store/memory-store.ts';
import { startEndpointsController } from './endpoints.ts';
import { createEventRecorder, type EventRecorder } from './events.ts';
import { startGarbageCollector } from './garbage-collector.ts';
import { startNamespaceController } from './namespaces.ts';
import { startScheduler } from './scheduler.ts';
import { startVolumeController } from './volumes.ts';

export interface ControllerOptions {
  /** Where provisioned volumes live: `${stateDir}/pv/<pv-name>`. */
  stateDir: string;
  nodeName?: string;
  log?: (line: string) => void;
}

export interface Controllers {
  stop(): void;
  /** An event recorder with the controller-manager as source; the kubelet makes its own with createEventRecorder. */
  recorder: EventRecorder;
}

export function startControllers(store: MemoryStore, options: ControllerOptions): Controllers {
  const nodeName = options.nodeName ?? NODE_NAME;
  const log = options.log;
  const now = store.now;
  const scheduler = createEventRecorder(store, { component: 'default-scheduler' }, now);
  const gcRecorder = createEventRecorder(store, { component: 'garbage-collector-controller' }, now);
  const volumes = createEventRecorder(store, { component: 'persistentvolume-controller' }, now);
  const stops = [
    startNamespaceController(store, log),
    startGarbageCollector(store, gcRecorder, log),
    startScheduler(store, { nodeName, recorder: scheduler, log }),
    startEndpointsController(store, log),
    startVolumeController(store, { stateDir: options.stateDir, nodeName, recorder: volumes, log }),
  ];
  return {
    recorder: createEventRecorder(store, { component: 'controller-manager' }, now),
    stop: () => {
      for (const s of stops) s();
    },
  };
}

export { createEventRecorder, type EventRecorder, type EventSource } from './events.ts';
