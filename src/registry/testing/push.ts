// Test support (never used by the server): writes images straight into a registry over the distribution API,
// so tests can make images with any config (EXPOSE, ENV, USER, HEALTHCHECK …) or multi-platform indexes without
// `docker build`. Layers are copied from an existing image (busybox), so the images really run.

import { createHash } from 'node:crypto';
import type { ImageConfigFile } from '../types.ts';
import { MediaType } from '../types.ts';

export interface Basic {
  readonly username: string;
  readonly password: string;
}

function sha256(b: Buffer | string): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

function headers(auth?: Basic, extra: Record<string, string> = {}): Record<string, string> {
  return auth
    ? { ...extra, authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` }
    : extra;
}

async function must(res: Response, what: string): Promise<Response> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res;
}

/** A layer blob (gzip tar) and its uncompressed digest, as copied from a source image. */
export interface Layer {
  readonly blob: Buffer;
  readonly diffId: string;
}

/** Reads an image from a registry (`http://127.0.0.1:5000`, `library/busybox`, `latest`): config and layers. */
export async function readImage(
  base: string,
  repo: string,
  tag: string,
): Promise<{ config: ImageConfigFile; layers: Layer[] }> {
  const m = await must(
    await fetch(`${base}/v2/${repo}/manifests/${tag}`, {
      headers: { accept: `${MediaType.dockerManifest}, ${MediaType.ociManifest}` },
    }),
    'manifest',
  );
  const manifest = (await m.json()) as { config: { digest: string }; layers: { digest: string }[] };
  const cfg = await must(await fetch(`${base}/v2/${repo}/blobs/${manifest.config.digest}`), 'config');
  const config = (await cfg.json()) as ImageConfigFile;
  const layers: Layer[] = [];
  for (const [i, l] of manifest.layers.entries()) {
    const b = await must(await fetch(`${base}/v2/${repo}/blobs/${l.digest}`), 'layer');
    layers.push({ blob: Buffer.from(await b.arrayBuffer()), diffId: config.rootfs?.diff_ids[i] ?? l.digest });
  }
  return { config, layers };
}

async function putBlob(base: string, repo: string, blob: Buffer, auth?: Basic): Promise<string> {
  const digest = sha256(blob);
  const head = await fetch(`${base}/v2/${repo}/blobs/${digest}`, { method: 'HEAD', headers: headers(auth) });
  if (head.ok) return digest;
  const start = await must(
    await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: headers(auth) }),
    'upload start',
  );
  const loc = new URL(start.headers.get('location')!, base);
  loc.searchParams.set('digest', digest);
  await must(
    await fetch(loc, {
      method: 'PUT',
      headers: headers(auth, { 'content-type': 'application/octet-stream' }),
      body: new Uint8Array(blob),
    }),
    'upload',
  );
  return digest;
}

async function putManifest(
  base: string,
  repo: string,
  ref: string,
  body: string,
  mediaType: string,
  auth?: Basic,
): Promise<string> {
  await must(
    await fetch(`${base}/v2/${repo}/manifests/${ref}`, {
      method: 'PUT',
      headers: headers(auth, { 'content-type': mediaType }),
      body,
    }),
    'manifest put',
  );
  return sha256(body);
}

export interface PushedImage {
  readonly manifestDigest: string;
  readonly configDigest: string;
  readonly manifestSize: number;
}

/** Pushes one image (Docker v2 manifest) with the given config and layers; tags it when `tag` is given. */
export async function pushImage(opts: {
  base: string;
  repo: string;
  tag?: string;
  config: ImageConfigFile;
  layers: readonly Layer[];
  auth?: Basic;
}): Promise<PushedImage> {
  const config = {
    ...opts.config,
    rootfs: { type: 'layers', diff_ids: opts.layers.map((l) => l.diffId) },
  };
  const configJson = JSON.stringify(config);
  const configDigest = await putBlob(opts.base, opts.repo, Buffer.from(configJson), opts.auth);
  const layerDescs = [];
  for (const l of opts.layers) {
    const digest = await putBlob(opts.base, opts.repo, l.blob, opts.auth);
    layerDescs.push({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: l.blob.length, digest });
  }
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: Buffer.byteLength(configJson),
      digest: configDigest,
    },
    layers: layerDescs,
  });
  const manifestDigest = await putManifest(
    opts.base,
    opts.repo,
    opts.tag ?? sha256(manifest),
    manifest,
    MediaType.dockerManifest,
    opts.auth,
  );
  return { manifestDigest, configDigest, manifestSize: Buffer.byteLength(manifest) };
}

/** Pushes an OCI index over already pushed manifests and tags it. Returns the index digest. */
export async function pushIndex(opts: {
  base: string;
  repo: string;
  tag: string;
  entries: readonly { image: PushedImage; platform: { os: string; architecture: string; variant?: string } }[];
  auth?: Basic;
}): Promise<string> {
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: opts.entries.map((e) => ({
      mediaType: MediaType.dockerManifest,
      digest: e.image.manifestDigest,
      size: e.image.manifestSize,
      platform: e.platform,
    })),
  });
  return putManifest(opts.base, opts.repo, opts.tag, index, MediaType.ociIndex, opts.auth);
}
