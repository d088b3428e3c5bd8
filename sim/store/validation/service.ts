// Service, PVC, ConfigMap and Secret validation: the rules of pkg/apis/core/validation that clients hit.
import { deepEqual } from '../json.ts';
import { type FieldError, fieldErr } from './field.ts';
import { inclusiveRange, isValidPortName, validateLabels } from './names.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

export function validateServiceSpec(spec: J): FieldError[] {
  const errs: FieldError[] = [];
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (spec?.type && !types.includes(spec.type)) errs.push(fieldErr.notSupported('spec.type', spec.type, types));
  const ports: J[] = spec?.ports ?? [];
  const headless = spec?.clusterIP === 'None';
  if (ports.length === 0 && !headless && spec?.type !== 'ExternalName') errs.push(fieldErr.required('spec.ports'));
  if (spec?.type === 'ExternalName' && !spec?.externalName) errs.push(fieldErr.required('spec.externalName'));
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    if (ports.length > 1 && !p?.name) errs.push(fieldErr.required(`${path}.name`));
    if (p?.name) {
      for (const m of isValidPortName(p.name)) errs.push(fieldErr.invalid(`${path}.name`, p.name, m));
      if (names.has(p.name)) errs.push(fieldErr.duplicate(`${path}.name`, p.name));
      names.add(p.name);
    }
    if (!(p?.port >= 1 && p?.port <= 65535))
      errs.push(fieldErr.invalid(`${path}.port`, p?.port ?? 0, inclusiveRange(1, 65535)));
    const protos = ['SCTP', 'TCP', 'UDP'];
    if (!protos.includes(p?.protocol)) errs.push(fieldErr.notSupported(`${path}.protocol`, p?.protocol ?? '', protos));
    const tp = p?.targetPort;
    if (typeof tp === 'number' && !(tp >= 1 && tp <= 65535))
      errs.push(fieldErr.invalid(`${path}.targetPort`, tp, inclusiveRange(1, 65535)));
    if (typeof tp === 'string')
      for (const m of isValidPortName(tp)) errs.push(fieldErr.invalid(`${path}.targetPort`, tp, m));
    if (p?.nodePort !== undefined && !(p.nodePort >= 1 && p.nodePort <= 65535))
      errs.push(fieldErr.invalid(`${path}.nodePort`, p.nodePort, inclusiveRange(1, 65535)));
    const key = `${p?.port}/${p?.protocol}`;
    if (keys.has(key)) errs.push(fieldErr.duplicate(path, { port: p.port, protocol: p.protocol }));
    keys.add(key);
  });
  const affinities = ['ClientIP', 'None'];
  if (spec?.sessionAffinity && !affinities.includes(spec.sessionAffinity))
    errs.push(fieldErr.notSupported('spec.sessionAffinity', spec.sessionAffinity, affinities));
  errs.push(...validateLabels(spec?.selector, 'spec.selector'));
  return errs;
}

export function validateServiceUpdate(newSpec: J, oldSpec: J): FieldError[] {
  if (oldSpec?.clusterIP && oldSpec.clusterIP !== newSpec?.clusterIP && newSpec?.type !== 'ExternalName')
    return [fieldErr.invalid('spec.clusterIPs[0]', [newSpec?.clusterIP ?? ''], 'may not change once set')];
  return [];
}

export function validatePvcSpec(spec: J): FieldError[] {
  const errs: FieldError[] = [];
  const modes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
  const accessModes: string[] = spec?.accessModes ?? [];
  if (accessModes.length === 0) errs.push(fieldErr.required('spec.accessModes', 'at least 1 access mode is required'));
  for (const m of accessModes) if (!modes.includes(m)) errs.push(fieldErr.notSupported('spec.accessModes', m, modes));
  if (!spec?.resources?.requests?.storage && !spec?.dataSourceRef)
    errs.push(fieldErr.required('spec.resources[storage]'));
  const vm = ['Block', 'Filesystem'];
  if (spec?.volumeMode && !vm.includes(spec.volumeMode))
    errs.push(fieldErr.notSupported('spec.volumeMode', spec.volumeMode, vm));
  return errs;
}

export function validatePvcUpdate(newSpec: J, oldSpec: J): FieldError[] {
  const munged = structuredClone(newSpec ?? {});
  if (munged.resources?.requests && oldSpec?.resources) munged.resources.requests = oldSpec.resources.requests;
  munged.volumeAttributesClassName = oldSpec?.volumeAttributesClassName;
  if (!oldSpec?.volumeName) munged.volumeName = oldSpec?.volumeName;
  for (const k of Object.keys(munged)) if (munged[k] === undefined) delete munged[k];
  if (!deepEqual(munged, oldSpec ?? {}))
    return [
      fieldErr.forbidden(
        'spec',
        'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
      ),
    ];
  return [];
}

const KEY_FMT = '[-._a-zA-Z0-9]+';
const KEY_MSG = `a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '${KEY_FMT}')`;

export function validateDataKeys(object: J, fields: string[]): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  const seen = new Set<string>();
  for (const f of fields) {
    for (const [k, v] of Object.entries(object?.[f] ?? {})) {
      if (!/^[-._a-zA-Z0-9]+$/.test(k) || k.length > 253) errs.push(fieldErr.invalid(`${f}[${k}]`, k, KEY_MSG));
      if (k === '.' || k === '..') errs.push(fieldErr.invalid(`${f}[${k}]`, k, `must not be '${k}'`));
      if (seen.has(k)) errs.push(fieldErr.invalid(`${f}[${k}]`, k, 'duplicate of key present in data'));
      seen.add(k);
      size += String(v).length;
    }
  }
  if (size > 1024 * 1024)
    errs.push({ type: 'FieldValueTooLong', field: fields[0]!, body: 'Too long: must have at most 1048576 bytes' });
  return errs;
}

export function validateImmutableData(newObj: J, oldObj: J, fields: string[]): FieldError[] {
  if (oldObj?.immutable !== true) return [];
  const errs: FieldError[] = [];
  for (const f of fields) {
    if (!deepEqual(newObj?.[f] ?? {}, oldObj?.[f] ?? {}))
      errs.push(fieldErr.forbidden(f, 'field is immutable when `immutable` is set'));
  }
  if (newObj?.immutable !== true)
    errs.push(fieldErr.forbidden('immutable', 'field is immutable when `immutable` is set'));
  return errs;
}
