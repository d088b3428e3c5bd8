// Pod defaulting as the API server applies it on create: SetDefaults_Pod/PodSpec/Container
// (pkg/apis/core/v1/defaults.go) plus the admission plugins DefaultTolerationSeconds, Priority and
// ServiceAccount (name only, no token volume), and the qosClass the strategy computes.

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

/** `Always` for `:latest` or no tag (and no digest), else `IfNotPresent`. */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon === -1) return 'Always';
  return image.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

export function defaultContainer(c: J, hostNetwork: boolean): void {
  if (!c || typeof c !== 'object') return;
  if (!c.imagePullPolicy)
    c.imagePullPolicy = typeof c.image === 'string' && c.image ? defaultPullPolicy(c.image) : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of c.ports ?? []) {
    if (!p || typeof p !== 'object') continue;
    p.protocol ??= 'TCP';
    if (hostNetwork && !p.hostPort) p.hostPort = p.containerPort;
  }
  // requests default to limits (SetDefaults_ResourceRequirements behaviour on pods)
  const limits = c.resources.limits;
  if (limits && typeof limits === 'object') {
    c.resources.requests ??= {};
    for (const [k, v] of Object.entries(limits)) c.resources.requests[k] ??= v;
  }
  for (const e of c.env ?? []) {
    const f = e?.valueFrom?.fieldRef;
    if (f) f.apiVersion ??= 'v1';
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
    if (!probe || typeof probe !== 'object') continue;
    probe.timeoutSeconds ??= 1;
    probe.periodSeconds ??= 10;
    probe.successThreshold ??= 1;
    probe.failureThreshold ??= 3;
    if (probe.httpGet) probe.httpGet.scheme ??= 'HTTP';
    if (probe.httpGet) probe.httpGet.path ??= '/';
  }
}

function defaultVolume(v: J): void {
  if (!v || typeof v !== 'object') return;
  if (v.configMap) v.configMap.defaultMode ??= 420;
  if (v.secret) v.secret.defaultMode ??= 420;
  if (v.downwardAPI) v.downwardAPI.defaultMode ??= 420;
  if (v.projected) v.projected.defaultMode ??= 420;
  if (v.hostPath) v.hostPath.type ??= '';
  for (const item of v.downwardAPI?.items ?? []) if (item?.fieldRef) item.fieldRef.apiVersion ??= 'v1';
}

function quantityPresent(r: J, name: string): boolean {
  return r && typeof r === 'object' && r[name] !== undefined;
}

/** Guaranteed / Burstable / BestEffort (pkg/apis/core/helper/qos). */
export function qosClass(spec: J): string {
  const containers: J[] = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c?.resources?.requests ?? {};
    const lim = c?.resources?.limits ?? {};
    for (const name of ['cpu', 'memory']) {
      if (quantityPresent(req, name) || quantityPresent(lim, name)) any = true;
      if (!quantityPresent(lim, name) || (quantityPresent(req, name) && String(req[name]) !== String(lim[name])))
        guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const TOLERATIONS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

export function defaultPod(pod: J): void {
  pod.spec ??= {};
  const spec = pod.spec;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.serviceAccount = spec.serviceAccountName;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const hostNetwork = spec.hostNetwork === true;
  for (const c of spec.containers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.initContainers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c, hostNetwork);
  for (const v of spec.volumes ?? []) defaultVolume(v);
  spec.tolerations ??= [];
  for (const key of TOLERATIONS) {
    const has = spec.tolerations.some((t: J) => t?.key === key && (t.effect === 'NoExecute' || !t.effect));
    if (!has) spec.tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
}

/** The status the API server stores for a new pod (clients' status is ignored on create). */
export function initialPodStatus(pod: J): J {
  return { phase: 'Pending', qosClass: qosClass(pod.spec) };
}
