// One row of GET /containers/json (docker ps).

import { type ContainerState, healthStatus, ZERO_TIME } from './container-state.ts';
import { endpoints, mountPoints, networkNames, portMap, type ViewContext } from './container-view.ts';
import type { ContainerSummary, PortSummary } from './docker-types.ts';
import { pathAndArgs } from './merge-image-config.ts';
import type { ListEntry } from './ps-filters.ts';
import type { ContainerRecord } from './record.ts';
import { statusText } from './status-text.ts';

/** moby's Command column: the path, then the args, each quoted with '' when it contains a space. */
export function commandText(path: string, args: readonly string[]): string {
  if (args.length === 0) return path;
  return `${path} ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`;
}

function stateForText(state: ContainerState) {
  switch (state.status) {
    case 'running':
      return { status: 'running' as const, startedAt: state.startedAt, health: healthStatus(state) };
    case 'paused':
      return { status: 'paused' as const, startedAt: state.startedAt };
    case 'restarting':
      return { status: 'restarting' as const, exitCode: state.exitCode, finishedAt: state.finishedAt };
    case 'exited':
      return { status: 'exited' as const, exitCode: state.exitCode, finishedAt: state.finishedAt };
    default:
      return { status: state.status };
  }
}

function ports(summaryPorts: ReturnType<typeof portMap>): PortSummary[] {
  const rows: PortSummary[] = [];
  for (const [key, bindings] of Object.entries(summaryPorts)) {
    const [port, type] = key.split('/');
    if (!bindings || bindings.length === 0) {
      rows.push({ PrivatePort: Number(port), Type: type });
      continue;
    }
    for (const b of bindings) {
      rows.push({
        IP: b.HostIp || '0.0.0.0',
        PrivatePort: Number(port),
        PublicPort: Number(b.HostPort),
        Type: type,
      });
    }
  }
  return rows;
}

export function summarizeContainer(record: ContainerRecord, state: ContainerState, ctx: ViewContext): ContainerSummary {
  const running = state.status === 'running' || state.status === 'restarting' || state.status === 'paused';
  const { path, args } = pathAndArgs(record.config);
  const health = healthStatus(state);
  return {
    Id: record.id,
    Names: [`/${record.name}`],
    Image: record.config.Image ?? '',
    ImageID: record.imageId,
    Command: commandText(path, args),
    Created: Math.floor(Date.parse(record.created) / 1000),
    Ports: ports(portMap(record, ctx, running)),
    Labels: record.config.Labels ?? {},
    State: state.status,
    Status: statusText(stateForText(state), ctx.now),
    HostConfig: {
      NetworkMode: record.hostConfig.NetworkMode || 'default',
      ...(record.hostConfig.Annotations ? { Annotations: record.hostConfig.Annotations } : {}),
    },
    NetworkSettings: { Networks: endpoints(record, ctx, running) },
    Mounts: mountPoints(record),
    Health: { Status: health, FailingStreak: 'health' in state && state.health ? state.health.FailingStreak : 0 },
  };
}

/** The facts ps filters need about one container. */
export function listEntryFor(record: ContainerRecord, state: ContainerState, ctx: ViewContext): ListEntry {
  const running = state.status === 'running' || state.status === 'restarting' || state.status === 'paused';
  const published = Object.entries(portMap(record, ctx, running))
    .filter(([, b]) => b !== null && b.length > 0)
    .map(([k]) => k);
  return {
    id: record.id,
    name: record.name,
    created: Date.parse(record.created),
    image: record.config.Image ?? '',
    imageId: record.imageId,
    labels: record.config.Labels ?? {},
    status: state.status,
    running,
    started: state.startedAt !== ZERO_TIME,
    exitCode: state.exitCode,
    health: healthStatus(state),
    networks: networkNames(record).map((name) => ({ name, id: ctx.networkIds?.[name] ?? '' })),
    volumes: mountPoints(record).map((m) => ({ name: m.Name ?? '', destination: m.Destination })),
    exposed: Object.keys(record.config.ExposedPorts ?? {}).map((k) => (k.includes('/') ? k : `${k}/tcp`)),
    published,
  };
}
