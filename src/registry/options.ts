// Registry flags and their environment variables, like dockerd's registry-mirrors / insecure-registries.
// src/config.ts merges REGISTRY_FLAGS into its flag table and calls registryOptions() with the parsed values;
// the result is what RegistryClient takes.

import { readFileSync } from 'node:fs';
import { normalizeMirror } from './endpoints.ts';

export interface RegistryFlagSpec {
  name: string;
  env: string;
  type: 'string';
  multiple: true;
  arg: string;
  help: string;
}

export const REGISTRY_FLAGS: readonly RegistryFlagSpec[] = [
  {
    name: 'registry-mirror',
    env: 'BADIDEA_REGISTRY_MIRRORS',
    type: 'string',
    multiple: true,
    arg: 'URL',
    help: 'Docker Hub mirror tried before registry-1.docker.io, e.g. https://mirror.gcr.io; repeatable (env: comma-separated)',
  },
  {
    name: 'insecure-registry',
    env: 'BADIDEA_INSECURE_REGISTRIES',
    type: 'string',
    multiple: true,
    arg: 'HOST[:PORT]|CIDR',
    help: 'registry reached over HTTPS without certificate checks, then plain HTTP (127.0.0.0/8 always is); repeatable (env: comma-separated)',
  },
  {
    name: 'registry-ca',
    env: 'BADIDEA_REGISTRY_CA',
    type: 'string',
    multiple: true,
    arg: 'FILE',
    help: 'extra CA certificates (PEM) trusted for registries, beside the system roots; repeatable (env: comma-separated)',
  },
];

export class RegistryOptionsError extends Error {
  override name = 'RegistryOptionsError';
}

export interface RegistryOptions {
  mirrors: string[];
  insecureRegistries: string[];
  caCertificates: string[];
}

/**
 * Flag values win over the environment (as every badidea flag). `flags` maps a flag name to its values as given;
 * `readFile` is injected for tests.
 */
export function registryOptions(
  flags: Readonly<Record<string, readonly string[] | undefined>>,
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): RegistryOptions {
  const values = (name: string): string[] => {
    const spec = REGISTRY_FLAGS.find((f) => f.name === name)!;
    const given = flags[name];
    const raw = given?.length ? given : (env[spec.env] ?? '').split(',');
    return raw.map((s) => s.trim()).filter(Boolean);
  };
  let mirrors: string[];
  try {
    mirrors = values('registry-mirror').map(normalizeMirror);
  } catch (err) {
    throw new RegistryOptionsError((err as Error).message);
  }
  const caCertificates = values('registry-ca').map((file) => {
    let pem: string;
    try {
      pem = readFile(file);
    } catch (err) {
      throw new RegistryOptionsError(`cannot read --registry-ca ${file}: ${(err as Error).message}`);
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new RegistryOptionsError(`--registry-ca ${file} holds no PEM certificate`);
    }
    return pem;
  });
  return { mirrors, insecureRegistries: values('insecure-registry'), caCertificates };
}
