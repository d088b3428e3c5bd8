// Fates of the HostConfig fields that are not cgroup resources (those are in resources-fields.ts).

import { isAllowedCapability, normaliseCapability } from './capabilities.ts';
import {
  asArray,
  asBoolean,
  asNumber,
  asObject,
  asString,
  asStringArray,
  asStringMap,
  type FieldRules,
  isIpAddress,
  isZero,
  noEffect,
  parsePortKey,
  refuse,
  refusedUnlessZero,
} from './field-rules.ts';
import { parseBind, parseMount, parseTmpfs, volumeDriverRefusal } from './mounts.ts';
import { unpublishableReason } from './ports.ts';
import { parseRestartPolicy } from './restart-policy.ts';
import { isSafeSysctl, SAFE_SYSCTLS } from './sysctls.ts';
import { parseDockerSize } from './units.ts';

const ALLOWED_CAPS_TEXT =
  'AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT';

const DEFAULT_MASKED_PATHS = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];
const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function namespaceMode(what: string, flag: string, allowed: readonly string[]): FieldRules[string] {
  return {
    fates: ['refused'],
    doc: `only ${allowed.map((a) => (a === '' ? '""' : `"${a}"`)).join('/')}; "host" and "container:<id>" refused`,
    check: (value, ctx) => {
      const mode = asString(value, ctx.path);
      if (allowed.includes(mode)) return;
      if (mode === 'host') {
        refuse(
          `${what} mode "host" is not possible: badidea runs unprivileged pods without host namespaces; drop ${flag}`,
        );
      }
      if (mode.startsWith('container:')) {
        refuse(
          `${what} mode "${mode}" is not possible: a pod cannot join another pod's namespaces; run the processes in one container or talk over a network`,
        );
      }
      refuse(`invalid ${what} mode: ${mode}`);
    },
  };
}

function checkSecurityOpt(opt: string): void {
  const m = /^([a-z-]+)(?:[=:](.*))?$/.exec(opt);
  const key = m?.[1] ?? '';
  const value = m?.[2];
  switch (key) {
    case 'no-new-privileges':
      if (value === undefined || value === 'true') return;
      if (value === 'false') {
        refuse('no-new-privileges cannot be turned off: badidea pods always run with allowPrivilegeEscalation: false');
      }
      break;
    case 'seccomp':
      refuse(
        `security option "${opt}" is not possible: pods run with the RuntimeDefault seccomp profile, which cannot be replaced or disabled`,
      );
      break;
    case 'apparmor':
      refuse(`security option "${opt}" is not possible: pods run with the node's default AppArmor profile`);
      break;
    case 'label':
      refuse(`security option "${opt}" is not possible: SELinux labels of pods are chosen by the cluster`);
      break;
    case 'systempaths':
      refuse(`security option "${opt}" is not possible: /proc and /sys stay masked in unprivileged pods`);
      break;
    case 'writable-cgroups':
      if (value === 'false') return;
      refuse(`security option "${opt}" is not possible: cgroups are read-only in unprivileged pods`);
      break;
  }
  refuse(`Invalid --security-opt: "${opt}"`);
}

export const HOST_CONFIG_RULES: FieldRules = {
  Binds: {
    fates: ['mapped', 'warning', 'refused'],
    doc: '`name:/path[:ro]` → the named volume’s PVC; host paths (and the Docker socket) refused; `z`/`Z`/propagation warned',
    check: (value, ctx) => {
      for (const bind of asStringArray(value, ctx.path)) parseBind(bind, ctx.warn);
    },
  },
  ContainerIDFile: { fates: ['client-side'], doc: 'the Docker CLI writes the file itself' },
  LogConfig: {
    fates: ['mapped', 'warning'],
    doc: '`json-file`/`local`/"" → logs kept by the kubelet and read by `docker logs`; other drivers and log options warned',
    check: (value, ctx) => {
      const lc = asObject(value, ctx.path);
      const type = asString(lc.Type, `${ctx.path}.Type`);
      const options = asStringMap(lc.Config, `${ctx.path}.Config`);
      if (type === 'none') ctx.warn('logging driver "none" has no effect: Kubernetes keeps the container\'s output');
      else if (!['', 'json-file', 'local'].includes(type)) {
        ctx.warn(`logging driver "${type}" is not available: output is kept by Kubernetes and read with docker logs`);
      }
      if (Object.keys(options).length > 0) {
        ctx.warn(`log options (${Object.keys(options).join(', ')}) have no effect: the kubelet rotates container logs`);
      }
    },
  },
  NetworkMode: {
    fates: ['mapped', 'warning', 'refused'],
    doc: '"default"/"bridge" → the default network; a name → that network; "none" warned; "host" and "container:<id>" refused',
    check: (value, ctx) => {
      const mode = asString(value, ctx.path);
      if (mode === 'host') {
        refuse('network mode "host" is not possible: pods run without host networking; publish ports with -p instead');
      }
      if (mode.startsWith('container:')) {
        refuse(
          `network mode "${mode}" is not possible: a pod cannot join another pod's network namespace; put both containers on one network (docker network create) and connect by name`,
        );
      }
      if (mode === 'none') ctx.warn('network mode "none" has no effect: the pod keeps its cluster network interface');
    },
  },
  PortBindings: {
    fates: ['mapped', 'refused'],
    doc: 'published by the engine on the badidea host (HostPort "" or "0" = a free port); shown in NetworkSettings.Ports; malformed ports, a HostIp that is no IP, and UDP/SCTP (no path from outside the cluster) refused',
    check: (value, ctx) => {
      for (const [key, bindings] of Object.entries(asObject(value, ctx.path))) {
        const [, protocol] = parsePortKey(key);
        for (const b of asArray(bindings, `${ctx.path}["${key}"]`)) {
          const binding = asObject(b, ctx.path);
          const hostPort = asString(binding.HostPort, `${ctx.path}["${key}"].HostPort`);
          if (!/^([0-9]{1,5}(-[0-9]{1,5})?)?$/.test(hostPort)) refuse(`invalid port specification: "${hostPort}"`);
          const hostIp = asString(binding.HostIp, `${ctx.path}["${key}"].HostIp`);
          if (hostIp !== '' && !isIpAddress(hostIp)) refuse(`invalid IP address: ${hostIp}`);
          const why = unpublishableReason(
            protocol,
            `${hostIp ? `${hostIp}:` : ''}${hostPort ? `${hostPort}:` : ''}${key}`,
          );
          if (why) refuse(why);
        }
      }
    },
  },
  RestartPolicy: {
    fates: ['mapped', 'refused'],
    doc: 'pod `restartPolicy` (no→Never, always/unless-stopped→Always, on-failure→OnFailure; the engine enforces :N)',
    check: (value, ctx) => void parseRestartPolicy(asObject(value, ctx.path)),
  },
  AutoRemove: {
    fates: ['mapped', 'refused'],
    doc: 'the engine deletes the pods when the container exits; with a restart policy refused as by Docker',
    check: (v, ctx) => void asBoolean(v, ctx.path),
  },
  VolumeDriver: {
    fates: ['refused'],
    doc: '"" or "local" only; volumes are PVCs of the default StorageClass',
    check: (value, ctx) => {
      const driver = asString(value, ctx.path);
      if (driver !== '' && driver !== 'local') volumeDriverRefusal(driver);
    },
  },
  VolumesFrom: refusedUnlessZero(
    'a pod cannot mount another pod’s volumes',
    () =>
      "VolumesFrom (--volumes-from) is not supported: a pod cannot mount another pod's volumes; mount the same named volumes explicitly (-v NAME:/path)",
  ),
  Mounts: {
    fates: ['mapped', 'warning', 'refused'],
    doc: '`volume` → PVC (Subpath → subPath), `tmpfs` → memory emptyDir (SizeBytes → sizeLimit); `bind`, `image`, `npipe`, `cluster` refused',
    check: (value, ctx) => {
      asArray(value, ctx.path).forEach((m, i) => {
        parseMount(m, i, ctx.warn);
      });
    },
  },
  ConsoleSize: {
    fates: ['recorded', 'refused'],
    doc: 'kept; the engine applies it as the first TTY size on attach; not `[h, w]` refused',
    check: (value, ctx) => {
      const size = asArray(value, ctx.path);
      if (size.length !== 0 && (size.length !== 2 || !size.every((n) => typeof n === 'number' && n >= 0))) {
        refuse('invalid value for HostConfig.ConsoleSize: expected [height, width]');
      }
    },
  },
  Annotations: {
    fates: ['mapped', 'refused'],
    doc: 'pod annotations; keys that are not valid Kubernetes annotation keys, or under badidea.dev/, refused',
    check: (value, ctx) => {
      for (const key of Object.keys(asStringMap(value, ctx.path))) {
        const m = /^(?:([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)\/)?([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/.exec(
          key,
        );
        if (!m)
          refuse(
            `annotation "${key}" is not a valid Kubernetes annotation key: use [prefix/]name with letters, digits, '-', '_' and '.'`,
          );
        if (m[1] === 'badidea.dev' || m[1]?.endsWith('.badidea.dev'))
          refuse(`annotation "${key}" is reserved for badidea`);
      }
    },
  },
  CapAdd: {
    fates: ['mapped', 'refused'],
    doc: `container capabilities; only the unprivileged set (${ALLOWED_CAPS_TEXT}); others and ALL refused`,
    check: (value, ctx) => {
      for (const raw of asStringArray(value, ctx.path)) {
        const cap = normaliseCapability(raw);
        if (cap === undefined) refuse(`unknown capability: "${raw}"`);
        if (cap === 'ALL' || !isAllowedCapability(cap)) {
          refuse(
            `capability ${cap} cannot be added: badidea runs unprivileged pods, which may only have ${ALLOWED_CAPS_TEXT}`,
          );
        }
      }
    },
  },
  CapDrop: {
    fates: ['mapped', 'refused'],
    doc: 'removed from the container’s capabilities (ALL drops all); unknown names refused',
    check: (value, ctx) => {
      for (const raw of asStringArray(value, ctx.path)) {
        if (normaliseCapability(raw) === undefined) refuse(`unknown capability: "${raw}"`);
      }
    },
  },
  CgroupnsMode: namespaceMode('cgroup namespace', '--cgroupns host', ['', 'private']),
  Dns: {
    fates: ['mapped', 'warning', 'refused'],
    doc: '`dnsConfig.nameservers`, after the cluster DNS (warning: the cluster DNS answers first); more than 2 or non-IPs refused',
    check: (value, ctx) => {
      const servers = asStringArray(value, ctx.path);
      for (const s of servers) if (!isIpAddress(s)) refuse(`invalid DNS server address: "${s}"`);
      if (servers.length > 2) {
        refuse("at most 2 DNS servers can be added: a pod's resolv.conf holds 3 and the first is the cluster DNS");
      }
      if (servers.length > 0) {
        ctx.warn(
          'DNS servers are added after the cluster DNS server, which answers first (container names keep resolving)',
        );
      }
    },
  },
  DnsOptions: {
    fates: ['mapped'],
    doc: '`dnsConfig.options` (`name[:value]`)',
    check: (v, ctx) => void asStringArray(v, ctx.path),
  },
  DnsSearch: {
    fates: ['mapped'],
    doc: '`dnsConfig.searches`, after the cluster’s own search domains',
    check: (v, ctx) => void asStringArray(v, ctx.path),
  },
  ExtraHosts: {
    fates: ['mapped', 'refused'],
    doc: '`hostAliases`; `host-gateway` and malformed entries refused',
    check: (value, ctx) => {
      for (const entry of asStringArray(value, ctx.path)) {
        const sep = entry.search(/[:=]/);
        if (sep <= 0) refuse(`bad format for add-host: "${entry}"`);
        const ip = entry.slice(sep + 1).replace(/^\[(.*)\]$/, '$1');
        if (ip === 'host-gateway') {
          refuse(
            'add-host "host-gateway" has no meaning for a pod: there is no Docker host; give the IP address or use the DNS name of the service you want to reach',
          );
        }
        if (!isIpAddress(ip)) refuse(`invalid IP address in add-host: "${ip}"`);
      }
    },
  },
  GroupAdd: {
    fates: ['mapped', 'refused'],
    doc: 'numeric groups → pod `securityContext.supplementalGroups`; group names refused',
    check: (value, ctx) => {
      for (const g of asStringArray(value, ctx.path)) {
        if (!/^[0-9]+$/.test(g))
          refuse(`group "${g}" cannot be resolved: Kubernetes adds numeric groups only; use --group-add <gid>`);
      }
    },
  },
  IpcMode: {
    fates: ['warning', 'refused'],
    doc: '""/"private"/"shareable" are what pods get; "none" warned; "host" and "container:<id>" refused',
    check: (value, ctx) => {
      if (asString(value, ctx.path) === 'none') {
        ctx.warn('IPC mode "none" has no effect: /dev/shm stays mounted in a pod');
        return;
      }
      namespaceMode('IPC', '--ipc', ['', 'private', 'shareable']).check?.(value, ctx);
    },
  },
  Cgroup: refusedUnlessZero(
    'cgroups cannot be shared between pods',
    (v) => `Cgroup "${v}" cannot be set: pods cannot share cgroups`,
  ),
  Links: noEffect(
    'warning: containers on one network resolve each other by name and alias',
    () =>
      'Links have no effect: containers on the same network reach each other by name and alias; link aliases and environment variables are not created',
  ),
  OomScoreAdj: noEffect(
    'warning: the kubelet sets the OOM score from the QoS class',
    () => "OomScoreAdj has no effect: the kubelet sets the OOM score from the pod's resources",
  ),
  PidMode: namespaceMode('PID', '--pid host', ['']),
  Privileged: {
    fates: ['refused'],
    doc: 'refused: every container is an unprivileged pod',
    check: (value, ctx) => {
      if (asBoolean(value, ctx.path)) {
        refuse(
          'privileged containers are not possible: badidea runs every container as an unprivileged pod; add the capabilities you need with --cap-add (within the unprivileged set) or ask for GPUs with --gpus',
        );
      }
    },
  },
  PublishAllPorts: {
    fates: ['mapped'],
    doc: 'the engine publishes every exposed port on a free host port',
    check: (v, ctx) => void asBoolean(v, ctx.path),
  },
  ReadonlyRootfs: {
    fates: ['mapped'],
    doc: 'container `securityContext.readOnlyRootFilesystem`',
    check: (v, ctx) => void asBoolean(v, ctx.path),
  },
  SecurityOpt: {
    fates: ['mapped', 'refused'],
    doc: '`no-new-privileges` (always on); seccomp/apparmor/label/systempaths changes refused',
    check: (value, ctx) => {
      for (const opt of asStringArray(value, ctx.path)) checkSecurityOpt(opt);
    },
  },
  StorageOpt: {
    fates: ['mapped', 'refused'],
    doc: '`size` → `ephemeral-storage` limit; other options refused',
    check: (value, ctx) => {
      for (const [key, v] of Object.entries(asStringMap(value, ctx.path))) {
        if (key !== 'size')
          refuse(`storage option "${key}" is not supported: only size is (the pod's ephemeral-storage limit)`);
        if (Number.isNaN(parseDockerSize(v))) refuse(`invalid storage option size: "${v}"`);
      }
    },
  },
  Tmpfs: {
    fates: ['mapped', 'warning'],
    doc: 'memory `emptyDir` (size= → sizeLimit, ro → readOnly); other options warned',
    check: (value, ctx) => {
      for (const [target, options] of Object.entries(asStringMap(value, ctx.path)))
        parseTmpfs(target, options, ctx.warn);
    },
  },
  UTSMode: namespaceMode('UTS', '--uts host', ['']),
  UsernsMode: {
    fates: ['refused'],
    doc: '"" and "host" (pods share the node’s user namespace by default) only',
    check: (value, ctx) => {
      const mode = asString(value, ctx.path);
      if (mode !== '' && mode !== 'host') refuse(`user namespace mode "${mode}" is not supported: drop --userns`);
    },
  },
  ShmSize: {
    fates: ['mapped', 'refused'],
    doc: 'a memory `emptyDir` at /dev/shm with that sizeLimit (0: the runtime’s 64 MB); negative refused',
    check: (value, ctx) => {
      if (asNumber(value, ctx.path) < 0) refuse('SHM size can not be less than 0');
    },
  },
  Sysctls: {
    fates: ['mapped', 'refused'],
    doc: `pod \`securityContext.sysctls\`, the safe set only (${SAFE_SYSCTLS.join(', ')}); others refused`,
    check: (value, ctx) => {
      for (const name of Object.keys(asStringMap(value, ctx.path))) {
        if (!isSafeSysctl(name)) {
          refuse(`sysctl "${name}" is not allowed: unprivileged pods may only set ${SAFE_SYSCTLS.join(', ')}`);
        }
      }
    },
  },
  Runtime: {
    fates: ['refused'],
    doc: '"" or "runc" only: the cluster’s default runtime',
    check: (value, ctx) => {
      const runtime = asString(value, ctx.path);
      if (runtime !== '' && runtime !== 'runc') {
        refuse(
          `runtime "${runtime}" is not available: badidea runs containers with the cluster's default runtime; drop --runtime`,
        );
      }
    },
  },
  Isolation: {
    fates: ['refused'],
    doc: '"" or "default" only; the others are Windows isolation',
    check: (value, ctx) => {
      const isolation = asString(value, ctx.path);
      if (isolation !== '' && isolation !== 'default') refuse(`isolation "${isolation}" is Windows only`);
    },
  },
  MaskedPaths: {
    fates: ['refused'],
    doc: 'null or Docker’s default list only: pods keep the runtime’s masked paths',
    check: (value, ctx) => {
      if (value === null || value === undefined) return;
      if (!sameSet(asStringArray(value, ctx.path), DEFAULT_MASKED_PATHS) || isZero(value)) {
        refuse("MaskedPaths cannot be changed: pods keep the container runtime's masked paths");
      }
    },
  },
  ReadonlyPaths: {
    fates: ['refused'],
    doc: 'null or Docker’s default list only: pods keep the runtime’s read-only paths',
    check: (value, ctx) => {
      if (value === null || value === undefined) return;
      if (!sameSet(asStringArray(value, ctx.path), DEFAULT_READONLY_PATHS) || isZero(value)) {
        refuse("ReadonlyPaths cannot be changed: pods keep the container runtime's read-only paths");
      }
    },
  },
};
