// Docker's image JSON (image inspect, image list, history), built from a record and its config blob.

import type { ImageConfigFile, ImageRunConfig } from '../../registry/types.ts';
import type { ImageConfig } from '../../translate/docker-types.ts';
import type { Catalog } from './catalog.ts';
import type { StoredImage } from './objects.ts';

/** Docker's container.Config with every key, as image inspect shows it (zero values, nulls). */
function fullConfig(c: ImageRunConfig | undefined): Record<string, unknown> {
  return {
    Hostname: '',
    Domainname: '',
    User: '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: null,
    Cmd: null,
    Image: '',
    Volumes: null,
    WorkingDir: '',
    Entrypoint: null,
    OnBuild: null,
    Labels: null,
    ...(c ?? {}),
  };
}

export function parseConfig(img: StoredImage): ImageConfigFile {
  try {
    return JSON.parse(img.configJson) as ImageConfigFile;
  } catch {
    return {};
  }
}

export function createdSeconds(cfg: ImageConfigFile): number {
  const t = cfg.created ? Date.parse(cfg.created) : Number.NaN;
  return Number.isFinite(t) ? Math.floor(t / 1000) : 0;
}

export function imageInspect(img: StoredImage, catalog: Catalog): Record<string, unknown> {
  const cfg = parseConfig(img);
  const r = img.record;
  return {
    Id: r.id,
    RepoTags: catalog.repoTags(r.id),
    RepoDigests: catalog.repoDigests(r.id),
    Parent: '',
    Comment: cfg.comment ?? '',
    Created: cfg.created ?? '0001-01-01T00:00:00Z',
    Container: cfg.container ?? '',
    ContainerConfig: fullConfig(cfg.container_config),
    DockerVersion: cfg.docker_version ?? '',
    Author: cfg.author ?? '',
    Config: fullConfig(cfg.config),
    Architecture: cfg.architecture ?? r.architecture,
    ...(cfg.variant || r.variant ? { Variant: cfg.variant ?? r.variant } : {}),
    Os: cfg.os ?? r.os,
    ...(cfg['os.version'] ? { OsVersion: cfg['os.version'] } : {}),
    Size: r.size,
    VirtualSize: r.size,
    // No layers are unpacked here: the nodes' runtimes hold them.
    GraphDriver: { Data: null, Name: 'kubernetes' },
    RootFS: { Type: cfg.rootfs?.type ?? 'layers', Layers: [...(cfg.rootfs?.diff_ids ?? [])] },
    Metadata: { LastTagTime: r.lastTagTime ?? '0001-01-01T00:00:00Z' },
  };
}

export function imageSummary(
  img: StoredImage,
  repoTags: string[],
  repoDigests: string[],
  legacyNone: boolean,
): Record<string, unknown> {
  const cfg = parseConfig(img);
  const untagged = repoTags.length === 0 && repoDigests.length === 0;
  return {
    Containers: -1,
    Created: createdSeconds(cfg),
    Id: img.record.id,
    Labels: cfg.config?.Labels ?? null,
    ParentId: '',
    RepoDigests: untagged && legacyNone ? ['<none>@<none>'] : repoDigests,
    RepoTags: untagged && legacyNone ? ['<none>:<none>'] : repoTags,
    SharedSize: -1,
    Size: img.record.size,
    VirtualSize: img.record.size,
  };
}

/** GET /images/{name}/history: newest first; the top entry carries the ID and tags, the others `<missing>`. */
export function imageHistory(img: StoredImage, repoTags: string[]): Record<string, unknown>[] {
  const cfg = parseConfig(img);
  const sizes = img.record.layerSizes;
  let layer = 0;
  const entries =
    cfg.history && cfg.history.length > 0
      ? cfg.history.map((h) => ({
          Created: h.created ? Math.floor(Date.parse(h.created) / 1000) || 0 : 0,
          CreatedBy: h.created_by ?? '',
          Size: h.empty_layer ? 0 : (sizes[layer++] ?? 0),
          Comment: h.comment ?? '',
        }))
      : sizes.map((s) => ({ Created: createdSeconds(cfg), CreatedBy: '', Size: s, Comment: '' }));
  return entries.reverse().map((e, i) => ({
    Id: i === 0 ? img.record.id : '<missing>',
    Created: e.Created,
    CreatedBy: e.CreatedBy,
    Tags: i === 0 && repoTags.length ? repoTags : null,
    Size: e.Size,
    Comment: e.Comment,
  }));
}

/** The parts of an image's config a container inherits (Docker's merge in daemon/create.go). */
export function containerConfigOf(img: StoredImage): ImageConfig {
  const c = parseConfig(img).config ?? {};
  const out: ImageConfig = {};
  if (c.User) out.User = c.User;
  if (c.ExposedPorts && Object.keys(c.ExposedPorts).length) out.ExposedPorts = c.ExposedPorts;
  if (c.Env) out.Env = [...c.Env];
  if (c.Cmd) out.Cmd = [...c.Cmd];
  if (c.Healthcheck) out.Healthcheck = { ...c.Healthcheck };
  if (c.Volumes && Object.keys(c.Volumes).length) out.Volumes = c.Volumes;
  if (c.WorkingDir) out.WorkingDir = c.WorkingDir;
  if (c.Entrypoint) out.Entrypoint = [...c.Entrypoint];
  if (c.Labels && Object.keys(c.Labels).length) out.Labels = { ...c.Labels };
  if (c.StopSignal) out.StopSignal = c.StopSignal;
  return out;
}
