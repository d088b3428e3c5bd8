// Fates of the cgroup resource fields of HostConfig (Docker's Resources).

import {
  asArray,
  asBoolean,
  asNumber,
  asObject,
  asString,
  asStringArray,
  type FieldRule,
  type FieldRules,
  isZero,
  noEffect,
  refuse,
  refusedUnlessZero,
} from './field-rules.ts';

const MIN_MEMORY = 6 * 1024 * 1024;

function windowsOnly(field: string): FieldRule {
  return noEffect('warning: Windows only', () => `${field} has no effect: it only applies to Windows containers`);
}

function noBlockIo(field: string): FieldRule {
  return noEffect(
    'warning: Kubernetes has no block IO controls',
    () => `${field} has no effect: Kubernetes has no block IO limits`,
  );
}

/** A DeviceRequest that asks for GPUs: driver nvidia, or capabilities containing "gpu". */
export function isGpuRequest(request: Record<string, unknown>): boolean {
  const driver = typeof request.Driver === 'string' ? request.Driver : '';
  const caps = Array.isArray(request.Capabilities) ? request.Capabilities.flat() : [];
  return driver === 'nvidia' || (driver === '' && caps.includes('gpu'));
}

export const RESOURCES_RULES: FieldRules = {
  CpuShares: {
    fates: ['mapped', 'refused'],
    doc: '`requests.cpu` = shares/1024 CPUs (the kubelet turns requests back into the same cgroup weight)',
    check: (value, ctx) => {
      if (asNumber(value, ctx.path) < 0) refuse('CpuShares cannot be negative');
    },
  },
  Memory: {
    fates: ['mapped', 'refused'],
    doc: '`limits.memory` (and `requests.memory` unless MemoryReservation); below 6 MB refused as by Docker',
    check: (value, ctx) => {
      const memory = asNumber(value, ctx.path);
      if (memory < 0 || (memory > 0 && memory < MIN_MEMORY)) refuse('Minimum memory limit allowed is 6MB');
    },
  },
  CgroupParent: refusedUnlessZero(
    'the kubelet chooses pod cgroups',
    (v) => `CgroupParent "${v}" cannot be set: the kubelet places pods in its own cgroups`,
  ),
  BlkioWeight: noBlockIo('BlkioWeight'),
  BlkioWeightDevice: noBlockIo('BlkioWeightDevice'),
  BlkioDeviceReadBps: noBlockIo('BlkioDeviceReadBps'),
  BlkioDeviceWriteBps: noBlockIo('BlkioDeviceWriteBps'),
  BlkioDeviceReadIOps: noBlockIo('BlkioDeviceReadIOps'),
  BlkioDeviceWriteIOps: noBlockIo('BlkioDeviceWriteIOps'),
  CpuPeriod: {
    fates: ['mapped', 'refused'],
    doc: 'with CpuQuota: `limits.cpu` = quota/period; out of range or with NanoCpus refused as by Docker',
    check: (value, ctx) => {
      const period = asNumber(value, ctx.path);
      if (period !== 0 && (period < 1000 || period > 1_000_000)) {
        refuse('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
      }
      if (period !== 0 && asNumber(ctx.body.HostConfig?.NanoCpus, 'HostConfig.NanoCpus') > 0) {
        refuse('Conflicting options: Nano CPUs and CPU Period cannot both be set');
      }
    },
  },
  CpuQuota: {
    fates: ['mapped', 'refused'],
    doc: '`limits.cpu` = quota/period (period default 100000 µs); below 1 ms or with NanoCpus refused as by Docker',
    check: (value, ctx) => {
      const quota = asNumber(value, ctx.path);
      if (quota > 0 && quota < 1000) refuse('CPU cfs quota can not be less than 1ms (i.e. 1000)');
      if (quota > 0 && asNumber(ctx.body.HostConfig?.NanoCpus, 'HostConfig.NanoCpus') > 0) {
        refuse('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
      }
    },
  },
  CpuRealtimePeriod: refusedUnlessZero(
    'pods get no real-time CPU time',
    () => 'real-time CPU scheduling (CpuRealtimePeriod) is not possible in an unprivileged pod',
  ),
  CpuRealtimeRuntime: refusedUnlessZero(
    'pods get no real-time CPU time',
    () => 'real-time CPU scheduling (CpuRealtimeRuntime) is not possible in an unprivileged pod',
  ),
  CpusetCpus: noEffect(
    'warning: the kubelet’s CPU manager places containers',
    () => 'CpusetCpus has no effect: the kubelet chooses CPUs',
  ),
  CpusetMems: noEffect(
    'warning: the kubelet’s memory manager places containers',
    () => 'CpusetMems has no effect: the kubelet chooses memory nodes',
  ),
  Devices: refusedUnlessZero(
    'pods have no access to host devices',
    () => 'devices cannot be added: unprivileged pods have no access to host devices; for GPUs use --gpus N',
  ),
  DeviceCgroupRules: refusedUnlessZero(
    'pods have no access to host devices',
    () => 'device cgroup rules cannot be set: unprivileged pods have no access to host devices',
  ),
  DeviceRequests: {
    fates: ['mapped', 'warning', 'refused'],
    doc: 'GPUs (`--gpus N`) → `limits["nvidia.com/gpu"]`; `all`, device IDs and other drivers refused',
    check: (value, ctx) => {
      asArray(value, ctx.path).forEach((r, i) => {
        const request = asObject(r, `${ctx.path}[${i}]`);
        if (!isGpuRequest(request)) {
          refuse(
            `device request for driver "${asString(request.Driver, 'Driver')}" is not supported: only GPUs (--gpus N) are`,
          );
        }
        if (asStringArray(request.DeviceIDs, `${ctx.path}[${i}].DeviceIDs`).length > 0) {
          refuse(
            'choosing GPUs by ID (--gpus device=…) is not possible: a pod asks for a number of GPUs; use --gpus N',
          );
        }
        const count = asNumber(request.Count, `${ctx.path}[${i}].Count`);
        if (count < 0) refuse('--gpus all is not possible: a pod asks for a number of GPUs; use --gpus N');
        if (count === 0) refuse('a GPU request needs a count: use --gpus N');
        if (!isZero(request.Options)) ctx.warn('GPU driver options have no effect: the device plugin configures GPUs');
      });
    },
  },
  MemoryReservation: {
    fates: ['mapped', 'refused'],
    doc: '`requests.memory`; above Memory refused as by Docker',
    check: (value, ctx) => {
      const reservation = asNumber(value, ctx.path);
      const memory = asNumber(ctx.body.HostConfig?.Memory, 'HostConfig.Memory');
      if (reservation < 0) refuse('MemoryReservation cannot be negative');
      if (memory > 0 && reservation > memory) {
        refuse('Minimum memory limit can not be less than memory reservation limit, see usage');
      }
    },
  },
  MemorySwap: {
    fates: ['warning', 'refused'],
    doc: 'warning unless 0 or equal to Memory: pods run without swap; below Memory refused as by Docker',
    check: (value, ctx) => {
      const swap = asNumber(value, ctx.path);
      const memory = asNumber(ctx.body.HostConfig?.Memory, 'HostConfig.Memory');
      if (swap > 0 && memory > 0 && swap < memory) {
        refuse('Minimum memoryswap limit should be larger than memory limit, see usage');
      }
      if (swap !== 0 && swap !== memory) ctx.warn('MemorySwap has no effect: pods run without swap');
    },
  },
  MemorySwappiness: {
    fates: ['warning'],
    doc: 'warning unless null or -1: pods run without swap',
    check: (value, ctx) => {
      if (value === null || value === undefined) return;
      const swappiness = asNumber(value, ctx.path);
      if (swappiness !== -1) ctx.warn('MemorySwappiness has no effect: pods run without swap');
    },
  },
  NanoCpus: {
    fates: ['mapped', 'refused'],
    doc: '`limits.cpu` = NanoCpus/1e9 (requests default to the limit); below 0.01 CPU refused',
    check: (value, ctx) => {
      const nano = asNumber(value, ctx.path);
      if (nano < 0 || (nano > 0 && nano < 10_000_000))
        refuse('Range of CPUs is from 0.01 to the number of CPUs available');
    },
  },
  OomKillDisable: noEffect(
    'warning: the OOM killer cannot be disabled for a pod',
    () => 'OomKillDisable has no effect: the OOM killer cannot be disabled for a pod',
  ),
  Init: {
    fates: ['mapped'],
    doc: 'pod `shareProcessNamespace: true`: the sandbox’s init reaps zombies, as docker-init does',
    check: (v, ctx) => void asBoolean(v, ctx.path),
  },
  PidsLimit: {
    fates: ['warning'],
    doc: 'warning unless null, 0 or -1: the node sets the pod PID limit',
    check: (value, ctx) => {
      if (asNumber(value, ctx.path) > 0) ctx.warn('PidsLimit has no effect: the node sets the pod PID limit');
    },
  },
  Ulimits: noEffect(
    'warning: ulimits come from the node’s runtime',
    () => "Ulimits have no effect: the node's container runtime sets them",
  ),
  CpuCount: windowsOnly('CpuCount'),
  CpuPercent: windowsOnly('CpuPercent'),
  IOMaximumIOps: windowsOnly('IOMaximumIOps'),
  IOMaximumBandwidth: windowsOnly('IOMaximumBandwidth'),
  KernelMemory: noEffect(
    'warning (removed in API 1.42): kernel memory limits are not available',
    () => 'KernelMemory has no effect: kernel memory limits are not available',
  ),
  KernelMemoryTCP: noEffect(
    'warning (removed in API 1.42): kernel memory limits are not available',
    () => 'KernelMemoryTCP has no effect: kernel memory limits are not available',
  ),
};
