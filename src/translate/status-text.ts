// Docker's human-readable container Status ("Up 5 seconds", "Exited (0) 3 seconds ago", "Created"), built as moby's
// container.State.String() does, with go-units' HumanDuration.

import type { HealthStatus } from './docker-types.ts';

/** docker/go-units HumanDuration, rule for rule. `ms` is a duration in milliseconds. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5); // d.Round(time.Hour).Hours()
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

export type StatusTextInput =
  | { status: 'created' }
  | { status: 'running'; startedAt: string; health?: HealthStatus }
  | { status: 'paused'; startedAt: string }
  | { status: 'restarting'; exitCode: number; finishedAt: string }
  | { status: 'removing' }
  | { status: 'exited'; exitCode: number; finishedAt: string }
  | { status: 'dead' };

function since(now: number, time: string): number {
  const t = Date.parse(time);
  return Number.isNaN(t) ? 0 : Math.max(0, now - t);
}

/** The `Status` column of `docker ps`. `now` is epoch milliseconds. */
export function statusText(state: StatusTextInput, now: number): string {
  switch (state.status) {
    case 'created':
      return 'Created';
    case 'running': {
      const up = `Up ${humanDuration(since(now, state.startedAt))}`;
      if (state.health === undefined || state.health === 'none') return up;
      return `${up} (${state.health === 'starting' ? 'health: starting' : state.health})`;
    }
    case 'paused':
      return `Up ${humanDuration(since(now, state.startedAt))} (Paused)`;
    case 'restarting':
      return `Restarting (${state.exitCode}) ${humanDuration(since(now, state.finishedAt))} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'exited':
      return `Exited (${state.exitCode}) ${humanDuration(since(now, state.finishedAt))} ago`;
    case 'dead':
      return 'Dead';
  }
}
