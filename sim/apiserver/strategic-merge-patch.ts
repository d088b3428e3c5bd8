// Strategic merge patch, the subset the core types need (k8s.io/apimachinery/pkg/util/strategicpatch):
// lists merged by their x-kubernetes-patch-merge-key, primitive lists with the merge strategy
// (finalizers) unioned, and the directives $patch (replace|delete|merge), $setElementOrder/…,
// $deleteFromPrimitiveList/… and $retainKeys.
import { clone, isPlainObject } from '../store/json.ts';

type Obj = Record<string, unknown>;

/** The merge key of a list field, given the path of its parent; undefined means "replace". */
function mergeKey(field: string, path: string[]): string | undefined {
  const inContainer = path.some((p) => p === 'containers' || p === 'initContainers' || p === 'ephemeralContainers');
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
    case 'schedulingGates':
    case 'resourceClaims':
      return 'name';
    case 'ports':
      return inContainer ? 'containerPort' : path.includes('spec') ? 'port' : undefined;
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'conditions':
    case 'addresses':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'hostAliases':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'readinessGates':
      return 'conditionType';
    default:
      return undefined;
  }
}

const PRIMITIVE_MERGE = new Set(['finalizers']);

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    if (k.startsWith('$setElementOrder/') || k.startsWith('$deleteFromPrimitiveList/')) continue;
    if (x === null) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

function order(list: unknown[], key: string | undefined, wanted: unknown[]): unknown[] {
  const id = (x: unknown) => (key && isPlainObject(x) ? x[key] : x);
  const wantedIds = wanted.map((w) => (key && isPlainObject(w) ? w[key] : w));
  const inOrder = wantedIds.flatMap((w) => list.filter((x) => id(x) === w));
  return [...inOrder, ...list.filter((x) => !wantedIds.includes(id(x)))];
}

function mergeList(original: unknown, patch: unknown[], field: string, path: string[]): unknown[] {
  const key = mergeKey(field, path);
  const orig = Array.isArray(original) ? original : [];
  if (PRIMITIVE_MERGE.has(field)) {
    const out = [...orig];
    for (const v of patch) if (!out.includes(v)) out.push(v);
    return out;
  }
  if (!key) return patch.filter((x) => !(isPlainObject(x) && x.$patch)).map(stripDirectives);
  let out: unknown[] = patch.some((x) => isPlainObject(x) && x.$patch === 'replace') ? [] : clone(orig);
  for (const item of patch) {
    if (!isPlainObject(item)) continue;
    if (item.$patch === 'replace') continue;
    const idx = out.findIndex((x) => isPlainObject(x) && x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (idx >= 0) out = out.filter((_, i) => i !== idx);
      continue;
    }
    if (idx >= 0) out[idx] = mergeObject(out[idx], item, [...path, field]);
    else out.push(stripDirectives(item));
  }
  return out;
}

function mergeObject(original: unknown, patch: Obj, path: string[]): unknown {
  if (patch.$patch === 'delete') return undefined;
  if (patch.$patch === 'replace') return stripDirectives(patch);
  const out: Obj = isPlainObject(original) ? { ...original } : {};
  const retain = Array.isArray(patch.$retainKeys) ? (patch.$retainKeys as string[]) : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const remove = Array.isArray(v) ? v : [];
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((x) => !remove.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v)) {
      out[k] = mergeList(out[k], v, k, path);
    } else if (isPlainObject(v)) {
      const merged = mergeObject(out[k], v, [...path, k]);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else {
      out[k] = v;
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith('$setElementOrder/') || !Array.isArray(v)) continue;
    const field = k.slice('$setElementOrder/'.length);
    if (Array.isArray(out[field])) out[field] = order(out[field] as unknown[], mergeKey(field, path), v);
  }
  if (retain) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

export function strategicMergePatch(original: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  return mergeObject(clone(original), patch, []) ?? {};
}
