// A container's environment as kubelet makeEnvironmentVariables builds it: service links,
// envFrom, then env (later wins), with $(VAR) expansion against what is defined so far.
import type { KubeObject, ObjectStore } from '../store/types.ts';
import { fieldRefValue, type RuntimeFacts, resourceFieldValue } from './downward.ts';
import { expand } from './expansion.ts';
import type { Container, Pod } from './types.ts';

/** CreateContainerConfigError: a missing ConfigMap, Secret or key the container needs. */
export class ConfigError extends Error {}

interface Service extends KubeObject {
  spec?: { clusterIP?: string; ports?: { name?: string; port: number; protocol?: string }[] };
}

function envName(s: string): string {
  return s.toUpperCase().replace(/-/g, '_');
}

/** Docker-links-style variables for one service (pkg/kubelet/envvars). */
export function serviceEnv(svc: Service): [string, string][] {
  const ip = svc.spec?.clusterIP;
  const ports = svc.spec?.ports ?? [];
  if (!ip || ip === 'None' || ports.length === 0) return [];
  const name = envName(svc.metadata.name ?? '');
  const out: [string, string][] = [
    [`${name}_SERVICE_HOST`, ip],
    [`${name}_SERVICE_PORT`, String(ports[0].port)],
  ];
  for (const p of ports) if (p.name) out.push([`${name}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  const first = ports[0];
  out.push([`${name}_PORT`, `${(first.protocol ?? 'TCP').toLowerCase()}://${ip}:${first.port}`]);
  for (const p of ports) {
    const proto = p.protocol ?? 'TCP';
    const prefix = `${name}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push([prefix, `${proto.toLowerCase()}://${ip}:${p.port}`]);
    out.push([`${prefix}_PROTO`, proto.toLowerCase()]);
    out.push([`${prefix}_PORT`, String(p.port)]);
    out.push([`${prefix}_ADDR`, ip]);
  }
  return out;
}

function serviceLinks(store: ObjectStore, pod: Pod): Map<string, string> {
  const m = new Map<string, string>();
  const ns = pod.metadata.namespace ?? 'default';
  const services: Service[] = [];
  if (pod.spec.enableServiceLinks !== false) services.push(...store.list<Service>('services', ns).items);
  if (ns !== 'default' || pod.spec.enableServiceLinks === false) {
    const k = store.get<Service>('services', 'default', 'kubernetes');
    if (k) services.push(k);
  }
  for (const s of services) for (const [k, v] of serviceEnv(s)) m.set(k, v);
  return m;
}

function dataOf(obj: KubeObject & { data?: Record<string, string> }, secret: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj.data ?? {})) out[k] = secret ? Buffer.from(v, 'base64').toString('utf8') : v;
  return out;
}

/** Returns NAME=value pairs in a stable order; throws ConfigError like the kubelet's CreateContainerConfigError. */
export function buildEnv(store: ObjectStore, pod: Pod, c: Container, facts: RuntimeFacts): [string, string][] {
  const ns = pod.metadata.namespace;
  const env = new Map<string, string>();
  for (const src of c.envFrom ?? []) {
    const prefix = src.prefix ?? '';
    if (src.configMapRef) {
      const cm = store.get('configmaps', ns, src.configMapRef.name);
      if (!cm) {
        if (src.configMapRef.optional) continue;
        throw new ConfigError(`configmap "${src.configMapRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(dataOf(cm, false))) env.set(prefix + k, v);
    } else if (src.secretRef) {
      const s = store.get('secrets', ns, src.secretRef.name);
      if (!s) {
        if (src.secretRef.optional) continue;
        throw new ConfigError(`secret "${src.secretRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(dataOf(s, true))) env.set(prefix + k, v);
    }
  }
  const services = serviceLinks(store, pod);
  const lookup = (name: string) => env.get(name) ?? services.get(name);
  for (const e of c.env ?? []) {
    let value: string | undefined;
    if (e.valueFrom) {
      const vf = e.valueFrom;
      if (vf.fieldRef) value = fieldRefValue(pod, vf.fieldRef, facts);
      else if (vf.resourceFieldRef) value = resourceFieldValue(pod, vf.resourceFieldRef, c);
      else if (vf.configMapKeyRef) {
        const ref = vf.configMapKeyRef;
        const cm = store.get('configmaps', ns, ref.name);
        if (!cm) {
          if (ref.optional) continue;
          throw new ConfigError(`configmap "${ref.name}" not found`);
        }
        value = dataOf(cm, false)[ref.key];
        if (value === undefined) {
          if (ref.optional) continue;
          throw new ConfigError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`);
        }
      } else if (vf.secretKeyRef) {
        const ref = vf.secretKeyRef;
        const s = store.get('secrets', ns, ref.name);
        if (!s) {
          if (ref.optional) continue;
          throw new ConfigError(`secret "${ref.name}" not found`);
        }
        value = dataOf(s, true)[ref.key];
        if (value === undefined) {
          if (ref.optional) continue;
          throw new ConfigError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
        }
      }
    } else value = expand(e.value ?? '', lookup);
    env.set(e.name, value ?? '');
  }
  for (const [k, v] of services) if (!env.has(k)) env.set(k, v);
  return [...env];
}
