// Fates of the ContainerConfig fields of a create request (the top level of the body).

import {
  asBoolean,
  asNumber,
  asObject,
  asString,
  asStringArray,
  asStringMap,
  asStrSlice,
  type FieldRules,
  isAbsolutePath,
  isZero,
  noEffect,
  parsePortKey,
  RECORDED,
  refuse,
} from './field-rules.ts';
import { parseSignal } from './signals.ts';

const HOSTNAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NUMERIC_USER = /^[0-9]+(:[0-9]+)?$/;
const MIN_DURATION_NS = 1_000_000;

function checkHealthcheck(value: unknown, path: string, warn: (m: string) => void): void {
  const hc = asObject(value, path);
  const test = asStringArray(hc.Test, `${path}.Test`);
  if (test.length > 0 && !['NONE', 'CMD', 'CMD-SHELL'].includes(test[0])) {
    refuse(
      `unknown Healthcheck type "${test[0]}": use ["CMD", "<program>", …], ["CMD-SHELL", "<command>"] or ["NONE"]`,
    );
  }
  if (test[0] === 'CMD' && test.length < 2)
    refuse('Healthcheck ["CMD"] needs a program to run: ["CMD", "<program>", …]');
  if (test[0] === 'CMD-SHELL' && test.length !== 2)
    refuse('Healthcheck ["CMD-SHELL", …] takes exactly one command string');
  for (const field of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const) {
    const ns = asNumber(hc[field], `${path}.${field}`);
    if (ns !== 0 && ns < MIN_DURATION_NS) refuse(`${field} in Healthcheck cannot be less than 1ms`);
    if (field !== 'StartPeriod' && ns % 1e9 !== 0) {
      warn(`Healthcheck ${field} ${ns / 1e6}ms is rounded up to whole seconds: Kubernetes probes count in seconds`);
    }
  }
  if (asNumber(hc.Retries, `${path}.Retries`) < 0) refuse('Retries in Healthcheck cannot be negative');
  if (!isZero(hc.StartInterval)) {
    warn('Healthcheck StartInterval has no effect: Kubernetes probes at one interval, also during the start period');
  }
}

export const CONFIG_RULES: FieldRules = {
  Hostname: {
    fates: ['mapped', 'refused'],
    doc: 'pod `spec.hostname` (default: the short ID, as Docker); refused unless an RFC 1123 label',
    check: (value, ctx) => {
      const hostname = asString(value, ctx.path);
      if (hostname !== '' && !HOSTNAME.test(hostname)) {
        refuse(
          `invalid hostname "${hostname}": a pod's hostname must be a lower-case RFC 1123 label (a-z, 0-9 and '-', at most 63 characters); choose such a name or drop --hostname`,
        );
      }
    },
  },
  Domainname: noEffect(
    'warning: the pod domain is the namespace’s cluster domain',
    (_p, v) => `Domainname "${v}" has no effect: a pod's domain name is its cluster domain`,
  ),
  User: {
    fates: ['mapped', 'refused'],
    doc: '`uid` → `securityContext.runAsUser`, `uid:gid` → `runAsUser`+`runAsGroup`; user or group names refused',
    check: (value, ctx) => {
      const user = asString(value, ctx.path);
      if (user !== '' && !NUMERIC_USER.test(user)) {
        refuse(
          `User "${user}" cannot be resolved: Kubernetes runs a container as a numeric user only; use --user <uid>[:<gid>] (an image's own named USER still works when --user is not given)`,
        );
      }
    },
  },
  AttachStdin: RECORDED,
  AttachStdout: RECORDED,
  AttachStderr: RECORDED,
  ExposedPorts: {
    fates: ['mapped', 'refused'],
    doc: 'container `ports[]` (containerPort, protocol); `docker run -P` publishes them; malformed ports refused',
    check: (value, ctx) => {
      for (const key of Object.keys(asObject(value, ctx.path))) parsePortKey(key);
    },
  },
  Tty: { fates: ['mapped'], doc: 'container `tty`', check: (v, ctx) => void asBoolean(v, ctx.path) },
  OpenStdin: { fates: ['mapped'], doc: 'container `stdin`', check: (v, ctx) => void asBoolean(v, ctx.path) },
  StdinOnce: { fates: ['mapped'], doc: 'container `stdinOnce`', check: (v, ctx) => void asBoolean(v, ctx.path) },
  Env: {
    fates: ['mapped', 'refused'],
    doc: 'container `env`, merged over the image’s Env; `NAME` without `=` removes NAME, as Docker; an empty name is refused',
    check: (value, ctx) => {
      for (const entry of asStringArray(value, ctx.path)) {
        if (entry === '' || entry.startsWith('=')) refuse(`invalid environment variable: ${entry}`);
      }
    },
  },
  Cmd: {
    fates: ['mapped'],
    doc: 'container `args` (or `command` when there is no entrypoint); image Cmd used as Docker merges it',
    check: (v, ctx) => void asStrSlice(v, ctx.path),
  },
  Healthcheck: {
    fates: ['mapped', 'warning', 'refused'],
    doc: 'exec `readinessProbe` (Interval→periodSeconds, Timeout→timeoutSeconds, Retries→failureThreshold); State.Health from readiness; StartInterval and sub-second precision warned',
    check: (value, ctx) => {
      if (value !== null && value !== undefined) checkHealthcheck(value, ctx.path, ctx.warn);
    },
  },
  ArgsEscaped: noEffect('warning: Windows only', () => 'ArgsEscaped has no effect: it only applies to Windows'),
  Image: {
    fates: ['mapped', 'refused'],
    doc: 'container `image` (the reference resolved by the engine; digest-pinned); empty refused',
    check: (value, ctx) => {
      if (asString(value, ctx.path).trim() === '') refuse('Config.Image is empty: name the image to run');
    },
  },
  Volumes: {
    fates: ['mapped', 'refused'],
    doc: 'anonymous volume → a PVC named after the container and path, kept across runs, deleted by `rm -v`; relative paths refused',
    check: (value, ctx) => {
      for (const path of Object.keys(asObject(value, ctx.path))) {
        if (!isAbsolutePath(path)) {
          refuse(`invalid mount config for type "volume": invalid mount path: '${path}' mount path must be absolute`);
        }
      }
    },
  },
  WorkingDir: {
    fates: ['mapped', 'refused'],
    doc: 'container `workingDir`; a relative path is refused as by Docker',
    check: (value, ctx) => {
      const dir = asString(value, ctx.path);
      if (dir !== '' && !isAbsolutePath(dir)) {
        refuse(`the working directory '${dir}' is invalid, it needs to be an absolute path`);
      }
    },
  },
  Entrypoint: {
    fates: ['mapped'],
    doc: 'container `command`; `[""]` resets it (no entrypoint, no image Cmd) and `[]` drops only the entrypoint, as Docker',
    check: (v, ctx) => void asStrSlice(v, ctx.path),
  },
  NetworkDisabled: noEffect(
    'warning: every pod has a network interface',
    () => 'NetworkDisabled has no effect: every pod is on the cluster network',
  ),
  MacAddress: noEffect(
    'warning (deprecated field): the cluster network assigns MAC addresses',
    () => 'MacAddress has no effect: the cluster network assigns MAC addresses',
  ),
  OnBuild: noEffect('warning: applies to image builds only', () => 'OnBuild has no effect: it applies to image builds'),
  Labels: {
    fates: ['recorded'],
    doc: 'kept in the record: inspect, ps and `label` filters (not copied to pod labels, whose syntax is narrower)',
    check: (v, ctx) => void asStringMap(v, ctx.path),
  },
  StopSignal: {
    fates: ['mapped', 'warning', 'refused'],
    doc: 'container `lifecycle.stopSignal` where the cluster supports it, else warning unless it equals the image’s; invalid signal refused',
    check: (value, ctx) => {
      const raw = asString(value, ctx.path);
      if (raw === '') return;
      parseSignal(raw);
    },
  },
  StopTimeout: {
    fates: ['mapped', 'refused'],
    doc: 'pod `terminationGracePeriodSeconds` (default 10, as Docker); negative (wait forever) refused',
    check: (value, ctx) => {
      if (value === null || value === undefined) return;
      const t = asNumber(value, ctx.path);
      if (t < 0 || !Number.isInteger(t)) {
        refuse(
          `StopTimeout ${t}: a pod's grace period is a whole number of seconds, 0 or more; give a large --stop-timeout instead of waiting forever`,
        );
      }
    },
  },
  Shell: noEffect('warning: applies to image builds only', () => 'Shell has no effect: it applies to image builds'),
};

/** Keys of the create body that are not ContainerConfig fields. */
export const BODY_EXTRA_RULES: FieldRules = {
  name: {
    fates: ['client-side'],
    doc: 'dockerode mirrors `name` into the body; the name is taken from the `?name=` query only, as by Docker',
  },
};
