// Docker API versions: the /vX.Y path prefix, the supported range, and the headers every response carries.

import { InvalidParameter } from '../errors.ts';

export const API_VERSION = '1.55';
export const MIN_API_VERSION = '1.24';

/** Splits "/v1.41/containers/json" into version "1.41" and path "/containers/json". */
export function splitVersion(path: string): { version?: string; path: string } {
  const m = /^\/v([0-9.]+)(\/.*)?$/.exec(path);
  if (!m) return { path };
  return { version: m[1], path: m[2] ?? '/' };
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number(n) || 0);
  const pb = b.split('.').map((n) => Number(n) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export function versionAtLeast(version: string, min: string): boolean {
  return compareVersions(version, min) >= 0;
}

/** A request for a version below the minimum: dockerd answers these in text/plain. */
export class VersionTooOld extends InvalidParameter {}

/** The effective version of a request: the path's, or the maximum when unversioned. Throws 400 when outside the range. */
export function negotiate(requested: string | undefined): string {
  if (requested === undefined) return API_VERSION;
  if (compareVersions(requested, API_VERSION) > 0) {
    throw new InvalidParameter(
      `client version ${requested} is too new. Maximum supported API version is ${API_VERSION}`,
    );
  }
  if (compareVersions(requested, MIN_API_VERSION) < 0) {
    throw new VersionTooOld(
      `client version ${requested} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
  return requested;
}

/** Headers on every response (hijacked streams included where dockerd sends them). */
export function commonHeaders(serverVersion: string): Record<string, string> {
  return {
    'Api-Version': API_VERSION,
    'Docker-Experimental': 'false',
    Ostype: 'linux',
    Server: `badidea/${serverVersion} (linux)`,
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
  };
}
