// Wire types of the OCI distribution and image specs (and their Docker v2 equivalents) that badidea reads.

import type { Platform } from './platform.ts';

export const MediaType = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.dockerList,
  MediaType.ociManifest,
  MediaType.dockerManifest,
];

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: Platform & { readonly 'os.version'?: string; readonly 'os.features'?: string[] };
  readonly urls?: string[];
  readonly annotations?: Record<string, string>;
}

export interface ImageManifest {
  readonly schemaVersion: number;
  readonly mediaType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Record<string, string>;
}

export interface ImageIndex {
  readonly schemaVersion: number;
  readonly mediaType?: string;
  readonly manifests: readonly Descriptor[];
}

export interface HealthConfig {
  readonly Test?: string[];
  readonly Interval?: number;
  readonly Timeout?: number;
  readonly StartPeriod?: number;
  readonly StartInterval?: number;
  readonly Retries?: number;
}

/** The `config` object of an image config blob (OCI image-spec `config`, Docker's container.Config subset). */
export interface ImageRunConfig {
  readonly User?: string;
  readonly ExposedPorts?: Record<string, object>;
  readonly Env?: string[];
  readonly Entrypoint?: string[] | null;
  readonly Cmd?: string[] | null;
  readonly Volumes?: Record<string, object> | null;
  readonly WorkingDir?: string;
  readonly Labels?: Record<string, string> | null;
  readonly StopSignal?: string;
  readonly Healthcheck?: HealthConfig;
  readonly OnBuild?: string[] | null;
  readonly Shell?: string[];
  readonly ArgsEscaped?: boolean;
  // Docker keeps the full container.Config here; the rest passes through untouched.
  readonly [k: string]: unknown;
}

export interface HistoryEntry {
  readonly created?: string;
  readonly created_by?: string;
  readonly author?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

/** An image config blob (application/vnd.oci.image.config.v1+json / vnd.docker.container.image.v1+json). */
export interface ImageConfigFile {
  readonly architecture?: string;
  readonly os?: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly created?: string;
  readonly author?: string;
  readonly config?: ImageRunConfig;
  readonly container_config?: ImageRunConfig;
  readonly container?: string;
  readonly docker_version?: string;
  readonly comment?: string;
  readonly rootfs?: { readonly type: string; readonly diff_ids: readonly string[] };
  readonly history?: readonly HistoryEntry[];
}
