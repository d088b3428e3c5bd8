// Path rules of the archive endpoints (moby daemon/archive.go): the path is taken as absolute in the container,
// cleaned, keeping a trailing `/` or `/.`; GET archives `<base>` from its parent directory, or `.` from the
// directory itself for `…/.`. Pure functions.

import { posix } from 'node:path';
import { InvalidParameter } from '../../errors.ts';

/** Absolute, cleaned, with the trailing `/` or `/.` kept (archive.PreserveTrailingDotOrSeparator). */
export function containerPath(raw: string | null): string {
  if (raw === null || raw === '') throw new InvalidParameter('bad parameter: path cannot be empty');
  const cleaned = posix.normalize(posix.join('/', raw));
  if (cleaned === '/') return '/';
  const base = cleaned.replace(/\/+$/, '');
  if (/(^|\/)\.$/.test(raw)) return `${base}/.`;
  if (raw.endsWith('/')) return `${base}/`;
  return base;
}

/** Where `tar c` runs and what it archives, so that entries are named as moby names them. */
export function archiveSource(path: string): { dir: string; base: string } {
  if (path === '/') return { dir: '/', base: '.' };
  if (path.endsWith('/.')) return { dir: path.slice(0, -2) || '/', base: '.' };
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return { dir: trimmed.slice(0, i) || '/', base: trimmed.slice(i + 1) };
}

/** The extraction directory without a trailing slash (`/` stays `/`). */
export function extractDir(path: string): string {
  const trimmed = path.replace(/\/\.$/, '').replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** Docker's 404 for a path that does not exist (the container as the client named it). */
export function fileNotFound(path: string, container: string): string {
  return `Could not find the file ${path} in container ${container}`;
}
