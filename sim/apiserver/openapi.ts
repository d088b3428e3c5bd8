// A skeleton OpenAPI v3 (no schemas): the root index and, per group-version, the PATCH operations
// tagged with x-kubernetes-group-version-kind and the fieldValidation parameter. That is what kubectl
// reads to decide that validation happens on the server (cli-runtime query_param_verifier_v3.go);
// for strategic merge patches it then falls back to its compiled-in types. /openapi/v2 is 404.
import { RESOURCES, type ResourceInfo } from '../store/resources.ts';
import { pathNotFound } from './status.ts';

function gvPath(info: ResourceInfo): string {
  return info.group ? `apis/${info.group}/${info.version}` : `api/${info.version}`;
}

const patchable = () => RESOURCES.filter((r) => !r.virtual && r.verbs.includes('patch'));

function gvDocument(gv: string) {
  const paths: Record<string, unknown> = {};
  for (const info of patchable().filter((r) => gvPath(r) === gv)) {
    const scope = info.namespaced ? '/namespaces/{namespace}' : '';
    paths[`/${gv}${scope}/${info.resource}/{name}`] = {
      patch: {
        operationId: `patch${info.namespaced ? 'Namespaced' : ''}${info.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: info.group, version: info.version, kind: info.kind },
        parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
          name,
          in: 'query',
          schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
        })),
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.34.0' }, paths, components: { schemas: {} } };
}

export function openapiResponse(path: string): unknown {
  if (path === '/openapi/v3') {
    const gvs = [...new Set(patchable().map(gvPath))];
    return { paths: Object.fromEntries(gvs.map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=sim` }])) };
  }
  if (path.startsWith('/openapi/v3/')) {
    const gv = path.slice('/openapi/v3/'.length);
    if (!patchable().some((r) => gvPath(r) === gv)) throw pathNotFound();
    return gvDocument(gv);
  }
  throw pathNotFound();
}
