// Field selectors: only =, ==, != joined by commas, on the fields each resource's strategy exposes
// (ToSelectableFields / GetAttrs in pkg/registry/core/*/strategy.go). Anything else is a 400.
import { badRequest } from '../apiserver/status.ts';
import type { KubeObject } from './types.ts';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export type FieldSelector = FieldRequirement[];

type Fields = (o: KubeObject) => Record<string, string>;

const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
// biome-ignore lint/suspicious/noExplicitAny: JSON walking
const get = (o: any, path: string): unknown =>
  path.split('.').reduce((acc, k) => (acc == null ? undefined : acc[k]), o);

function pick(paths: string[]): Fields {
  return (o) => Object.fromEntries(paths.map((p) => [p, s(get(o, p))]));
}

const meta: Fields = (o) => ({ 'metadata.name': s(o.metadata.name), 'metadata.namespace': s(o.metadata.namespace) });

const PER_RESOURCE: Record<string, Fields> = {
  pods: (o) => ({
    ...meta(o),
    ...pick([
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'status.phase',
      'status.podIP',
      'status.nominatedNodeName',
    ])(o),
    'spec.hostNetwork': get(o, 'spec.hostNetwork') === true ? 'true' : 'false',
  }),
  events: (o) => ({
    ...meta(o),
    ...pick([
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'type',
    ])(o),
    source: s(get(o, 'source.component')),
  }),
  'events.events.k8s.io': (o) => ({
    ...meta(o),
    ...pick([
      'regarding.kind',
      'regarding.namespace',
      'regarding.name',
      'regarding.uid',
      'regarding.apiVersion',
      'regarding.resourceVersion',
      'regarding.fieldPath',
      'reason',
      'reportingController',
      'type',
    ])(o),
  }),
  secrets: (o) => ({ ...meta(o), type: s(get(o, 'type')) }),
  namespaces: (o) => ({ ...meta(o), 'status.phase': s(get(o, 'status.phase')) }),
  nodes: (o) => ({ ...meta(o), 'spec.unschedulable': get(o, 'spec.unschedulable') === true ? 'true' : 'false' }),
  persistentvolumeclaims: meta,
  persistentvolumes: meta,
  services: (o) => ({ ...meta(o), 'spec.clusterIP': s(get(o, 'spec.clusterIP')), 'spec.type': s(get(o, 'spec.type')) }),
  replicationcontrollers: meta,
};

function fieldsOf(resource: string): Fields {
  return PER_RESOURCE[resource] ?? meta;
}

export function parseFieldSelector(resource: string, selector: string | undefined): FieldSelector {
  if (!selector || selector.trim() === '') return [];
  const supported = new Set(Object.keys(fieldsOf(resource)({ metadata: {} })));
  return selector.split(',').map((part) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const field = m[1]!;
    if (!supported.has(field)) throw badRequest(`field label not supported: ${field}`);
    return { field, operator: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
}

export function matchesFields(resource: string, selector: FieldSelector, object: KubeObject): boolean {
  if (selector.length === 0) return true;
  const fields = fieldsOf(resource)(object);
  return selector.every((r) => (r.operator === '=' ? fields[r.field] === r.value : fields[r.field] !== r.value));
}
