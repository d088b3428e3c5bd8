// Everything a pod worker shares with the rest of the node.
import type { DockerRuntime } from '../runtime/docker-runtime.ts';
import type { ObjectStore } from '../store/types.ts';
import type { Backoff } from './backoff.ts';
import type { EventRecorder } from './events.ts';
import type { ImagePuller } from './image-puller.ts';
import type { ClusterDnsOptions } from './pod-dns.ts';
import type { Pod } from './types.ts';

export interface NodeContext {
  store: ObjectStore;
  runtime: DockerRuntime;
  recorder: EventRecorder;
  puller: ImagePuller;
  crashBackoff: Backoff;
  nodeName: string;
  hostIP: string;
  stateDir: string;
  dns: ClusterDnsOptions;
  /** Multiplies probe periods and delays (tests use < 1). */
  probeTimeScale: number;
  /** Re-sync period of a pod worker while nothing else wakes it. */
  resyncMs: number;
  now(): number;
  serviceAccountToken(pod: Pod, audience: string | undefined, expirationSeconds: number): string;
  log(message: string): void;
}
