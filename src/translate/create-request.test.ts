import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FIELD_SECTIONS, validateCreateRequest } from './create-request.ts';
import type { ContainerCreateRequest } from './docker-types.ts';
import { TranslationError } from './translation-error.ts';

const captured: Record<string, { query: string; body: ContainerCreateRequest }> = JSON.parse(
  readFileSync(new URL('./testdata/captured-create-bodies.json', import.meta.url), 'utf8'),
);

function queryOf(url: string): { name: string | null; platform: string | null } {
  const u = new URL(url, 'http://docker');
  return { name: u.searchParams.get('name'), platform: u.searchParams.get('platform') };
}

describe('validateCreateRequest on bodies captured from real clients', () => {
  // Ryuk's socket bind is left out (badidea serves Ryuk), and the create response says so.
  const warnedOnPurpose: Record<string, RegExp> = {
    'tc_ryuk_fake#0': /Docker socket is not mounted: badidea serves Ryuk/,
  };
  const refusedOnPurpose: Record<string, RegExp> = {
    'volume#1': /bind mount of host path "\/tmp\/cpsrc"/,
  };
  for (const [key, { query, body }] of Object.entries(captured)) {
    it(`${key}: ${refusedOnPurpose[key] ? 'refused' : warnedOnPurpose[key] ? 'accepted with a warning' : 'accepted without warnings'}`, () => {
      const run = () => validateCreateRequest(body, queryOf(query));
      if (refusedOnPurpose[key]) {
        assert.throws(run, (e: unknown) => e instanceof TranslationError && refusedOnPurpose[key].test(e.message));
      } else if (warnedOnPurpose[key]) {
        const r = run();
        assert.equal(r.warnings.length, 1);
        assert.match(r.warnings[0], warnedOnPurpose[key]);
        assert.equal(r.hostConfig.Binds?.length, 0);
      } else {
        assert.deepEqual(run().warnings, []);
      }
    });
  }

  it('normalises the name, Cmd and Entrypoint', () => {
    const r = validateCreateRequest({ Image: 'busybox', Cmd: 'echo hi', Entrypoint: ['sh', '-c'] }, { name: '/web' });
    assert.equal(r.name, 'web');
    assert.deepEqual(r.config.Cmd, ['echo hi']);
    assert.deepEqual(r.config.Entrypoint, ['sh', '-c']);
    assert.deepEqual(r.restartPolicy, { name: 'no' });
    const unnamed = validateCreateRequest({ Image: 'busybox' }, {});
    assert.equal(unnamed.name, undefined);
  });

  it('keeps the platform', () => {
    const r = validateCreateRequest({ Image: 'busybox' }, { platform: 'linux/x86_64' });
    assert.deepEqual(r.platform, { os: 'linux', architecture: 'amd64' });
  });

  it('refuses a body that is not an object', () => {
    assert.throws(() => validateCreateRequest(null, {}), /Config cannot be empty/);
    assert.throws(() => validateCreateRequest([], {}), /Config cannot be empty/);
  });

  it('warns about unknown non-zero fields but accepts zero ones', () => {
    const r = validateCreateRequest({ Image: 'busybox', Bogus: 1, Empty: '', HostConfig: { Nope: true } }, {});
    assert.deepEqual(r.warnings, [
      'unknown field Config.Bogus was ignored: it is not part of the Docker API',
      'unknown field HostConfig.Nope was ignored: it is not part of the Docker API',
    ]);
  });

  it('rejects wrong JSON types with the field path', () => {
    assert.throws(
      () => validateCreateRequest({ Image: 'busybox', Env: 'A=b' }, {}),
      (e: unknown) =>
        e instanceof TranslationError && e.message === 'invalid value for Config.Env: expected an array of strings',
    );
    assert.throws(
      () => validateCreateRequest({ Image: 'busybox', HostConfig: { Memory: '1g' } }, {}),
      /HostConfig.Memory/,
    );
  });
});

type Body = Record<string, unknown>;
const img = (extra: Body = {}, host: Body = {}): Body => ({ Image: 'busybox', ...extra, HostConfig: host });
const ep = (settings: Body): Body => ({ Image: 'busybox', NetworkingConfig: { EndpointsConfig: { net1: settings } } });

/** Every refused field: a body (or query) and the exact 400 message. Keyed by the field table's names. */
const REFUSALS: Record<string, [Body, string, { name?: string; platform?: string }?][]> = {
  'Config.Volumes': [
    [
      img({ Volumes: { data: {} } }),
      `invalid mount config for type "volume": invalid mount path: 'data' mount path must be absolute`,
    ],
  ],
  'query.name': [[img(), 'Invalid container name (a/b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed', { name: 'a/b' }]],
  'query.platform': [
    [img(), 'platform "windows/amd64" is not supported: badidea runs Linux containers', { platform: 'windows/amd64' }],
    [img(), 'invalid platform: "linux/"', { platform: 'linux/' }],
  ],
  'Config.Hostname': [
    [
      img({ Hostname: 'My.Host' }),
      "invalid hostname \"My.Host\": a pod's hostname must be a lower-case RFC 1123 label (a-z, 0-9 and '-', at most 63 characters); choose such a name or drop --hostname",
    ],
  ],
  'Config.User': [
    [
      img({ User: 'postgres' }),
      'User "postgres" cannot be resolved: Kubernetes runs a container as a numeric user only; use --user <uid>[:<gid>] (an image\'s own named USER still works when --user is not given)',
    ],
    [img({ User: '1000:staff' }), /User "1000:staff" cannot be resolved/ as unknown as string],
  ],
  'Config.Env': [[img({ Env: ['=x'] }), 'invalid environment variable: =x']],
  'Config.Healthcheck': [
    [img({ Healthcheck: { Test: ['CMD'] } }), 'Healthcheck ["CMD"] needs a program to run: ["CMD", "<program>", …]'],
    [
      img({ Healthcheck: { Test: ['CMD-SHELL', 'a', 'b'] } }),
      'Healthcheck ["CMD-SHELL", …] takes exactly one command string',
    ],
    [
      img({ Healthcheck: { Test: ['SHELL', 'x'] } }),
      'unknown Healthcheck type "SHELL": use ["CMD", "<program>", …], ["CMD-SHELL", "<command>"] or ["NONE"]',
    ],
    [img({ Healthcheck: { Test: ['NONE'], Interval: 5 } }), 'Interval in Healthcheck cannot be less than 1ms'],
    [img({ Healthcheck: { Timeout: 999_999 } }), 'Timeout in Healthcheck cannot be less than 1ms'],
    [img({ Healthcheck: { StartPeriod: 1 } }), 'StartPeriod in Healthcheck cannot be less than 1ms'],
    [img({ Healthcheck: { StartInterval: 1 } }), 'StartInterval in Healthcheck cannot be less than 1ms'],
    [img({ Healthcheck: { Retries: -1 } }), 'Retries in Healthcheck cannot be negative'],
  ],
  'Config.Image': [[{ Image: '' }, 'Config.Image is empty: name the image to run']],
  'Config.WorkingDir': [
    [img({ WorkingDir: 'tmp' }), "the working directory 'tmp' is invalid, it needs to be an absolute path"],
  ],
  'Config.StopSignal': [[img({ StopSignal: 'NOPE' }), 'Invalid signal: NOPE']],
  'Config.StopTimeout': [
    [
      img({ StopTimeout: -1 }),
      "StopTimeout -1: a pod's grace period is a whole number of seconds, 0 or more; give a large --stop-timeout instead of waiting forever",
    ],
  ],
  'HostConfig.Binds': [
    [
      img({}, { Binds: ['/etc:/host-etc:ro'] }),
      'bind mount of host path "/etc" is not possible: containers run as pods on cluster nodes and cannot see this machine\'s files; use a named volume (-v NAME:/host-etc) and docker cp to copy files in',
    ],
    [
      img({}, { Binds: ['/var/run/docker.sock:/var/run/docker.sock:rw'] }),
      'binding the Docker socket (/var/run/docker.sock) is not possible: badidea is not a Docker daemon on the node (Testcontainers’ Ryuk needs no socket: badidea serves it)',
    ],
    [img({}, { Binds: ['vol'] }), "invalid volume specification: 'vol'"],
    [img({}, { Binds: ['vol:/data:bogus'] }), 'invalid mode: bogus'],
    [img({}, { Binds: ['vol:data'] }), "invalid volume specification: 'vol:data': mount path must be absolute"],
    [
      img({}, { Binds: ['v!:/data'] }),
      '"v!" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path',
    ],
  ],
  'HostConfig.NetworkMode': [
    [
      img({}, { NetworkMode: 'host' }),
      'network mode "host" is not possible: pods run without host networking; publish ports with -p instead',
    ],
    [
      img({}, { NetworkMode: 'container:db' }),
      'network mode "container:db" is not possible: a pod cannot join another pod\'s network namespace; put both containers on one network (docker network create) and connect by name',
    ],
  ],
  'HostConfig.PortBindings': [
    [img({}, { PortBindings: { 'http/tcp': [] } }), 'invalid port specification: "http/tcp"'],
    [img({}, { PortBindings: { '80/tcp': [{ HostPort: 'x' }] } }), 'invalid port specification: "x"'],
  ],
  'Config.ExposedPorts': [[img({ ExposedPorts: { '70000/tcp': {} } }), 'invalid port specification: "70000/tcp"']],
  'HostConfig.RestartPolicy': [
    [
      img({}, { RestartPolicy: { Name: 'sometimes' } }),
      "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
    ],
  ],
  'HostConfig.AutoRemove': [
    [
      img({}, { AutoRemove: true, RestartPolicy: { Name: 'always' } }),
      "can't create 'AutoRemove' container with restart policy",
    ],
  ],
  'HostConfig.VolumeDriver': [
    [
      img({}, { VolumeDriver: 'nfs' }),
      'volume driver "nfs" is not available: volumes are PersistentVolumeClaims of the cluster\'s default StorageClass; drop the driver',
    ],
  ],
  'HostConfig.VolumesFrom': [
    [
      img({}, { VolumesFrom: ['other'] }),
      "VolumesFrom (--volumes-from) is not supported: a pod cannot mount another pod's volumes; mount the same named volumes explicitly (-v NAME:/path)",
    ],
  ],
  'HostConfig.Mounts': [
    [
      img({}, { Mounts: [{ Type: 'bind', Source: '/srv', Target: '/srv' }] }),
      /bind mount of host path "\/srv"/ as unknown as string,
    ],
    [
      img({}, { Mounts: [{ Type: 'image', Source: 'alpine', Target: '/img' }] }),
      'mount type "image" (/img) is not supported: copy the files into your image or into a volume',
    ],
    [img({}, { Mounts: [{ Type: 'npipe', Source: 'x', Target: '/p' }] }), 'mount type "npipe" is Windows only'],
    [
      img({}, { Mounts: [{ Type: 'cluster', Source: 'x', Target: '/c' }] }),
      'mount type "cluster" needs Docker Swarm: use a named volume',
    ],
    [img({}, { Mounts: [{ Type: 'weird', Target: '/w' }] }), 'invalid mount config: mount type unknown: "weird"'],
    [
      img({}, { Mounts: [{ Type: 'volume', Source: 'vol', Target: 'rel' }] }),
      'invalid mount config for type "volume": invalid mount path: \'rel\' mount path must be absolute',
    ],
    [
      img({}, { Mounts: [{ Type: 'tmpfs', Source: 'x', Target: '/t' }] }),
      'invalid mount config for type "tmpfs": Source must not be specified',
    ],
    [
      img({}, { Mounts: [{ Type: 'volume', Source: 'vol', Target: '/v', VolumeOptions: { Subpath: '../x' } }] }),
      'invalid mount config: volume subpath "../x" must be relative without any back traversals',
    ],
    [
      img(
        {},
        { Mounts: [{ Type: 'volume', Source: 'vol', Target: '/v', VolumeOptions: { DriverConfig: { Name: 'nfs' } } }] },
      ),
      /volume driver "nfs" is not available/ as unknown as string,
    ],
    [
      img({}, { Mounts: [{ Type: 'volume', Source: 'vol', Target: '/v', Consistency: 'weird' }] }),
      'invalid mount config: unknown consistency "weird"',
    ],
  ],
  'HostConfig.ConsoleSize': [
    [img({}, { ConsoleSize: [1] }), 'invalid value for HostConfig.ConsoleSize: expected [height, width]'],
  ],
  'HostConfig.Annotations': [
    [
      img({}, { Annotations: { 'bad key': 'x' } }),
      "annotation \"bad key\" is not a valid Kubernetes annotation key: use [prefix/]name with letters, digits, '-', '_' and '.'",
    ],
    [img({}, { Annotations: { 'badidea.dev/id': 'x' } }), 'annotation "badidea.dev/id" is reserved for badidea'],
  ],
  'HostConfig.CapAdd': [
    [
      img({}, { CapAdd: ['SYS_ADMIN'] }),
      'capability SYS_ADMIN cannot be added: badidea runs unprivileged pods, which may only have AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT',
    ],
    [img({}, { CapAdd: ['ALL'] }), /capability ALL cannot be added/ as unknown as string],
    [img({}, { CapAdd: ['CAP_NET_RAW'] }), /capability NET_RAW cannot be added/ as unknown as string],
    [img({}, { CapAdd: ['FLY'] }), 'unknown capability: "FLY"'],
  ],
  'HostConfig.CapDrop': [[img({}, { CapDrop: ['FLY'] }), 'unknown capability: "FLY"']],
  'HostConfig.CgroupnsMode': [
    [
      img({}, { CgroupnsMode: 'host' }),
      'cgroup namespace mode "host" is not possible: badidea runs unprivileged pods without host namespaces; drop --cgroupns host',
    ],
    [img({}, { CgroupnsMode: 'weird' }), 'invalid cgroup namespace mode: weird'],
  ],
  'HostConfig.Dns': [
    [img({}, { Dns: ['dns.example'] }), 'invalid DNS server address: "dns.example"'],
    [
      img({}, { Dns: ['1.1.1.1', '8.8.8.8', '9.9.9.9'] }),
      "at most 2 DNS servers can be added: a pod's resolv.conf holds 3 and the first is the cluster DNS",
    ],
  ],
  'HostConfig.ExtraHosts': [
    [img({}, { ExtraHosts: ['nohost'] }), 'bad format for add-host: "nohost"'],
    [img({}, { ExtraHosts: ['db:300.1.1.1'] }), 'invalid IP address in add-host: "300.1.1.1"'],
    [
      img({}, { ExtraHosts: ['host.docker.internal:host-gateway'] }),
      'add-host "host-gateway" has no meaning for a pod: there is no Docker host; give the IP address or use the DNS name of the service you want to reach',
    ],
  ],
  'HostConfig.GroupAdd': [
    [
      img({}, { GroupAdd: ['audio'] }),
      'group "audio" cannot be resolved: Kubernetes adds numeric groups only; use --group-add <gid>',
    ],
  ],
  'HostConfig.IpcMode': [
    [
      img({}, { IpcMode: 'host' }),
      'IPC mode "host" is not possible: badidea runs unprivileged pods without host namespaces; drop --ipc',
    ],
    [
      img({}, { IpcMode: 'container:db' }),
      'IPC mode "container:db" is not possible: a pod cannot join another pod\'s namespaces; run the processes in one container or talk over a network',
    ],
  ],
  'HostConfig.Cgroup': [
    [img({}, { Cgroup: 'container:x' }), 'Cgroup "container:x" cannot be set: pods cannot share cgroups'],
  ],
  'HostConfig.PidMode': [
    [
      img({}, { PidMode: 'host' }),
      'PID mode "host" is not possible: badidea runs unprivileged pods without host namespaces; drop --pid host',
    ],
    [img({}, { PidMode: 'container:x' }), /PID mode "container:x" is not possible/ as unknown as string],
  ],
  'HostConfig.Privileged': [
    [
      img({}, { Privileged: true }),
      'privileged containers are not possible: badidea runs every container as an unprivileged pod; add the capabilities you need with --cap-add (within the unprivileged set) or ask for GPUs with --gpus',
    ],
  ],
  'HostConfig.SecurityOpt': [
    [
      img({}, { SecurityOpt: ['seccomp=unconfined'] }),
      'security option "seccomp=unconfined" is not possible: pods run with the RuntimeDefault seccomp profile, which cannot be replaced or disabled',
    ],
    [
      img({}, { SecurityOpt: ['apparmor=unconfined'] }),
      'security option "apparmor=unconfined" is not possible: pods run with the node\'s default AppArmor profile',
    ],
    [
      img({}, { SecurityOpt: ['label=disable'] }),
      'security option "label=disable" is not possible: SELinux labels of pods are chosen by the cluster',
    ],
    [
      img({}, { SecurityOpt: ['systempaths=unconfined'] }),
      'security option "systempaths=unconfined" is not possible: /proc and /sys stay masked in unprivileged pods',
    ],
    [
      img({}, { SecurityOpt: ['no-new-privileges:false'] }),
      'no-new-privileges cannot be turned off: badidea pods always run with allowPrivilegeEscalation: false',
    ],
    [
      img({}, { SecurityOpt: ['writable-cgroups=true'] }),
      'security option "writable-cgroups=true" is not possible: cgroups are read-only in unprivileged pods',
    ],
    [img({}, { SecurityOpt: ['bogus'] }), 'Invalid --security-opt: "bogus"'],
  ],
  'HostConfig.StorageOpt': [
    [
      img({}, { StorageOpt: { dm: 'x' } }),
      'storage option "dm" is not supported: only size is (the pod\'s ephemeral-storage limit)',
    ],
    [img({}, { StorageOpt: { size: 'big' } }), 'invalid storage option size: "big"'],
  ],
  'HostConfig.UTSMode': [
    [
      img({}, { UTSMode: 'host' }),
      'UTS mode "host" is not possible: badidea runs unprivileged pods without host namespaces; drop --uts host',
    ],
  ],
  'HostConfig.UsernsMode': [
    [img({}, { UsernsMode: 'private' }), 'user namespace mode "private" is not supported: drop --userns'],
  ],
  'HostConfig.ShmSize': [[img({}, { ShmSize: -1 }), 'SHM size can not be less than 0']],
  'HostConfig.Sysctls': [
    [
      img({}, { Sysctls: { 'net.core.somaxconn': '1024' } }),
      'sysctl "net.core.somaxconn" is not allowed: unprivileged pods may only set kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_local_reserved_ports, net.ipv4.ip_unprivileged_port_start, net.ipv4.ping_group_range, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_rmem, net.ipv4.tcp_syncookies, net.ipv4.tcp_wmem',
    ],
  ],
  'HostConfig.Runtime': [
    [
      img({}, { Runtime: 'runsc' }),
      'runtime "runsc" is not available: badidea runs containers with the cluster\'s default runtime; drop --runtime',
    ],
  ],
  'HostConfig.Isolation': [[img({}, { Isolation: 'hyperv' }), 'isolation "hyperv" is Windows only']],
  'HostConfig.MaskedPaths': [
    [img({}, { MaskedPaths: [] }), "MaskedPaths cannot be changed: pods keep the container runtime's masked paths"],
  ],
  'HostConfig.ReadonlyPaths': [
    [
      img({}, { ReadonlyPaths: ['/proc/bus'] }),
      "ReadonlyPaths cannot be changed: pods keep the container runtime's read-only paths",
    ],
  ],
  'HostConfig.CpuShares': [[img({}, { CpuShares: -2 }), 'CpuShares cannot be negative']],
  'HostConfig.Memory': [[img({}, { Memory: 1024 }), 'Minimum memory limit allowed is 6MB']],
  'HostConfig.CgroupParent': [
    [img({}, { CgroupParent: '/x' }), 'CgroupParent "/x" cannot be set: the kubelet places pods in its own cgroups'],
  ],
  'HostConfig.CpuPeriod': [
    [
      img({}, { CpuPeriod: 10 }),
      'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)',
    ],
    [img({}, { CpuPeriod: 100000, NanoCpus: 1e9 }), 'Conflicting options: Nano CPUs and CPU Period cannot both be set'],
  ],
  'HostConfig.CpuQuota': [
    [img({}, { CpuQuota: 10 }), 'CPU cfs quota can not be less than 1ms (i.e. 1000)'],
    [img({}, { CpuQuota: 50000, NanoCpus: 1e9 }), 'Conflicting options: Nano CPUs and CPU Quota cannot both be set'],
  ],
  'HostConfig.CpuRealtimePeriod': [
    [
      img({}, { CpuRealtimePeriod: 1000 }),
      'real-time CPU scheduling (CpuRealtimePeriod) is not possible in an unprivileged pod',
    ],
  ],
  'HostConfig.CpuRealtimeRuntime': [
    [
      img({}, { CpuRealtimeRuntime: 1000 }),
      'real-time CPU scheduling (CpuRealtimeRuntime) is not possible in an unprivileged pod',
    ],
  ],
  'HostConfig.Devices': [
    [
      img({}, { Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }] }),
      'devices cannot be added: unprivileged pods have no access to host devices; for GPUs use --gpus N',
    ],
  ],
  'HostConfig.DeviceCgroupRules': [
    [
      img({}, { DeviceCgroupRules: ['c 1:3 mr'] }),
      'device cgroup rules cannot be set: unprivileged pods have no access to host devices',
    ],
  ],
  'HostConfig.DeviceRequests': [
    [
      img({}, { DeviceRequests: [{ Driver: '', Count: -1, Capabilities: [['gpu']] }] }),
      '--gpus all is not possible: a pod asks for a number of GPUs; use --gpus N',
    ],
    [
      img({}, { DeviceRequests: [{ Driver: 'nvidia', DeviceIDs: ['0'], Capabilities: [['gpu']] }] }),
      'choosing GPUs by ID (--gpus device=…) is not possible: a pod asks for a number of GPUs; use --gpus N',
    ],
    [
      img({}, { DeviceRequests: [{ Driver: 'fpga', Count: 1 }] }),
      'device request for driver "fpga" is not supported: only GPUs (--gpus N) are',
    ],
    [img({}, { DeviceRequests: [{ Driver: 'nvidia', Count: 0 }] }), 'a GPU request needs a count: use --gpus N'],
  ],
  'HostConfig.MemoryReservation': [
    [
      img({}, { Memory: 64 << 20, MemoryReservation: 128 << 20 }),
      'Minimum memory limit can not be less than memory reservation limit, see usage',
    ],
    [img({}, { MemoryReservation: -1 }), 'MemoryReservation cannot be negative'],
  ],
  'HostConfig.MemorySwap': [
    [
      img({}, { Memory: 64 << 20, MemorySwap: 32 << 20 }),
      'Minimum memoryswap limit should be larger than memory limit, see usage',
    ],
  ],
  'HostConfig.NanoCpus': [[img({}, { NanoCpus: 1000 }), 'Range of CPUs is from 0.01 to the number of CPUs available']],
  'EndpointSettings.IPAMConfig': [
    [
      ep({ IPAMConfig: { IPv4Address: '10.0.0.5' } }),
      'static IP addresses (--ip, --ip6, --link-local-ip) are not possible: the cluster network assigns pod IPs',
    ],
  ],
};

describe('every refused field refuses with its message', () => {
  for (const [field, cases] of Object.entries(REFUSALS)) {
    for (const [body, message, query] of cases) {
      it(`${field}: ${message}`, () => {
        assert.throws(
          () => validateCreateRequest(body, query ?? {}),
          (e: unknown) =>
            e instanceof TranslationError &&
            e.kind === 'invalid' &&
            (typeof message === 'string' ? e.message === message : (message as RegExp).test(e.message)),
        );
      });
    }
  }

  it('has a refusal test for every field whose fates include "refused"', () => {
    const refusedFields = Object.entries(FIELD_SECTIONS).flatMap(([section, rules]) =>
      Object.entries(rules)
        .filter(([, rule]) => rule.fates.includes('refused'))
        .map(([key]) => `${section}.${key}`),
    );
    assert.deepEqual(
      refusedFields.filter((f) => !(f in REFUSALS)),
      [],
      'add a case to REFUSALS for these refused fields',
    );
    assert.deepEqual(
      Object.keys(REFUSALS).filter((f) => !refusedFields.includes(f)),
      [],
      'REFUSALS names fields whose fates do not include "refused"',
    );
  });
});

/** Every field with a "warning" fate: a body and the warning it produces. */
const WARNINGS: Record<string, [Body, string, { name?: string; platform?: string }?][]> = {
  'query.platform': [
    [
      img(),
      'platform variant "v7" is not checked: nodes are chosen by architecture only',
      { platform: 'linux/arm/v7' },
    ],
  ],
  'Config.Domainname': [
    [
      img({ Domainname: 'example.com' }),
      'Domainname "example.com" has no effect: a pod\'s domain name is its cluster domain',
    ],
  ],
  'Config.Healthcheck': [
    [
      img({ Healthcheck: { Test: ['CMD', 'true'], StartInterval: 2e9 } }),
      'Healthcheck StartInterval has no effect: Kubernetes probes at one interval, also during the start period',
    ],
    [
      img({ Healthcheck: { Test: ['CMD', 'true'], Interval: 1.5e9 } }),
      'Healthcheck Interval 1500ms is rounded up to whole seconds: Kubernetes probes count in seconds',
    ],
  ],
  'Config.ArgsEscaped': [[img({ ArgsEscaped: true }), 'ArgsEscaped has no effect: it only applies to Windows']],
  'Config.NetworkDisabled': [
    [img({ NetworkDisabled: true }), 'NetworkDisabled has no effect: every pod is on the cluster network'],
  ],
  'Config.MacAddress': [
    [img({ MacAddress: '02:42:ac:11:00:02' }), 'MacAddress has no effect: the cluster network assigns MAC addresses'],
  ],
  'Config.OnBuild': [[img({ OnBuild: ['RUN x'] }), 'OnBuild has no effect: it applies to image builds']],
  'Config.StopSignal': [],
  'Config.Shell': [[img({ Shell: ['/bin/bash', '-c'] }), 'Shell has no effect: it applies to image builds']],
  'HostConfig.Binds': [
    [img({}, { Binds: ['v1:/data:Z'] }), 'volume option "Z" for /data has no effect: pods get no SELinux relabelling'],
    [img({}, { Binds: ['v1:/data:rshared'] }), 'mount propagation "rshared" for /data has no effect on a volume'],
  ],
  'HostConfig.LogConfig': [
    [
      img({}, { LogConfig: { Type: 'syslog', Config: {} } }),
      'logging driver "syslog" is not available: output is kept by Kubernetes and read with docker logs',
    ],
    [
      img({}, { LogConfig: { Type: 'none' } }),
      'logging driver "none" has no effect: Kubernetes keeps the container\'s output',
    ],
    [
      img({}, { LogConfig: { Type: 'json-file', Config: { 'max-size': '10m' } } }),
      'log options (max-size) have no effect: the kubelet rotates container logs',
    ],
  ],
  'HostConfig.NetworkMode': [
    [
      img({}, { NetworkMode: 'none' }),
      'network mode "none" has no effect: the pod keeps its cluster network interface',
    ],
  ],
  'HostConfig.Mounts': [
    [
      img({}, { Mounts: [{ Type: 'tmpfs', Target: '/t', TmpfsOptions: { Mode: 0o700 } }] }),
      'tmpfs mode for /t has no effect: memory volumes are world-writable',
    ],
    [
      img({}, { Mounts: [{ Type: 'tmpfs', Target: '/t', TmpfsOptions: { Options: [['noexec']] } }] }),
      'tmpfs options for /t have no effect: Kubernetes memory volumes only take a size',
    ],
    [
      img(
        {},
        {
          Mounts: [
            { Type: 'volume', Source: 'vol', Target: '/v', VolumeOptions: { DriverConfig: { Options: { o: 'x' } } } },
          ],
        },
      ),
      "volume driver options for /v have no effect: volumes use the cluster's default StorageClass",
    ],
  ],
  'HostConfig.Dns': [
    [
      img({}, { Dns: ['1.1.1.1'] }),
      'DNS servers are added after the cluster DNS server, which answers first (container names keep resolving)',
    ],
  ],
  'HostConfig.IpcMode': [
    [img({}, { IpcMode: 'none' }), 'IPC mode "none" has no effect: /dev/shm stays mounted in a pod'],
  ],
  'HostConfig.Links': [
    [
      img({}, { Links: ['db:db'] }),
      'Links have no effect: containers on the same network reach each other by name and alias; link aliases and environment variables are not created',
    ],
  ],
  'HostConfig.OomScoreAdj': [
    [
      img({}, { OomScoreAdj: 500 }),
      "OomScoreAdj has no effect: the kubelet sets the OOM score from the pod's resources",
    ],
  ],
  'HostConfig.Tmpfs': [
    [
      img({}, { Tmpfs: { '/run': 'rw,noexec,nosuid,size=65536k' } }),
      'tmpfs options noexec,nosuid for /run have no effect: Kubernetes memory volumes only take a size',
    ],
  ],
  'HostConfig.BlkioWeight': [
    [img({}, { BlkioWeight: 300 }), 'BlkioWeight has no effect: Kubernetes has no block IO limits'],
  ],
  'HostConfig.BlkioWeightDevice': [
    [img({}, { BlkioWeightDevice: [{}] }), 'BlkioWeightDevice has no effect: Kubernetes has no block IO limits'],
  ],
  'HostConfig.BlkioDeviceReadBps': [
    [img({}, { BlkioDeviceReadBps: [{}] }), 'BlkioDeviceReadBps has no effect: Kubernetes has no block IO limits'],
  ],
  'HostConfig.BlkioDeviceWriteBps': [
    [img({}, { BlkioDeviceWriteBps: [{}] }), 'BlkioDeviceWriteBps has no effect: Kubernetes has no block IO limits'],
  ],
  'HostConfig.BlkioDeviceReadIOps': [
    [img({}, { BlkioDeviceReadIOps: [{}] }), 'BlkioDeviceReadIOps has no effect: Kubernetes has no block IO limits'],
  ],
  'HostConfig.BlkioDeviceWriteIOps': [
    [img({}, { BlkioDeviceWriteIOps: [{}] }), 'BlkioDeviceWriteIOps has no effect: Kubernetes has no block IO limits'],
  ],
  'HostConfig.CpusetCpus': [[img({}, { CpusetCpus: '0-1' }), 'CpusetCpus has no effect: the kubelet chooses CPUs']],
  'HostConfig.CpusetMems': [
    [img({}, { CpusetMems: '0' }), 'CpusetMems has no effect: the kubelet chooses memory nodes'],
  ],
  'HostConfig.DeviceRequests': [
    [
      img({}, { DeviceRequests: [{ Driver: 'nvidia', Count: 1, Options: { a: 'b' } }] }),
      'GPU driver options have no effect: the device plugin configures GPUs',
    ],
  ],
  'HostConfig.MemorySwap': [[img({}, { MemorySwap: -1 }), 'MemorySwap has no effect: pods run without swap']],
  'HostConfig.MemorySwappiness': [
    [img({}, { MemorySwappiness: 60 }), 'MemorySwappiness has no effect: pods run without swap'],
  ],
  'HostConfig.OomKillDisable': [
    [img({}, { OomKillDisable: true }), 'OomKillDisable has no effect: the OOM killer cannot be disabled for a pod'],
  ],
  'HostConfig.PidsLimit': [[img({}, { PidsLimit: 100 }), 'PidsLimit has no effect: the node sets the pod PID limit']],
  'HostConfig.Ulimits': [
    [
      img({}, { Ulimits: [{ Name: 'nofile', Soft: 1, Hard: 2 }] }),
      "Ulimits have no effect: the node's container runtime sets them",
    ],
  ],
  'HostConfig.CpuCount': [[img({}, { CpuCount: 2 }), 'CpuCount has no effect: it only applies to Windows containers']],
  'HostConfig.CpuPercent': [
    [img({}, { CpuPercent: 50 }), 'CpuPercent has no effect: it only applies to Windows containers'],
  ],
  'HostConfig.IOMaximumIOps': [
    [img({}, { IOMaximumIOps: 5 }), 'IOMaximumIOps has no effect: it only applies to Windows containers'],
  ],
  'HostConfig.IOMaximumBandwidth': [
    [img({}, { IOMaximumBandwidth: 5 }), 'IOMaximumBandwidth has no effect: it only applies to Windows containers'],
  ],
  'HostConfig.KernelMemory': [
    [img({}, { KernelMemory: 1 << 20 }), 'KernelMemory has no effect: kernel memory limits are not available'],
  ],
  'HostConfig.KernelMemoryTCP': [
    [img({}, { KernelMemoryTCP: 1 << 20 }), 'KernelMemoryTCP has no effect: kernel memory limits are not available'],
  ],
  'EndpointSettings.Links': [
    [
      ep({ Links: ['a'] }),
      'network links have no effect: containers on the same network reach each other by name and alias',
    ],
  ],
  'EndpointSettings.MacAddress': [
    [ep({ MacAddress: '02:42:ac:11:00:02' }), 'MacAddress has no effect: the cluster network assigns MAC addresses'],
  ],
  'EndpointSettings.DriverOpts': [[ep({ DriverOpts: { a: 'b' } }), 'network driver options have no effect']],
  'EndpointSettings.GwPriority': [
    [ep({ GwPriority: 10 }), 'GwPriority has no effect: a pod has one network interface'],
  ],
};

describe('every warned field warns', () => {
  for (const [field, cases] of Object.entries(WARNINGS)) {
    for (const [body, warning, query] of cases) {
      it(`${field}: ${warning}`, () => {
        assert.ok(validateCreateRequest(body, query ?? {}).warnings.includes(warning));
      });
    }
  }

  it('has a warning test for every field whose fates include "warning"', () => {
    const warnedFields = Object.entries(FIELD_SECTIONS).flatMap(([section, rules]) =>
      Object.entries(rules)
        .filter(([, rule]) => rule.fates.includes('warning'))
        .map(([key]) => `${section}.${key}`),
    );
    assert.deepEqual(
      warnedFields.filter((f) => !(f in WARNINGS)),
      [],
    );
  });
});
