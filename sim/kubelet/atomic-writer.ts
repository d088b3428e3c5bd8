// The kubelet's AtomicWriter layout for configMap/secret/downwardAPI/projected volumes
// (pkg/volume/util/atomic_writer.go): the payload lives in a timestamped directory `..<ts>`,
// `..data` is a symlink to it, and each top-level entry is a symlink through `..data`.
// A new payload is written beside the old one and `..data` is swapped with a rename.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface PayloadFile {
  path: string;
  content: Buffer;
  mode: number;
}

function digest(files: PayloadFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    h.update(f.path).update('\0').update(String(f.mode)).update('\0').update(f.content).update('\0');
  }
  return h.digest('hex');
}

function tsDirName(now: Date): string {
  const iso = now.toISOString(); // 2024-01-02T03:04:05.678Z
  return `..${iso.slice(0, 10).replace(/-/g, '_')}_${iso.slice(11, 19).replace(/:/g, '_')}.${iso.slice(20, 23)}${Math.floor(
    Math.random() * 1e6,
  )
    .toString()
    .padStart(6, '0')}`;
}

/** Writes the payload if it differs from what is there; returns whether anything changed. */
export async function writeAtomic(dir: string, files: PayloadFile[], now = new Date()): Promise<boolean> {
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  const sum = digest(files);
  const marker = path.join(dir, '..sum');
  const old = await fs.readFile(marker, 'utf8').catch(() => '');
  if (old === sum) return false;
  const tsDir = tsDirName(now);
  const tsPath = path.join(dir, tsDir);
  await fs.mkdir(tsPath, { mode: 0o755 });
  for (const f of files) {
    const target = path.join(tsPath, f.path);
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
    await fs.writeFile(target, f.content, { mode: f.mode });
    await fs.chmod(target, f.mode);
  }
  const previous = await fs.readlink(path.join(dir, '..data')).catch(() => undefined);
  const tmpLink = path.join(dir, '..data_tmp');
  await fs.rm(tmpLink, { force: true });
  await fs.symlink(tsDir, tmpLink);
  await fs.rename(tmpLink, path.join(dir, '..data'));
  const top = new Set(files.map((f) => f.path.split('/')[0]));
  for (const entry of await fs.readdir(dir)) {
    if (entry.startsWith('..')) continue;
    if (!top.has(entry)) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
  }
  for (const name of top) {
    const link = path.join(dir, name);
    const current = await fs.readlink(link).catch(() => undefined);
    if (current !== path.join('..data', name)) {
      await fs.rm(link, { recursive: true, force: true });
      await fs.symlink(path.join('..data', name), link);
    }
  }
  if (previous && previous !== tsDir) await fs.rm(path.join(dir, previous), { recursive: true, force: true });
  await fs.writeFile(marker, sum);
  return true;
}
