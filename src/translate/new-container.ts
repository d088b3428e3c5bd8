// The two ways a container gets a pod: `docker create` (generation 0, gated until start) and a later run
// (`docker start` of an exited container, `docker restart`: the next generation, ungated).

import type { ValidatedCreate } from './create-request.ts';
import type { ImageConfig } from './docker-types.ts';
import type { Pod } from './kube-types.ts';
import { mergeImageConfig } from './merge-image-config.ts';
import { type BuiltPod, buildPod, type PodBuildOptions } from './pod-spec.ts';
import type { ContainerRecord } from './record.ts';

export interface ResolvedImage {
  /** `sha256:…` */
  id: string;
  /** What the pod pulls, pinned by digest where possible. */
  ref: string;
  config: ImageConfig;
}

export type PodOptions = Omit<PodBuildOptions, 'gated' | 'imageStopSignal'>;

export interface NewContainer {
  record: ContainerRecord;
  pod: Pod;
  /** The create response's Warnings: the request's, then the image- and cluster-dependent ones. */
  warnings: string[];
}

/** `docker create`: merges the image config (may refuse `No command specified`) and builds the gated pod. */
export function newContainer(input: {
  id: string;
  name: string;
  /** RFC 3339 creation time (`new Date(now).toISOString()`). */
  created: string;
  request: ValidatedCreate;
  image: ResolvedImage;
  pod: PodOptions;
}): NewContainer {
  const { id, name, created, request, image } = input;
  const record: ContainerRecord = {
    id,
    name,
    created,
    generation: 0,
    config: mergeImageConfig(request.config, image.config, id),
    hostConfig: request.hostConfig,
    networkingConfig: request.networkingConfig,
    ...(request.platform ? { platform: request.platform } : {}),
    imageId: image.id,
    imageRef: image.ref,
    stoppedByUser: false,
  };
  const built = buildPod(record, {
    ...input.pod,
    gated: true,
    ...(image.config.StopSignal ? { imageStopSignal: image.config.StopSignal } : {}),
  });
  return { record, pod: built.pod, warnings: [...request.warnings, ...built.warnings] };
}

/** The next run of a container: same ID, name and config, generation + 1, not stopped, ungated. */
export function nextGeneration(current: ContainerRecord, options: PodOptions): BuiltPod & { record: ContainerRecord } {
  const { lastState: _dropped, ...rest } = current;
  const record: ContainerRecord = { ...rest, generation: current.generation + 1, stoppedByUser: false };
  return { record, ...buildPod(record, { ...options, gated: false }) };
}

/**
 * A run that had to be cut short by deleting its pod (an immediate SIGKILL): the next generation, still gated,
 * carries how the run ended, so the container shows as exited with that code (its logs are gone).
 */
export function tombstoneGeneration(
  current: ContainerRecord,
  lastState: NonNullable<ContainerRecord['lastState']>,
  options: PodOptions,
): BuiltPod & { record: ContainerRecord } {
  const record: ContainerRecord = { ...current, generation: current.generation + 1, stoppedByUser: true, lastState };
  return { record, ...buildPod(record, { ...options, gated: true }) };
}
