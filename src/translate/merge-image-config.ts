// Docker's merge of the image's configuration into a container's (moby daemon merge + mergeAndVerifyConfig): the
// result is the Config that inspect shows and the pod runs.

import type { ContainerConfig, HealthConfig, ImageConfig } from './docker-types.ts';
import { invalid } from './translation-error.ts';

function envKey(entry: string): string {
  const i = entry.indexOf('=');
  return i === -1 ? entry : entry.slice(0, i);
}

/** Image env first, then the user's: `K=v` replaces or appends, a bare `K` removes K. */
export function mergeEnv(imageEnv: readonly string[], userEnv: readonly string[]): string[] {
  const result = [...imageEnv];
  for (const entry of userEnv) {
    const key = envKey(entry);
    const at = result.findIndex((e) => envKey(e) === key);
    if (!entry.includes('=')) {
      if (at !== -1) result.splice(at, 1);
    } else if (at !== -1) result[at] = entry;
    else result.push(entry);
  }
  return result;
}

function mergeHealthcheck(user: HealthConfig | null | undefined, image: HealthConfig | null | undefined) {
  if (!user) return image ?? undefined;
  if (!image) return user;
  return {
    ...user,
    Test: user.Test && user.Test.length > 0 ? user.Test : image.Test,
    Interval: user.Interval || image.Interval,
    Timeout: user.Timeout || image.Timeout,
    StartPeriod: user.StartPeriod || image.StartPeriod,
    StartInterval: user.StartInterval || image.StartInterval,
    Retries: user.Retries || image.Retries,
  };
}

/**
 * Merges as moby does, then resets an Entrypoint of `[""]` and refuses a container with nothing to run
 * (`No command specified`). Entrypoint: null → the image's (and the image's Cmd if no Cmd); `[]` → none, image Cmd
 * still used; `[""]` or any non-empty entrypoint → the image's Cmd is not used.
 */
export function mergeImageConfig(user: ContainerConfig, image: ImageConfig, id: string): ContainerConfig {
  const merged: ContainerConfig = { ...user };
  merged.Hostname = user.Hostname || id.slice(0, 12);
  if (!user.User) merged.User = image.User ?? '';
  merged.ExposedPorts = { ...(image.ExposedPorts ?? {}), ...(user.ExposedPorts ?? {}) };
  if (Object.keys(merged.ExposedPorts).length === 0) merged.ExposedPorts = user.ExposedPorts ?? null;
  const env = mergeEnv(image.Env ?? [], (user.Env as string[] | null | undefined) ?? []);
  merged.Env = env.length > 0 ? env : (user.Env ?? null);
  const userEntrypoint = (user.Entrypoint as string[] | null | undefined) ?? null;
  const userCmd = (user.Cmd as string[] | null | undefined) ?? null;
  let entrypoint = userEntrypoint;
  let cmd = userCmd;
  if (userEntrypoint === null || userEntrypoint.length === 0) {
    if (userCmd === null || userCmd.length === 0) cmd = image.Cmd ?? null;
    if (userEntrypoint === null) entrypoint = image.Entrypoint ?? null;
  }
  if (entrypoint !== null && entrypoint.length === 1 && entrypoint[0] === '') entrypoint = null;
  if ((entrypoint === null || entrypoint.length === 0) && (cmd === null || cmd.length === 0)) {
    throw invalid('No command specified');
  }
  merged.Entrypoint = entrypoint;
  merged.Cmd = cmd;
  merged.Volumes =
    image.Volumes || user.Volumes ? { ...(image.Volumes ?? {}), ...(user.Volumes ?? {}) } : (user.Volumes ?? null);
  if (!user.WorkingDir) merged.WorkingDir = image.WorkingDir ?? '';
  merged.Labels = { ...(image.Labels ?? {}), ...(user.Labels ?? {}) };
  if (!user.StopSignal && image.StopSignal) merged.StopSignal = image.StopSignal;
  const healthcheck = mergeHealthcheck(user.Healthcheck, image.Healthcheck);
  if (healthcheck) merged.Healthcheck = healthcheck;
  return merged;
}

/** Inspect's Path and Args: the first word of entrypoint+cmd and the rest. */
export function pathAndArgs(config: ContainerConfig): { path: string; args: string[] } {
  const argv = [...((config.Entrypoint as string[] | null) ?? []), ...((config.Cmd as string[] | null) ?? [])];
  return { path: argv[0] ?? '', args: argv.slice(1) };
}
