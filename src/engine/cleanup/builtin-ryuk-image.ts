// `testcontainers/ryuk` (any tag) as an image badidea provides itself: pulling it records a built-in image without
// asking any registry, since its program could not work in a pod anyway (it needs the Docker socket; badidea serves
// its protocol, src/engine/cleanup/ryuk-service.ts). Its config runs the placeholder script and carries the labels
// that mark the container (BUILTIN_LABEL) and that Testcontainers looks for. Other references go to the registry.

import { createHash } from 'node:crypto';
import type { RegistryClient, ResolvedImage, ResolveOptions } from '../../registry/client.ts';
import { familiarName, type Reference, withDefaultTag } from '../../registry/reference.ts';
import type { ImageConfigFile, ImageManifest } from '../../registry/types.ts';
import {
  BUILTIN_LABEL,
  BUILTIN_RYUK,
  isRyukImageName,
  PLACEHOLDER_SCRIPT,
  RYUK_PORT,
  TESTCONTAINERS_RYUK_LABEL,
} from '../../translate/ryuk.ts';

type Registry = Pick<RegistryClient, 'resolve' | 'login'>;

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export function builtinRyukImage(input: Reference, opts: ResolveOptions): ResolvedImage {
  const ref = withDefaultTag(input);
  const config: ImageConfigFile = {
    architecture: opts.platform.architecture,
    os: opts.platform.os,
    ...(opts.platform.variant ? { variant: opts.platform.variant } : {}),
    created: '2026-01-01T00:00:00Z',
    author: 'badidea',
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Entrypoint: ['sh', '-c', PLACEHOLDER_SCRIPT],
      ExposedPorts: { [`${RYUK_PORT}/tcp`]: {} },
      Labels: { [TESTCONTAINERS_RYUK_LABEL]: 'true', [BUILTIN_LABEL]: BUILTIN_RYUK },
    },
    rootfs: { type: 'layers', diff_ids: [] },
    history: [{ created: '2026-01-01T00:00:00Z', created_by: 'badidea: Ryuk served by the server', empty_layer: true }],
  };
  const configJson = JSON.stringify(config);
  const configDigest = sha256(configJson);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configJson.length },
    layers: [],
  };
  const manifestDigest = sha256(JSON.stringify(manifest));
  return {
    ref,
    repoDigest: manifestDigest,
    manifestDigest,
    manifest,
    configDigest,
    configJson,
    config,
    platform: opts.platform,
    endpoint: 'badidea (built in)',
  };
}

/** The registry client with the built-in Ryuk image in front. */
export function withBuiltinRyuk(registry: Registry): Registry {
  return {
    resolve: (ref, opts) =>
      isRyukImageName(familiarName(ref)) ? Promise.resolve(builtinRyukImage(ref, opts)) : registry.resolve(ref, opts),
    login: (auth) => registry.login(auth),
  };
}
