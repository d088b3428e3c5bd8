// docs/container-fields.md and the create-request rules must name the same fields with the same fates, and every
// field of the API spec's ContainerConfig, HostConfig (with Resources) and EndpointSettings must be in both.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FIELD_SECTIONS } from './create-request.ts';

const DOC = new URL('../../docs/container-fields.md', import.meta.url);
// The Docker Engine API spec (1.55), vendored from moby with its license: the field table must cover all of it.
const SWAGGER = new URL('../../spec/docker-engine-api/swagger.yaml', import.meta.url);

function docTable(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const m = /^\| `([^`]+)` \| ([^|]+) \|/.exec(line);
    if (m)
      rows.set(
        m[1],
        m[2].split(',').map((f) => f.trim()),
      );
  }
  return rows;
}

function ruleTable(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const [section, rules] of Object.entries(FIELD_SECTIONS)) {
    for (const [key, rule] of Object.entries(rules)) rows.set(`${section}.${key}`, [...rule.fates]);
  }
  return rows;
}

/** Property names of a definition in the swagger file (the definitions it allOf-includes by $ref too). */
function swaggerProperties(yaml: string, definition: string): string[] {
  const lines = yaml.split('\n');
  const start = lines.indexOf(`  ${definition}:`);
  assert.notEqual(start, -1, `no definition ${definition}`);
  const names: string[] = [];
  let propIndent = -1;
  for (let i = start + 1; i < lines.length && !/^ {2}\S/.test(lines[i]); i++) {
    const line = lines[i];
    const ref = /^\s+- \$ref: "#\/definitions\/(\w+)"/.exec(line);
    if (ref) names.push(...swaggerProperties(yaml, ref[1]));
    const props = /^(\s+)properties:\s*$/.exec(line);
    if (props && (propIndent === -1 || props[1].length + 2 <= propIndent)) {
      propIndent = props[1].length + 2;
      continue;
    }
    if (propIndent > 0) {
      const m = /^(\s+)([A-Za-z]\w*):\s*$/.exec(line);
      if (m && m[1].length === propIndent) names.push(m[2]);
    }
  }
  return names;
}

describe('docs/container-fields.md', () => {
  it('lists exactly the fields the rules handle, with the same fates', () => {
    const doc = docTable();
    const rules = ruleTable();
    assert.deepEqual(
      [...doc.keys()].filter((k) => !rules.has(k)),
      [],
      'in the doc but not handled by create-request',
    );
    assert.deepEqual(
      [...rules.keys()].filter((k) => !doc.has(k)),
      [],
      'handled by create-request but not in the doc',
    );
    for (const [field, fates] of rules) assert.deepEqual(doc.get(field), fates, `fates of ${field}`);
  });

  it('covers every field of the API spec', () => {
    const yaml = readFileSync(SWAGGER, 'utf8');
    const rules = ruleTable();
    const missing = [
      ...swaggerProperties(yaml, 'ContainerConfig').map((p) => `Config.${p}`),
      ...swaggerProperties(yaml, 'HostConfig').map((p) => `HostConfig.${p}`),
      ...swaggerProperties(yaml, 'NetworkingConfig').map((p) => `NetworkingConfig.${p}`),
      ...swaggerProperties(yaml, 'EndpointSettings').map((p) => `EndpointSettings.${p}`),
    ].filter((f) => !rules.has(f));
    assert.deepEqual(missing, []);
    assert.ok(rules.has('HostConfig.NanoCpus') && rules.has('Config.Healthcheck'));
  });
});
