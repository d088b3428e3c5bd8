// Label selectors as k8s.io/apimachinery/pkg/labels/selector.go parses them:
// comma = AND; k=v, k==v, k!=v, k in (a,b), k notin (a,b), k, !k, k>n, k<n.
import { badRequest } from '../apiserver/status.ts';

export type LabelOperator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export type LabelSelector = LabelRequirement[];

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function fail(detail: string): never {
  throw badRequest(`unable to parse requirement: ${detail}`);
}

function checkKey(key: string): void {
  if (!KEY.test(key) || key.split('/').pop()!.length > 63) {
    fail(
      `key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
  }
}

function checkValue(v: string, i: number, key: string): void {
  if (v.length > 63 || !VALUE.test(v)) {
    fail(
      `values[${i}][${key}]: Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
  }
}

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function parseRequirement(raw: string): LabelRequirement {
  const s = raw.trim();
  if (s === '') fail(`found '', expected: !, identifier, or 'end of string'`);
  if (s.startsWith('!')) {
    const key = s.slice(1).trim();
    checkKey(key);
    return { key, operator: '!', values: [] };
  }
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(s);
  if (set) {
    const key = set[1]!;
    checkKey(key);
    const values = set[3]!.split(',').map((v) => v.trim());
    values.forEach((v, i) => {
      checkValue(v, i, key);
    });
    return { key, operator: set[2] as 'in' | 'notin', values };
  }
  const op = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(s);
  if (op) {
    const key = op[1]!;
    checkKey(key);
    const value = op[3]!.trim();
    if (op[2] === '>' || op[2] === '<') {
      if (!/^-?\d+$/.test(value)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
      return { key, operator: op[2] === '>' ? 'gt' : 'lt', values: [value] };
    }
    checkValue(value, 0, key);
    return { key, operator: op[2] === '!=' ? '!=' : '=', values: [value] };
  }
  if (/\s/.test(s)) fail(`found '${s.split(/\s+/)[1]}', expected: in, notin, =, ==, !=, gt, lt`);
  checkKey(s);
  return { key: s, operator: 'exists', values: [] };
}

export function parseLabelSelector(selector: string | undefined): LabelSelector {
  if (!selector || selector.trim() === '') return [];
  return splitTop(selector).map(parseRequirement);
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((req) => {
    const has = Object.hasOwn(l, req.key);
    const v = l[req.key];
    switch (req.operator) {
      case '=':
        return has && v === req.values[0];
      case '!=':
        return !has || v !== req.values[0];
      case 'in':
        return has && req.values.includes(v!);
      case 'notin':
        return !has || !req.values.includes(v!);
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v!)) return false;
        const n = Number(v);
        const bound = Number(req.values[0]);
        return req.operator === 'gt' ? n > bound : n < bound;
      }
    }
    return false;
  });
}

/** A metav1.LabelSelector ({matchLabels, matchExpressions}) as used in specs. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export function selectorFromObject(sel: LabelSelectorObject | undefined): LabelSelector {
  const out: LabelSelector = [];
  for (const [key, value] of Object.entries(sel?.matchLabels ?? {})) out.push({ key, operator: '=', values: [value] });
  for (const e of sel?.matchExpressions ?? []) {
    const operator = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[e.operator];
    out.push({ key: e.key, operator, values: e.values ?? [] });
  }
  return out;
}

/** A Service-style selector (map, AND of equalities). An empty map selects nothing for services; callers decide. */
export function selectorFromMap(map: Record<string, string>): LabelSelector {
  return Object.entries(map).map(([key, value]) => ({ key, operator: '=' as const, values: [value] }));
}
