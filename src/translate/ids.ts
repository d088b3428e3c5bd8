// Docker container IDs and names, pod names, and resolving a client's reference (full ID, name, ID prefix).

import { invalid, notFound } from './translation-error.ts';

const HEX64 = /^[0-9a-f]{64}$/;
const NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * A Docker-style ID from 32 random bytes. Like moby's stringid.GenerateRandomID, an ID whose 12-character short form
 * is all digits is not acceptable (it would read as a number); `random` is then asked again.
 */
export function generateContainerId(random: () => Uint8Array): string {
  for (;;) {
    const bytes = random();
    if (bytes.length !== 32) throw new Error(`generateContainerId needs 32 random bytes, got ${bytes.length}`);
    const id = Buffer.from(bytes).toString('hex');
    if (!/^[0-9]{12}$/.test(shortId(id))) return id;
  }
}

export function isFullId(value: string): boolean {
  return HEX64.test(value);
}

export function shortId(id: string): string {
  return id.slice(0, 12);
}

/** Validates a client-given name (`?name=`) and returns it without the leading '/', exactly as given otherwise. */
export function normaliseContainerName(name: string): string {
  if (!NAME.test(name)) {
    throw invalid(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name.startsWith('/') ? name.slice(1) : name;
}

// A short cousin of moby's namesgenerator: `adjective_scientist`. The engine retries on a clash.
const LEFT = [
  'admiring',
  'adoring',
  'affectionate',
  'amazing',
  'awesome',
  'blissful',
  'bold',
  'brave',
  'charming',
  'clever',
  'cool',
  'dazzling',
  'determined',
  'eager',
  'ecstatic',
  'elastic',
  'elegant',
  'epic',
  'festive',
  'focused',
  'friendly',
  'gallant',
  'gifted',
  'goofy',
  'gracious',
  'happy',
  'hopeful',
  'inspiring',
  'jolly',
  'keen',
  'kind',
  'laughing',
  'loving',
  'lucid',
  'magical',
  'modest',
  'nice',
  'nifty',
  'nostalgic',
  'optimistic',
  'peaceful',
  'pensive',
  'quirky',
  'relaxed',
  'serene',
  'sharp',
  'stoic',
  'sweet',
  'tender',
  'vibrant',
  'wizardly',
  'zealous',
] as const;
const RIGHT = [
  'agnesi',
  'babbage',
  'bardeen',
  'bartik',
  'bell',
  'booth',
  'brattain',
  'cerf',
  'curie',
  'darwin',
  'dijkstra',
  'easley',
  'einstein',
  'euclid',
  'faraday',
  'fermi',
  'feynman',
  'galileo',
  'goldberg',
  'goodall',
  'hamilton',
  'heisenberg',
  'hopper',
  'hypatia',
  'johnson',
  'kepler',
  'knuth',
  'lamarr',
  'lovelace',
  'margulis',
  'meitner',
  'mirzakhani',
  'morse',
  'newton',
  'noether',
  'pascal',
  'payne',
  'ride',
  'ritchie',
  'sammet',
  'shannon',
  'sinoussi',
  'tesla',
  'thompson',
  'torvalds',
  'turing',
  'wiles',
  'wilson',
  'wozniak',
  'yalow',
  'yonath',
] as const;

/** A random Docker-like default name. `random()` returns a float in [0, 1) (Math.random's contract). */
export function generateContainerName(random: () => number): string {
  const left = LEFT[Math.floor(random() * LEFT.length)];
  const right = RIGHT[Math.floor(random() * RIGHT.length)];
  return `${left}_${right}`;
}

/** Lower-case, DNS-1123-label-safe form of a Docker name, at most `max` characters, never empty. */
export function sanitiseForDns(value: string, max: number): string {
  const lowered = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-');
  const trimmed = lowered.slice(0, max).replace(/^-+|-+$/g, '');
  return trimmed === '' ? 'c' : trimmed;
}

/**
 * The pod name of a container generation: `<sanitised name, ≤40>-<short id>` for generation 0 and
 * `…-<generation>` after. At most 63 characters, so it is also a valid label value and hostname.
 */
export function podNameFor(name: string, id: string, generation: number): string {
  const base = `${sanitiseForDns(name, 40)}-${shortId(id)}`;
  return generation === 0 ? base : `${base}-${generation}`;
}

/** Label values hold at most 63 characters: the `badidea.dev/id` label keeps the first 63 hex digits. */
export function idLabelValue(id: string): string {
  return id.slice(0, 63);
}

export interface Named {
  id: string;
  name: string;
}

/**
 * Docker's lookup order (moby daemon.GetContainer): exact full ID, then exact name (with or without the leading
 * '/'), then a unique ID prefix. An ambiguous prefix is a 400, nothing found a 404 `No such container: <ref>`.
 */
export function resolveContainerRef<T extends Named>(ref: string, items: readonly T[]): T {
  if (ref === '') throw invalid('invalid container name or ID: value is empty');
  const byId = items.find((c) => c.id === ref);
  if (byId) return byId;
  const name = ref.startsWith('/') ? ref.slice(1) : ref;
  const byName = items.find((c) => c.name === name);
  if (byName) return byName;
  if (/^[0-9a-f]+$/.test(ref)) {
    const matches = items.filter((c) => c.id.startsWith(ref));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) throw invalid(`multiple IDs found with provided prefix: ${ref}`);
  }
  throw notFound(`No such container: ${ref}`);
}

/** Docker's 409 for a taken name (create and rename). */
export function nameConflictMessage(name: string, holderId: string): string {
  return `Conflict. The container name "/${name}" is already in use by container "${holderId}". You have to remove (or rename) that container to be able to reuse that name.`;
}
