// What every container operation needs: the kube gateway, the cache lookup, the events bus, options, and the small
// pod writes they share (create a generation, delete pods, collect old generations).

import { randomBytes } from 'node:crypto';
import type { KubeClient } from '../../kube/client.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { Logger } from '../../log.ts';
import type { AuthConfig } from '../../registry/auth.ts';
import { sanitiseForDns } from '../../translate/ids.ts';
import type { Pod } from '../../translate/kube-types.ts';
import type { PodOptions } from '../../translate/new-container.ts';
import { type ContainerRecord, START_GATE } from '../../translate/record.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { ContainerImage } from '../images/service.ts';
import type { NetworkMembership } from '../networks/networks-engine.ts';
import type { PortHooks } from '../ports/publisher.ts';
import type { VolumeHooks } from '../volumes/volumes-engine.ts';
import type { ContainerLookup, FoundContainer } from './lookup.ts';

export interface ImageResolver {
  /** 404 NotFound `No such image: x` when the image is unknown (the CLI then pulls and retries). */
  resolveImageForContainer(name: string, auth?: AuthConfig): Promise<ContainerImage>;
  /** Deletes pull Secrets no longer used (after containers are removed). */
  gcPullSecrets?(): Promise<void>;
}

/** Runs a command in a pod's main container (signals other than the stop signal: `kill -N 1`). */
export type PodExec = (pod: string, argv: readonly string[]) => Promise<{ exitCode: number; output: string }>;

export interface ContainersEngineDeps {
  client: KubeClient;
  lookup: ContainerLookup;
  images: ImageResolver;
  events: EventBus;
  log: Logger;
  exec: PodExec;
  /** How long `docker start` waits for the container to run (the --start-timeout flag). */
  startTimeoutMs: number;
  /** How long create/rm/rename wait for the cache to show their own write (default 30 s). */
  cacheTimeoutMs?: number;
  /** The image of the placeholder pod of a built-in Ryuk container (default busybox:latest; it needs sh and sleep). */
  placeholderImage?: string;
  /** The cluster honours lifecycle.stopSignal. */
  stopSignalSupported?: boolean;
  /** Published ports (src/engine/ports): host ports bound at start, recorded on the run's pod. Default: none. */
  ports?: PortHooks;
  /** Volumes (src/engine/volumes): claims created before a container's pod, checked at start, `rm -v`. Default: none. */
  volumes?: VolumeHooks;
  /** The PVC name of a named volume (default `vol-<sanitised name>`). */
  claimNameFor?: (volume: string) => string;
  /** Networks (src/engine/networks): resolves the networks of a create request (404 for unknown ones). */
  networks?: NetworkMembership;
  now?: () => number;
  randomBytes?: () => Uint8Array;
  random?: () => number;
}

export interface EngineContext extends Required<Omit<ContainersEngineDeps, 'stopSignalSupported' | 'networks'>> {
  networks?: NetworkMembership;
  stopSignalSupported: boolean;
  podOptions(record: ContainerRecord): PodOptions;
  createPod(pod: Pod): Promise<void>;
  deletePod(name: string, gracePeriodSeconds?: number): Promise<void>;
  /** Deletes generations older than `keep` except the newest that ran (its logs are `docker logs`' earlier run). */
  collectGenerations(id: string, keep: number): Promise<void>;
}

export function defaultClaimName(volume: string): string {
  return `vol-${sanitiseForDns(volume, 59)}`;
}

export function isGated(pod: Pod): boolean {
  return pod.spec.schedulingGates?.some((g) => g.name === START_GATE) ?? false;
}

/** The container is running as far as Docker clients care (stop, kill, rm, wait not-running). */
export function isActive(c: FoundContainer): boolean {
  const s = c.state;
  return (
    s.status === 'running' ||
    s.status === 'restarting' ||
    s.status === 'paused' ||
    (s.status === 'created' && s.starting && !isTerminal(c.current))
  );
}

export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export function engineContext(d: ContainersEngineDeps): EngineContext {
  const { client, lookup } = d;
  const claimNameFor = d.claimNameFor ?? defaultClaimName;
  const stopSignalSupported = d.stopSignalSupported ?? false;
  const ctx: EngineContext = {
    ...d,
    cacheTimeoutMs: d.cacheTimeoutMs ?? 30_000,
    placeholderImage: d.placeholderImage ?? 'busybox:latest',
    ports: d.ports ?? { reserve: async () => ({ annotations: {}, release() {} }) },
    volumes: d.volumes ?? {
      prepare: async () => ({ warnings: [], rollback: async () => {} }),
      checkStart: async () => {},
      removeAnonymous: async () => {},
    },
    stopSignalSupported,
    claimNameFor,
    now: d.now ?? Date.now,
    randomBytes: d.randomBytes ?? (() => new Uint8Array(randomBytes(32))),
    random: d.random ?? Math.random,
    podOptions(record) {
      const secrets = (lookup.containerPods(record.id)[0]?.spec.imagePullSecrets ?? []).map((s) => s.name);
      return {
        namespace: client.namespace,
        claimNameFor,
        stopSignalSupported,
        ...(secrets.length > 0 ? { imagePullSecrets: secrets } : {}),
      };
    },
    async createPod(pod) {
      await client.create(client.corePath('pods'), pod as unknown as KubeObject);
    },
    async deletePod(name, gracePeriodSeconds = 0) {
      try {
        await client.delete(client.corePath('pods', name), { gracePeriodSeconds });
      } catch (err) {
        if ((err as { kind?: string }).kind !== 'NotFound') throw err;
      }
    },
    async collectGenerations(id, keep) {
      const pods = lookup.containerPods(id);
      const older = pods.filter((p) => Number(p.metadata.labels?.['badidea.dev/generation'] ?? 0) < keep);
      const ran = older.find((p) => !isGated(p));
      await Promise.all(
        older.filter((p) => p !== ran).map((p) => ctx.deletePod(p.metadata.name ?? '').catch(() => {})),
      );
    },
  };
  return ctx;
}
