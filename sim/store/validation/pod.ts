// Pod semantic validation: the subset of pkg/apis/core/validation/validation.go (ValidatePodSpec,
// validateContainers, ValidateVolumes) that clients commonly trip over, with the same field paths
// and wording.
import { type FieldError, fieldErr } from './field.ts';
import { inclusiveRange, isDNS1123Label, isValidPortName } from './names.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

function validateVolumes(volumes: J[] | undefined, path: string): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (volumes ?? []).forEach((v, i) => {
    const p = `${path}[${i}]`;
    const sources = VOLUME_SOURCES.filter((s) => v?.[s] !== undefined && v?.[s] !== null);
    if (sources.length === 0) errs.push(fieldErr.required(p, 'must specify a volume type'));
    else if (sources.length > 1)
      errs.push(fieldErr.forbidden(`${p}.${sources[1]}`, 'may not specify more than 1 volume type'));
    if (!v?.name) errs.push(fieldErr.required(`${p}.name`));
    else {
      for (const m of isDNS1123Label(v.name)) errs.push(fieldErr.invalid(`${p}.name`, v.name, m));
      if (names.has(v.name)) errs.push(fieldErr.duplicate(`${p}.name`, v.name));
      names.add(v.name);
    }
    if (v?.persistentVolumeClaim && !v.persistentVolumeClaim.claimName)
      errs.push(fieldErr.required(`${p}.persistentVolumeClaim.claimName`));
    if (v?.hostPath && !v.hostPath.path) errs.push(fieldErr.required(`${p}.hostPath.path`));
  });
  return { errs, names };
}

function validatePorts(ports: J[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = `${path}[${i}]`;
    if (port?.name) {
      for (const m of isValidPortName(port.name)) errs.push(fieldErr.invalid(`${p}.name`, port.name, m));
      if (names.has(port.name)) errs.push(fieldErr.duplicate(`${p}.name`, port.name));
      names.add(port.name);
    }
    if (!port?.containerPort) errs.push(fieldErr.required(`${p}.containerPort`));
    else if (port.containerPort < 1 || port.containerPort > 65535)
      errs.push(fieldErr.invalid(`${p}.containerPort`, port.containerPort, inclusiveRange(1, 65535)));
    if (port?.hostPort !== undefined && port.hostPort !== 0 && (port.hostPort < 1 || port.hostPort > 65535))
      errs.push(fieldErr.invalid(`${p}.hostPort`, port.hostPort, inclusiveRange(1, 65535)));
    if (port?.protocol === undefined || port.protocol === '') errs.push(fieldErr.required(`${p}.protocol`));
    else if (!['SCTP', 'TCP', 'UDP'].includes(port.protocol))
      errs.push(fieldErr.notSupported(`${p}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
  });
  return errs;
}

function validateContainer(c: J, p: string, volumes: Set<string>, seen: Set<string>, ephemeral: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!c?.name) errs.push(fieldErr.required(`${p}.name`));
  else {
    for (const m of isDNS1123Label(c.name)) errs.push(fieldErr.invalid(`${p}.name`, c.name, m));
    if (seen.has(c.name)) errs.push(fieldErr.duplicate(`${p}.name`, c.name));
    seen.add(c.name);
  }
  if (!c?.image) errs.push(fieldErr.required(`${p}.image`));
  else if (c.image !== c.image.trim())
    errs.push(fieldErr.invalid(`${p}.image`, c.image, 'must not have leading or trailing whitespace'));
  if (ephemeral && c?.ports?.length)
    errs.push(fieldErr.forbidden(`${p}.ports`, 'cannot be set for an Ephemeral Container'));
  else errs.push(...validatePorts(c?.ports, `${p}.ports`));
  const mountPaths = new Set<string>();
  (c?.volumeMounts ?? []).forEach((m: J, i: number) => {
    const mp = `${p}.volumeMounts[${i}]`;
    if (!m?.name) errs.push(fieldErr.required(`${mp}.name`));
    else if (!volumes.has(m.name)) errs.push(fieldErr.notFound(`${mp}.name`, m.name));
    if (!m?.mountPath) errs.push(fieldErr.required(`${mp}.mountPath`));
    else if (mountPaths.has(m.mountPath)) errs.push(fieldErr.invalid(`${mp}.mountPath`, m.mountPath, 'must be unique'));
    else mountPaths.add(m.mountPath);
  });
  (c?.env ?? []).forEach((e: J, i: number) => {
    if (!e?.name) errs.push(fieldErr.required(`${p}.env[${i}].name`));
  });
  const policies = ['Always', 'IfNotPresent', 'Never'];
  if (!c?.imagePullPolicy) errs.push(fieldErr.required(`${p}.imagePullPolicy`));
  else if (!policies.includes(c.imagePullPolicy))
    errs.push(fieldErr.notSupported(`${p}.imagePullPolicy`, c.imagePullPolicy, policies));
  const tmp = ['File', 'FallbackToLogsOnError'];
  if (c?.terminationMessagePolicy && !tmp.includes(c.terminationMessagePolicy))
    errs.push(fieldErr.notSupported(`${p}.terminationMessagePolicy`, c.terminationMessagePolicy, tmp));
  return errs;
}

export function validatePodSpec(spec: J, path = 'spec'): FieldError[] {
  const errs: FieldError[] = [];
  const { errs: volErrs, names } = validateVolumes(spec?.volumes, `${path}.volumes`);
  errs.push(...volErrs);
  const seen = new Set<string>();
  const containers: J[] = spec?.containers ?? [];
  if (containers.length === 0) errs.push(fieldErr.required(`${path}.containers`));
  const lists: [string, J[], boolean][] = [
    ['containers', containers, false],
    ['initContainers', spec?.initContainers ?? [], false],
    ['ephemeralContainers', spec?.ephemeralContainers ?? [], true],
  ];
  for (const [name, list, ephemeral] of lists) {
    list.forEach((c, i) => {
      errs.push(...validateContainer(c, `${path}.${name}[${i}]`, names, seen, ephemeral));
    });
  }
  const restart = ['Always', 'OnFailure', 'Never'];
  if (!spec?.restartPolicy) errs.push(fieldErr.required(`${path}.restartPolicy`));
  else if (!restart.includes(spec.restartPolicy))
    errs.push(fieldErr.notSupported(`${path}.restartPolicy`, spec.restartPolicy, restart));
  const dns = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (spec?.dnsPolicy && !dns.includes(spec.dnsPolicy))
    errs.push(fieldErr.notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, dns));
  if (spec?.dnsPolicy === 'None' && !spec?.dnsConfig)
    errs.push(fieldErr.required(`${path}.dnsConfig`, `must provide \`dnsConfig\` when \`dnsPolicy\` is None`));
  if (
    spec?.activeDeadlineSeconds !== undefined &&
    spec.activeDeadlineSeconds !== null &&
    spec.activeDeadlineSeconds < 1
  )
    errs.push(
      fieldErr.invalid(
        `${path}.activeDeadlineSeconds`,
        spec.activeDeadlineSeconds,
        'must be between 1 and 2147483647, inclusive',
      ),
    );
  if (spec?.terminationGracePeriodSeconds < 0)
    errs.push(
      fieldErr.invalid(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, 'must be >= 0'),
    );
  if (spec?.hostname)
    for (const m of isDNS1123Label(spec.hostname)) errs.push(fieldErr.invalid(`${path}.hostname`, spec.hostname, m));
  (spec?.schedulingGates ?? []).forEach((g: J, i: number) => {
    if (!g?.name) errs.push(fieldErr.required(`${path}.schedulingGates[${i}].name`));
  });
  return errs;
}
