import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateCreateRequest } from './create-request.ts';
import type { ImageConfig } from './docker-types.ts';
import { mergeEnv, mergeImageConfig, pathAndArgs } from './merge-image-config.ts';
import { newContainer, nextGeneration, tombstoneGeneration } from './new-container.ts';
import { healthcheckProbe, startPatch, stopPatch } from './pod-spec.ts';
import { groupContainers, readRecord, renamePatch, START_GATE } from './record.ts';
import { TranslationError } from './translation-error.ts';
import { anonymousVolumeName } from './volumes.ts';

const ID = `1a3c${'0123456789abcdef'.repeat(3)}abcdef012345`;
const busybox: ImageConfig = { Cmd: ['sh'], Env: ['PATH=/bin'] };

function create(body: Record<string, unknown>, image: ImageConfig = busybox, name = 'web') {
  return newContainer({
    id: ID,
    name,
    created: '2026-11-28T16:54:39.618Z',
    request: validateCreateRequest({ Image: 'busybox:local', ...body }, { name }),
    image: { id: 'sha256:7ba6', ref: 'registry.local/busybox@sha256:aa', config: image },
    pod: { namespace: 'ns', claimNameFor: (v) => `vol-${v}` },
  });
}

describe('mergeImageConfig (Docker semantics)', () => {
  const image: ImageConfig = {
    Entrypoint: ['/entry.sh'],
    Cmd: ['serve'],
    Env: ['A=1', 'B=2'],
    User: '1000',
    WorkingDir: '/app',
  };
  const merge = (user: Record<string, unknown>) => mergeImageConfig(user, image, ID);
  it('null entrypoint: image entrypoint and, without Cmd, image Cmd', () => {
    const m = merge({});
    assert.deepEqual([m.Entrypoint, m.Cmd], [['/entry.sh'], ['serve']]);
    const c = merge({ Cmd: ['x'] });
    assert.deepEqual([c.Entrypoint, c.Cmd], [['/entry.sh'], ['x']]);
  });
  it('an empty override [""] drops entrypoint and image Cmd; "No command specified" without Cmd', () => {
    const m = merge({ Entrypoint: [''], Cmd: ['echo', 'hi'] });
    assert.deepEqual([m.Entrypoint, m.Cmd], [null, ['echo', 'hi']]);
    assert.throws(
      () => merge({ Entrypoint: [''] }),
      (e: unknown) => e instanceof TranslationError && e.message === 'No command specified',
    );
  });
  it('[] drops the entrypoint but keeps the image Cmd', () => {
    const m = merge({ Entrypoint: [] });
    assert.deepEqual([m.Entrypoint, m.Cmd], [[], ['serve']]);
  });
  it('a user entrypoint does not take the image Cmd', () => {
    const m = merge({ Entrypoint: ['sh'] });
    assert.deepEqual([m.Entrypoint, m.Cmd], [['sh'], null]);
  });
  it('no command at all is refused', () => {
    assert.throws(() => mergeImageConfig({}, {}, ID), /No command specified/);
  });
  it('merges env, user, workdir, hostname, labels', () => {
    const m = merge({ Env: ['B=3', 'C=4', 'A'], Labels: { l: 'v' } });
    assert.deepEqual(m.Env, ['B=3', 'C=4']);
    assert.equal(m.User, '1000');
    assert.equal(m.WorkingDir, '/app');
    assert.equal(m.Hostname, ID.slice(0, 12));
    assert.deepEqual(m.Labels, { l: 'v' });
    assert.deepEqual(mergeEnv(['A=1'], ['A=2', 'B']), ['A=2']);
  });
  it('Path and Args', () => {
    assert.deepEqual(pathAndArgs({ Entrypoint: ['sh', '-c'], Cmd: ['exit 9'] }), {
      path: 'sh',
      args: ['-c', 'exit 9'],
    });
    assert.deepEqual(pathAndArgs({ Cmd: ['httpd', '-f'] }), { path: 'httpd', args: ['-f'] });
  });
});

describe('newContainer → gated pod', () => {
  it('builds an unprivileged, gated pod carrying the record', () => {
    const { pod, record, warnings } = create({ Cmd: ['httpd', '-f', '-p', '80'], ExposedPorts: { '80/tcp': {} } });
    assert.deepEqual(warnings, []);
    assert.equal(pod.metadata.name, 'web-1a3c01234567');
    assert.equal(pod.metadata.namespace, 'ns');
    assert.deepEqual(pod.spec.schedulingGates, [{ name: START_GATE }]);
    assert.equal(pod.spec.restartPolicy, 'Never');
    assert.equal(pod.spec.terminationGracePeriodSeconds, 10);
    assert.equal(pod.spec.hostname, ID.slice(0, 12));
    assert.equal(pod.spec.automountServiceAccountToken, false);
    assert.equal(pod.spec.enableServiceLinks, false);
    assert.deepEqual(pod.spec.securityContext?.seccompProfile, { type: 'RuntimeDefault' });
    assert.deepEqual(pod.spec.securityContext?.sysctls, [{ name: 'net.ipv4.ping_group_range', value: '0 2147483647' }]);
    const c = pod.spec.containers[0];
    assert.equal(c.image, 'registry.local/busybox@sha256:aa');
    assert.deepEqual(c.command, ['httpd', '-f', '-p', '80']);
    assert.equal(c.args, undefined);
    assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.equal(c.securityContext?.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL']);
    assert.ok(!c.securityContext?.capabilities?.add?.includes('NET_RAW'));
    assert.deepEqual(c.env, [{ name: 'PATH', value: '/bin' }]);
    assert.deepEqual(readRecord(pod), record);
  });

  it('maps the issue’s fields', () => {
    const { pod } = create({
      Entrypoint: ['sh', '-c'],
      Cmd: ['echo hi'],
      Env: ['A=b'],
      WorkingDir: '/tmp',
      User: '1000:2000',
      Hostname: 'box',
      Tty: true,
      OpenStdin: true,
      StdinOnce: true,
      StopTimeout: 3,
      Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 2e9, Timeout: 1e9, Retries: 4 },
      HostConfig: {
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 },
        Memory: 256 << 20,
        MemoryReservation: 128 << 20,
        NanoCpus: 1.5e9,
        CpuShares: 512,
        DeviceRequests: [{ Driver: '', Count: 2, Capabilities: [['gpu']] }],
        ExtraHosts: ['db:10.0.0.2', 'cache:10.0.0.2', 'v6:::1'],
        Dns: ['1.1.1.1'],
        DnsSearch: ['example.com'],
        DnsOptions: ['ndots:2', 'rotate'],
        ReadonlyRootfs: true,
        CapAdd: ['NET_BIND_SERVICE'],
        CapDrop: ['CHOWN'],
        ShmSize: 128 << 20,
        Sysctls: { 'net/ipv4/ip_unprivileged_port_start': '0' },
        SecurityOpt: ['no-new-privileges'],
        GroupAdd: ['44'],
        Init: true,
        PortBindings: { '8080/tcp': [{ HostPort: '' }], '53/udp': [] },
        Binds: ['data:/data:ro'],
        Tmpfs: { '/run': 'size=1m' },
        Mounts: [{ Type: 'volume', Source: 'data', Target: '/again', VolumeOptions: { Subpath: 'sub' } }],
        Annotations: { 'example.com/x': 'y' },
      },
    });
    const c = pod.spec.containers[0];
    assert.deepEqual([c.command, c.args], [['sh', '-c'], ['echo hi']]);
    assert.equal(c.workingDir, '/tmp');
    assert.deepEqual(c.env, [
      { name: 'PATH', value: '/bin' },
      { name: 'A', value: 'b' },
    ]);
    assert.equal(c.securityContext?.runAsUser, 1000);
    assert.equal(c.securityContext?.runAsGroup, 2000);
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
    assert.ok(c.securityContext?.capabilities?.add?.includes('NET_BIND_SERVICE'));
    assert.ok(!c.securityContext?.capabilities?.add?.includes('CHOWN'));
    assert.deepEqual([c.tty, c.stdin, c.stdinOnce], [true, true, true]);
    assert.equal(pod.spec.hostname, 'box');
    assert.equal(pod.spec.terminationGracePeriodSeconds, 3);
    assert.equal(pod.spec.restartPolicy, 'OnFailure');
    assert.equal(pod.spec.shareProcessNamespace, true);
    assert.deepEqual(c.readinessProbe, {
      exec: { command: ['/bin/sh', '-c', 'true'] },
      initialDelaySeconds: 0,
      periodSeconds: 2,
      timeoutSeconds: 1,
      failureThreshold: 4,
      successThreshold: 1,
    });
    assert.deepEqual(c.resources, {
      limits: { memory: String(256 << 20), cpu: '1500m', 'nvidia.com/gpu': '2' },
      requests: { memory: String(128 << 20), cpu: '500m' },
    });
    assert.deepEqual(pod.spec.hostAliases, [
      { ip: '10.0.0.2', hostnames: ['db', 'cache'] },
      { ip: '::1', hostnames: ['v6'] },
    ]);
    assert.deepEqual(pod.spec.dnsConfig, {
      nameservers: ['1.1.1.1'],
      // then the container's network-names search domain (docs/networks.md)
      searches: ['example.com', `bdns-${pod.metadata.labels?.['badidea.dev/id']?.slice(0, 12)}.ns.svc.cluster.local`],
      options: [{ name: 'ndots', value: '2' }, { name: 'rotate' }],
    });
    assert.deepEqual(pod.spec.securityContext?.supplementalGroups, [44]);
    assert.ok(pod.spec.securityContext?.sysctls?.some((s) => s.name === 'net.ipv4.ip_unprivileged_port_start'));
    assert.deepEqual(c.ports, [
      { containerPort: 8080, protocol: 'TCP' },
      { containerPort: 53, protocol: 'UDP' },
    ]);
    assert.deepEqual(pod.spec.volumes, [
      { name: 'vol-0', persistentVolumeClaim: { claimName: 'vol-data' } },
      { name: 'tmpfs-1', emptyDir: { medium: 'Memory', sizeLimit: '1048576' } },
      { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: String(128 << 20) } },
    ]);
    assert.deepEqual(c.volumeMounts, [
      { name: 'vol-0', mountPath: '/data', readOnly: true },
      { name: 'vol-0', mountPath: '/again', subPath: 'sub' },
      { name: 'tmpfs-1', mountPath: '/run' },
      { name: 'shm', mountPath: '/dev/shm' },
    ]);
    assert.equal(pod.metadata.annotations?.['example.com/x'], 'y');
  });

  it('CPU quota/period becomes a CPU limit', () => {
    const { pod } = create({ HostConfig: { CpuQuota: 50000, CpuPeriod: 100000 } });
    assert.deepEqual(pod.spec.containers[0].resources, { limits: { cpu: '500m' } });
  });

  it('an image VOLUME becomes a claim (an anonymous volume) without a warning; a platform picks the architecture', () => {
    const built = newContainer({
      id: ID,
      name: 'pg',
      created: '2026-11-28T16:54:39.618Z',
      request: validateCreateRequest({ Image: 'postgres' }, { platform: 'linux/arm64' }),
      image: {
        id: 'sha256:1',
        ref: 'postgres',
        config: { Cmd: ['postgres'], Volumes: { '/var/lib/postgresql/data': {} } },
      },
      pod: { claimNameFor: (v) => v },
    });
    assert.deepEqual(built.warnings, []);
    assert.deepEqual(built.pod.spec.volumes, [
      { name: 'anon-0', persistentVolumeClaim: { claimName: anonymousVolumeName(ID, '/var/lib/postgresql/data') } },
    ]);
    assert.deepEqual(built.pod.spec.nodeSelector, { 'kubernetes.io/arch': 'arm64' });
  });

  it('StopSignal: lifecycle.stopSignal where supported, else a warning unless the image has it', () => {
    assert.deepEqual(create({ StopSignal: 'SIGUSR1' }).warnings, [
      "StopSignal SIGUSR1 cannot be set on this cluster: docker stop sends the image's stop signal (SIGTERM)",
    ]);
    assert.deepEqual(create({ StopSignal: 'QUIT' }, { ...busybox, StopSignal: 'SIGQUIT' }).warnings, []);
    assert.deepEqual(create({}, { ...busybox, StopSignal: 'SIGQUIT' }).warnings, []);
    const supported = newContainer({
      id: ID,
      name: 'x',
      created: '2026-11-28T16:54:39.618Z',
      request: validateCreateRequest({ Image: 'busybox', StopSignal: '10' }, {}),
      image: { id: 'sha256:1', ref: 'busybox', config: busybox },
      pod: { claimNameFor: (v) => v, stopSignalSupported: true },
    });
    assert.deepEqual(supported.warnings, []);
    assert.deepEqual(supported.pod.spec.containers[0].lifecycle, { stopSignal: 'SIGUSR1' });
  });

  it('a Healthcheck NONE has no probe', () => {
    assert.equal(healthcheckProbe({ Test: ['NONE'] }), undefined);
    assert.equal(healthcheckProbe(undefined), undefined);
    assert.deepEqual(healthcheckProbe({ Test: ['CMD', 'pg_isready'] })?.exec, { command: ['pg_isready'] });
    assert.equal(healthcheckProbe({ Test: ['CMD', 'x'] })?.periodSeconds, 30);
  });
});

describe('generations', () => {
  it('next generation: same record, generation + 1, ungated, not stopped', () => {
    const first = create({});
    const stopped = { ...first.record, stoppedByUser: true };
    const next = nextGeneration(stopped, { claimNameFor: (v) => v });
    assert.equal(next.record.generation, 1);
    assert.equal(next.record.stoppedByUser, false);
    assert.equal(next.pod.metadata.name, 'web-1a3c01234567-1');
    assert.equal(next.pod.spec.schedulingGates, undefined);
    const tomb = tombstoneGeneration(
      next.record,
      { exitCode: 137, startedAt: 'a', finishedAt: 'b', oomKilled: false, error: '' },
      { claimNameFor: (v) => v },
    );
    assert.equal(tomb.record.generation, 2);
    assert.deepEqual(tomb.pod.spec.schedulingGates, [{ name: START_GATE }]);
    assert.equal(readRecord(tomb.pod)?.lastState?.exitCode, 137);

    const groups = groupContainers([
      first.pod,
      next.pod,
      tomb.pod,
      { metadata: { name: 'alien' }, spec: { containers: [] } },
    ]);
    assert.equal(groups.length, 1);
    assert.equal(groups[0].record.generation, 2);
    assert.deepEqual(
      groups[0].previous.map((p) => p.metadata.name),
      ['web-1a3c01234567-1', 'web-1a3c01234567'],
    );
  });

  it('patches for start, stop and rename', () => {
    assert.deepEqual(startPatch(), { spec: { schedulingGates: [] } });
    const now = Date.parse('2026-11-28T17:00:00Z');
    assert.deepEqual(stopPatch('2026-11-28T16:59:00Z', now), {
      metadata: { annotations: { 'badidea.dev/stopped-by-user': 'true' } },
      spec: { activeDeadlineSeconds: 60 },
    });
    assert.equal(stopPatch(undefined, now).spec.activeDeadlineSeconds, 1);
    assert.deepEqual(renamePatch('new'), { metadata: { annotations: { 'badidea.dev/name': 'new' } } });
  });

  it('ignores pods whose record is damaged', () => {
    const { pod } = create({});
    const broken = structuredClone(pod);
    broken.metadata.annotations = { ...broken.metadata.annotations, 'badidea.dev/config': '{' };
    assert.equal(readRecord(broken), undefined);
    const wrongLabel = structuredClone(pod);
    wrongLabel.metadata.labels = { ...wrongLabel.metadata.labels, 'badidea.dev/id': 'x' };
    assert.equal(readRecord(wrongLabel), undefined);
  });
});
