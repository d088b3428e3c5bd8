// Parses an API path into what it addresses (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go):
// /api/v1[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]] and the same under /apis/{group}/{version}.
import { type ResourceInfo, resourceByPath } from '../store/resources.ts';
import { pathNotFound } from './status.ts';

export interface ResourceRequest {
  kind: 'resource';
  info: ResourceInfo;
  group: string;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Legacy /watch/ prefix. */
  legacyWatch: boolean;
}

export type ApiPath =
  | ResourceRequest
  | { kind: 'discovery'; group?: string; version?: string; legacy: boolean }
  | { kind: 'other'; path: string };

export function parseApiPath(pathname: string): ApiPath {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group = '';
  let version: string | undefined;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { kind: 'discovery', legacy: true };
    version = parts[1];
    rest = parts.slice(2);
    if (rest.length === 0) return { kind: 'discovery', legacy: true, version };
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { kind: 'discovery', legacy: false };
    group = parts[1]!;
    if (parts.length === 2) return { kind: 'discovery', legacy: false, group };
    version = parts[2];
    rest = parts.slice(3);
    if (rest.length === 0) return { kind: 'discovery', legacy: false, group, version };
  } else {
    return { kind: 'other', path: pathname };
  }
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // /namespaces/{ns}/{resource}...; but /namespaces/{name}[/status|/finalize] is the namespace itself
  if (rest[0] === 'namespaces' && rest.length >= 3 && !['status', 'finalize'].includes(rest[2]!)) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  const info = resourceByPath(group, version!, resource ?? '');
  if (!info || extra.length > 0 || (namespace !== undefined && !info.namespaced)) throw pathNotFound();
  const req: ResourceRequest = { kind: 'resource', info, group, version: version!, legacyWatch };
  if (namespace !== undefined) req.namespace = namespace;
  if (name !== undefined) req.name = name;
  if (subresource !== undefined) req.subresource = subresource;
  return req;
}
