// The per-resource validation entry point: ValidateObjectMeta plus each kind's rules, answered with
// 422 Invalid Status objects (apimachinery errors.NewInvalid).
import { invalid } from '../../apiserver/status.ts';
import type { ResourceInfo } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import { type FieldError, fieldErr } from './field.ts';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  validateAnnotations,
  validateLabels,
} from './names.ts';
import { validatePodSpec } from './pod.ts';
import { validatePodSpecUpdate } from './pod-update.ts';
import {
  validateDataKeys,
  validateImmutableData,
  validatePvcSpec,
  validatePvcUpdate,
  validateServiceSpec,
  validateServiceUpdate,
} from './service.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

function nameCheck(info: ResourceInfo): (name: string) => string[] {
  if (info.key === 'services') return isDNS1035Label;
  if (info.key === 'namespaces') return isDNS1123Label;
  return isDNS1123Subdomain;
}

export function validateMeta(info: ResourceInfo, object: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const m = object.metadata;
  const check = nameCheck(info);
  if (!m.name && !m.generateName) errs.push(fieldErr.required('metadata.name', 'name or generateName is required'));
  if (m.name) for (const msg of check(m.name)) errs.push(fieldErr.invalid('metadata.name', m.name, msg));
  if (!m.name && m.generateName) {
    const probe = m.generateName.endsWith('-') ? `${m.generateName}a` : m.generateName;
    for (const msg of check(probe)) errs.push(fieldErr.invalid('metadata.generateName', m.generateName, msg));
  }
  if (info.namespaced) {
    if (!m.namespace) errs.push(fieldErr.required('metadata.namespace'));
    else
      for (const msg of isDNS1123Label(m.namespace))
        errs.push(fieldErr.invalid('metadata.namespace', m.namespace, msg));
  } else if (m.namespace) {
    errs.push(fieldErr.forbidden('metadata.namespace', 'not allowed on this type'));
  }
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  (m.finalizers ?? []).forEach((f) => {
    for (const msg of isQualifiedName(f)) errs.push(fieldErr.invalid('metadata.finalizers', f, msg));
  });
  (m.ownerReferences ?? []).forEach((ref) => {
    if (!ref.apiVersion)
      errs.push(
        fieldErr.invalid('metadata.ownerReferences.apiVersion', ref.apiVersion ?? '', 'version must not be empty'),
      );
    if (!ref.kind)
      errs.push(fieldErr.invalid('metadata.ownerReferences.kind', ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name)
      errs.push(fieldErr.invalid('metadata.ownerReferences.name', ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(fieldErr.invalid('metadata.ownerReferences.uid', ref.uid ?? '', 'uid must not be empty'));
  });
  if ((m.ownerReferences ?? []).filter((r) => r.controller).length > 1)
    errs.push(
      fieldErr.invalid(
        'metadata.ownerReferences',
        m.ownerReferences,
        'Only one reference can have Controller set to true',
      ),
    );
  return errs;
}

function specErrors(info: ResourceInfo, o: J): FieldError[] {
  switch (info.key) {
    case 'pods':
      return validatePodSpec(o.spec);
    case 'services':
      return validateServiceSpec(o.spec);
    case 'persistentvolumeclaims':
      return validatePvcSpec(o.spec);
    case 'configmaps':
      return validateDataKeys(o, ['data', 'binaryData']);
    case 'secrets':
      return validateDataKeys(o, ['data']);
    default:
      return [];
  }
}

function updateErrors(info: ResourceInfo, o: J, old: J): FieldError[] {
  switch (info.key) {
    case 'pods':
      return validatePodSpecUpdate(o.spec, old.spec);
    case 'services':
      return validateServiceUpdate(o.spec, old.spec);
    case 'persistentvolumeclaims':
      return validatePvcUpdate(o.spec, old.spec);
    case 'configmaps':
      return validateImmutableData(o, old, ['data', 'binaryData']);
    case 'secrets':
      if (old.type && o.type !== old.type) return [fieldErr.invalid('type', o.type, 'field is immutable')];
      return validateImmutableData(o, old, ['data']);
    default:
      return [];
  }
}

/** Throws 422 when `object` (already defaulted) is invalid; `old` is set for updates. */
export function validateObject(info: ResourceInfo, object: KubeObject, old?: KubeObject): void {
  const errs = [...validateMeta(info, object)];
  errs.push(...specErrors(info, object));
  if (old) {
    if (object.metadata.name !== old.metadata.name)
      errs.push(fieldErr.invalid('metadata.name', object.metadata.name, 'field is immutable'));
    errs.push(...updateErrors(info, object, old));
  }
  if (errs.length > 0) {
    throw invalid(
      { group: info.group || undefined, kind: info.kind },
      object.metadata.name ?? object.metadata.generateName ?? '',
      errs,
    );
  }
}
