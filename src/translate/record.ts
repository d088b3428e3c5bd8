// The container record: what a Docker client can see of a container that Kubernetes does not hold by itself (full
// ID, name, creation time, the create request, the user's stop). It lives in labels and annotations on every pod of
// the container (one pod per run, a "generation"); the newest generation is authoritative. See
// docs/containers-as-pods.md.

import type { ContainerConfig, HostConfig, NetworkingConfig } from './docker-types.ts';
import { idLabelValue, isFullId } from './ids.ts';
import type { Pod } from './kube-types.ts';
import type { Platform } from './networking-fields.ts';

export const MANAGED_LABEL = 'badidea.dev/managed';
/** The first 63 hex digits of the container ID (label values hold at most 63 characters). */
export const ID_LABEL = 'badidea.dev/id';
export const GENERATION_LABEL = 'badidea.dev/generation';

export const ID_ANNOTATION = 'badidea.dev/id';
export const NAME_ANNOTATION = 'badidea.dev/name';
export const CREATED_ANNOTATION = 'badidea.dev/created';
export const CONFIG_ANNOTATION = 'badidea.dev/config';
export const IMAGE_ID_ANNOTATION = 'badidea.dev/image-id';
export const IMAGE_REF_ANNOTATION = 'badidea.dev/image-ref';
export const STOPPED_BY_USER_ANNOTATION = 'badidea.dev/stopped-by-user';
export const LAST_STATE_ANNOTATION = 'badidea.dev/last-state';
/** JSON list of the Secrets holding archives copied in before a run (docs/copy-before-start.md). */
export const COPIES_ANNOTATION = 'badidea.dev/copies';

/** The scheduling gate that holds a created container's pod until `docker start`. */
export const START_GATE = 'badidea.dev/start';
/** The name of the one container in every pod. */
export const MAIN_CONTAINER = 'main';

/** The selector for every pod of every container: `badidea.dev/managed=true,badidea.dev/id`. */
export const CONTAINER_SELECTOR = `${MANAGED_LABEL}=true,${ID_LABEL}`;

/** How a run ended, when the pod cannot say it any more (its run was cut short by a deletion, see the design). */
export interface FinalState {
  exitCode: number;
  startedAt: string;
  finishedAt: string;
  oomKilled: boolean;
  error: string;
}

export interface ContainerRecord {
  id: string;
  /** Without the leading '/'. */
  name: string;
  /** RFC 3339 with nanoseconds (Docker's Created); the pod's creationTimestamp has whole seconds only. */
  created: string;
  generation: number;
  /** The Config after merging the image's (what inspect shows). */
  config: ContainerConfig;
  hostConfig: HostConfig;
  networkingConfig: NetworkingConfig;
  platform?: Platform;
  /** `sha256:…` of the image the container was created from (inspect Image, ps ImageID). */
  imageId: string;
  /** The reference the pod pulls, pinned by digest where the engine could resolve one (`registry/repo@sha256:…`). */
  imageRef: string;
  /** docker stop / kill on this generation: Docker's HasBeenManuallyStopped. */
  stoppedByUser: boolean;
  lastState?: FinalState;
  /** Secrets with the archives `docker cp` put in while the container was not running, in order; every run starts by extracting them. */
  preStartCopies?: string[];
}

interface StoredConfig {
  Config: ContainerConfig;
  HostConfig: HostConfig;
  NetworkingConfig: NetworkingConfig;
  Platform?: Platform;
}

/** Labels and annotations that carry a record on a pod. */
export function recordMetadata(record: ContainerRecord): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  const stored: StoredConfig = {
    Config: record.config,
    HostConfig: record.hostConfig,
    NetworkingConfig: record.networkingConfig,
    ...(record.platform ? { Platform: record.platform } : {}),
  };
  return {
    labels: {
      [MANAGED_LABEL]: 'true',
      [ID_LABEL]: idLabelValue(record.id),
      [GENERATION_LABEL]: String(record.generation),
    },
    annotations: {
      [ID_ANNOTATION]: record.id,
      [NAME_ANNOTATION]: record.name,
      [CREATED_ANNOTATION]: record.created,
      [CONFIG_ANNOTATION]: JSON.stringify(stored),
      [IMAGE_ID_ANNOTATION]: record.imageId,
      [IMAGE_REF_ANNOTATION]: record.imageRef,
      ...(record.stoppedByUser ? { [STOPPED_BY_USER_ANNOTATION]: 'true' } : {}),
      ...(record.lastState ? { [LAST_STATE_ANNOTATION]: JSON.stringify(record.lastState) } : {}),
      ...(record.preStartCopies?.length ? { [COPIES_ANNOTATION]: JSON.stringify(record.preStartCopies) } : {}),
    },
  };
}

/** The record a pod carries, or undefined when the pod is not one of badidea's container pods (or is damaged). */
export function readRecord(pod: Pod): ContainerRecord | undefined {
  const labels = pod.metadata.labels ?? {};
  const annotations = pod.metadata.annotations ?? {};
  const id = annotations[ID_ANNOTATION] ?? '';
  if (labels[MANAGED_LABEL] !== 'true' || !isFullId(id) || labels[ID_LABEL] !== idLabelValue(id)) return undefined;
  const generation = Number(labels[GENERATION_LABEL] ?? '0');
  let stored: StoredConfig;
  let lastState: FinalState | undefined;
  let copies: unknown;
  try {
    stored = JSON.parse(annotations[CONFIG_ANNOTATION] ?? '');
    if (annotations[LAST_STATE_ANNOTATION]) lastState = JSON.parse(annotations[LAST_STATE_ANNOTATION]);
    if (annotations[COPIES_ANNOTATION]) copies = JSON.parse(annotations[COPIES_ANNOTATION]);
  } catch {
    return undefined;
  }
  const preStartCopies = Array.isArray(copies) ? copies.filter((c): c is string => typeof c === 'string') : [];
  if (typeof stored !== 'object' || stored === null || !Number.isInteger(generation)) return undefined;
  return {
    id,
    name: annotations[NAME_ANNOTATION] ?? '',
    created: annotations[CREATED_ANNOTATION] ?? pod.metadata.creationTimestamp ?? '',
    generation,
    config: stored.Config ?? {},
    hostConfig: stored.HostConfig ?? {},
    networkingConfig: stored.NetworkingConfig ?? {},
    ...(stored.Platform ? { platform: stored.Platform } : {}),
    imageId: annotations[IMAGE_ID_ANNOTATION] ?? '',
    imageRef: annotations[IMAGE_REF_ANNOTATION] ?? stored.Config?.Image ?? '',
    stoppedByUser: annotations[STOPPED_BY_USER_ANNOTATION] === 'true',
    ...(lastState ? { lastState } : {}),
    ...(preStartCopies.length > 0 ? { preStartCopies } : {}),
  };
}

/** One Docker container: its current (newest) generation's pod and record, and its older pods, newest first. */
export interface ContainerPods {
  record: ContainerRecord;
  current: Pod;
  previous: Pod[];
}

/**
 * Groups badidea's pods into containers by ID; ps -a, inspect and name lookups all start here, so a restarted
 * server or a second replica rebuilds the same view from its pod cache. Pods that are not container pods are
 * skipped. Sorted newest container first (Docker's ps order).
 */
export function groupContainers(pods: readonly Pod[]): ContainerPods[] {
  const byId = new Map<string, { pod: Pod; record: ContainerRecord }[]>();
  for (const pod of pods) {
    const record = readRecord(pod);
    if (!record) continue;
    const list = byId.get(record.id) ?? [];
    list.push({ pod, record });
    byId.set(record.id, list);
  }
  const containers: ContainerPods[] = [];
  for (const list of byId.values()) {
    list.sort((a, b) => b.record.generation - a.record.generation);
    containers.push({ record: list[0].record, current: list[0].pod, previous: list.slice(1).map((x) => x.pod) });
  }
  return containers.sort((a, b) =>
    a.record.created < b.record.created ? 1 : a.record.created > b.record.created ? -1 : 0,
  );
}

/** Pod metadata patch for `docker rename` (annotations are mutable; pod names are not and need not change). */
export function renamePatch(newName: string): { metadata: { annotations: Record<string, string> } } {
  return { metadata: { annotations: { [NAME_ANNOTATION]: newName } } };
}
