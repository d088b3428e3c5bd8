// The kubelet's image manager (pkg/kubelet/images/image_manager.go): pull policy, back-off per
// pod and image, imagePullSecrets, and the events and waiting reasons it produces.
import type { DockerRuntime, ImageInfo, RegistryAuth } from '../runtime/docker-runtime.ts';
import { dockerImage, isLatest, isValidImageRef, parseImageRef } from '../runtime/image-ref.ts';
import type { KubeObject } from '../store/types.ts';
import type { Backoff } from './backoff.ts';
import type { EventRecorder } from './events.ts';
import type { Container, Pod } from './types.ts';

export const ANNOTATION_IMAGE_PULL = 'sim.badidea.dev/image-pull';
export const ANNOTATION_PULL_DELAY = 'sim.badidea.dev/image-pull-delay';

/** A waiting reason the container keeps until the next attempt: ErrImagePull, ImagePullBackOff … */
export class ImageError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

interface SecretObject extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

function registryMatches(key: string, registry: string): boolean {
  let host = key.replace(/^https?:\/\//, '').split('/')[0];
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') host = 'docker.io';
  return host === registry;
}

/** The first credential in the pod's imagePullSecrets that matches the image's registry. */
export function authFor(image: string, secrets: SecretObject[]): RegistryAuth | undefined {
  const registry = parseImageRef(image).registry;
  for (const s of secrets) {
    let auths: Record<string, { username?: string; password?: string; auth?: string }> = {};
    try {
      if (s.data?.['.dockerconfigjson']) {
        auths = JSON.parse(Buffer.from(s.data['.dockerconfigjson'], 'base64').toString('utf8')).auths ?? {};
      } else if (s.data?.['.dockercfg']) {
        auths = JSON.parse(Buffer.from(s.data['.dockercfg'], 'base64').toString('utf8'));
      }
    } catch {
      continue;
    }
    for (const [key, a] of Object.entries(auths)) {
      if (!registryMatches(key, registry)) continue;
      let { username, password } = a;
      if ((!username || !password) && a.auth) {
        const decoded = Buffer.from(a.auth, 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        username = decoded.slice(0, i);
        password = decoded.slice(i + 1);
      }
      return { username, password, serveraddress: registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry };
    }
  }
  return undefined;
}

export interface ImagePullerDeps {
  runtime: DockerRuntime;
  recorder: EventRecorder;
  backoff: Backoff;
  getSecret: (namespace: string, name: string) => SecretObject | undefined;
  now: () => number;
}

export class ImagePuller {
  #d: ImagePullerDeps;
  constructor(deps: ImagePullerDeps) {
    this.#d = deps;
  }

  async ensure(pod: Pod, c: Container, fieldPath: string): Promise<ImageInfo> {
    const image = c.image ?? '';
    const { recorder, runtime, backoff } = this.#d;
    if (!isValidImageRef(image)) {
      const msg = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
      recorder.record(pod, 'Warning', 'InspectFailed', msg, fieldPath);
      throw new ImageError('InvalidImageName', msg);
    }
    const policy = c.imagePullPolicy ?? (isLatest(image) ? 'Always' : 'IfNotPresent');
    const present = await runtime.inspectImage(image);
    if (present && policy !== 'Always') {
      recorder.record(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, fieldPath);
      return present;
    }
    if (!present && policy === 'Never') {
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      recorder.record(pod, 'Warning', 'ErrImageNeverPull', msg, fieldPath);
      throw new ImageError('ErrImageNeverPull', msg);
    }
    const key = `${pod.metadata.uid}/${image}`;
    if (backoff.remaining(key, this.#d.now()) > 0) {
      recorder.record(pod, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, fieldPath);
      recorder.record(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', fieldPath);
      throw new ImageError('ImagePullBackOff', `Back-off pulling image "${image}"`);
    }
    recorder.record(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, fieldPath);
    const started = this.#d.now();
    try {
      const ann = pod.metadata.annotations ?? {};
      const delay = Number.parseFloat(ann[ANNOTATION_PULL_DELAY] ?? '');
      if (delay > 0) await new Promise((r) => setTimeout(r, delay * 1000));
      if (ann[ANNOTATION_IMAGE_PULL] === 'fail') {
        throw new Error(
          `rpc error: code = Unknown desc = failed to pull and unpack image "${dockerImage(image)}": injected failure`,
        );
      }
      const secrets = (pod.spec.imagePullSecrets ?? [])
        .map((s) => this.#d.getSecret(pod.metadata.namespace ?? 'default', s.name))
        .filter((s): s is SecretObject => !!s);
      await runtime.pullImage(image, authFor(image, secrets));
    } catch (err) {
      backoff.next(key, this.#d.now());
      const msg = `Failed to pull image "${image}": ${(err as Error).message}`;
      recorder.record(pod, 'Warning', 'Failed', msg, fieldPath);
      recorder.record(pod, 'Warning', 'Failed', 'Error: ErrImagePull', fieldPath);
      throw new ImageError('ErrImagePull', msg);
    }
    backoff.reset(key);
    const info = await runtime.inspectImage(image);
    if (!info) throw new ImageError('ErrImagePull', `Failed to pull image "${image}": image not found after pull`);
    const secs = ((this.#d.now() - started) / 1000).toFixed(3);
    recorder.record(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${secs}s`, fieldPath);
    return info;
  }
}

/** imageID as containerd-based kubelets report it: the repo digest, else the image id. */
export function imageIdOf(image: string, info: ImageInfo | undefined): string {
  if (!info) return '';
  const repo = parseImageRef(image);
  const short =
    repo.registry === 'docker.io' ? repo.repository.replace(/^library\//, '') : `${repo.registry}/${repo.repository}`;
  const digest = info.repoDigests.find((d) => d.startsWith(`${short}@`)) ?? info.repoDigests[0];
  if (digest) {
    const at = digest.indexOf('@');
    return `${repo.registry}/${repo.repository}${digest.slice(at)}`;
  }
  return info.id;
}
