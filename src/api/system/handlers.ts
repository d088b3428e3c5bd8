// _ping, /version, /info, /system/df.

import { arch, platform } from 'node:os';
import type { Handler } from '../context.ts';
import { json, text } from '../http/reply.ts';
import { API_VERSION, compareVersions, MIN_API_VERSION } from '../version.ts';
import type { DiskUsage, SystemBackend } from './backend.ts';

const goArch = (a: string) => ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' })[a] ?? a;

export function pingHandler(): Handler {
  return (ctx) => ({
    ...text(ctx.method === 'HEAD' ? '' : 'OK'),
    headers: { Swarm: 'inactive' },
  });
}

export function versionHandler(backend: SystemBackend, serverVersion: string, gitCommit: string): Handler {
  return async () => {
    const cluster = await backend.clusterVersion();
    const kernel = cluster.kernelVersion ?? '';
    const details = {
      ApiVersion: API_VERSION,
      Arch: goArch(arch()),
      BuildTime: '',
      Experimental: 'false',
      GitCommit: gitCommit,
      GoVersion: `node ${process.version}`,
      KernelVersion: kernel,
      MinAPIVersion: MIN_API_VERSION,
      Os: platform(),
    };
    return json({
      Platform: { Name: `badidea ${serverVersion} on ${cluster.platform ?? 'Kubernetes'}` },
      Components: [
        { Name: 'Engine', Version: serverVersion, Details: details },
        {
          Name: 'Kubernetes',
          Version: cluster.kubernetesVersion ?? 'unknown (cluster unreachable)',
          Details: { Platform: cluster.platform ?? '' },
        },
      ],
      Version: serverVersion,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: gitCommit,
      GoVersion: details.GoVersion,
      Os: details.Os,
      Arch: details.Arch,
      KernelVersion: kernel,
      BuildTime: '',
    });
  };
}

export function infoHandler(backend: SystemBackend, serverVersion: string): Handler {
  return async () => json({ ...(await backend.info()), ServerVersion: serverVersion });
}

export function diskUsageHandler(backend: SystemBackend): Handler {
  return async (ctx) => {
    const du = await backend.diskUsage();
    const types = ctx.query.getAll('type');
    const want = (t: string) => types.length === 0 || types.includes(t);
    return json(formatDiskUsage(du, ctx.version, want));
  };
}

/** Below 1.52 the legacy lists; 1.52 both; from 1.53 only the per-type usage objects (API changelog). */
export function formatDiskUsage(du: DiskUsage, version: string, want: (t: string) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (compareVersions(version, '1.53') < 0) {
    out.LayersSize = want('image') ? du.images.size : 0;
    if (want('image')) out.Images = du.images.items;
    if (want('container')) out.Containers = du.containers.items;
    if (want('volume')) out.Volumes = du.volumes.items;
    if (want('build-cache')) out.BuildCache = [];
  }
  if (compareVersions(version, '1.52') >= 0) {
    const usage = (u: DiskUsage['images']) => ({
      ActiveCount: u.active,
      TotalCount: u.total,
      Reclaimable: u.reclaimable,
      TotalSize: u.size,
      Items: u.items,
    });
    if (want('image')) out.ImageUsage = usage(du.images);
    if (want('container')) out.ContainerUsage = usage(du.containers);
    if (want('volume')) out.VolumeUsage = usage(du.volumes);
    if (want('build-cache'))
      out.BuildCacheUsage = { ActiveCount: 0, TotalCount: 0, Reclaimable: 0, TotalSize: 0, Items: [] };
  }
  return out;
}
