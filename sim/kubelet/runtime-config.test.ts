import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sh, startTestNode, type TestNode } from './test-node.ts';

describe('kubelet container config and node operations (real dockerd)', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode();
  });
  after(async () => {
    await node?.close();
  });

  const inspect = (name: string, container = 0) => {
    const id = node.getPod(name)!.status!.containerStatuses![container].containerID!.replace('docker://', '');
    return node.kubelet.runtime.docker.getContainer(id).inspect();
  };

  it('command/args vs image entrypoint, workingDir, securityContext, limits, stdin/tty', async () => {
    node.createPod('cfg', {
      securityContext: { runAsUser: 1000, runAsGroup: 3000 },
      containers: [
        {
          name: 'c',
          image: 'busybox:latest',
          imagePullPolicy: 'IfNotPresent',
          args: ['sleep', '3600'],
          workingDir: '/tmp',
          stdin: true,
          stdinOnce: true,
          tty: true,
          resources: { limits: { memory: '64Mi', cpu: '500m' } },
          securityContext: { readOnlyRootFilesystem: true, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } },
        },
      ],
    });
    await node.waitPod('cfg', (p) => p.status?.phase === 'Running');
    const i = await inspect('cfg');
    assert.deepEqual(i.Config.Cmd, ['sleep', '3600']);
    assert.equal(i.Config.WorkingDir, '/tmp');
    assert.equal(i.Config.User, '1000:3000');
    assert.equal(i.Config.Tty, true);
    assert.equal(i.Config.OpenStdin, true);
    assert.equal(i.Config.StdinOnce, true);
    assert.equal(i.HostConfig.Memory, 64 * 2 ** 20);
    assert.equal(i.HostConfig.NanoCpus, 5e8);
    assert.equal(i.HostConfig.ReadonlyRootfs, true);
    assert.deepEqual(i.HostConfig.CapAdd, ['NET_ADMIN']);
    assert.match(i.Name, /^\/k8s_c_cfg_default_[0-9a-f-]{36}_0$/);
    assert.match(String(i.HostConfig.NetworkMode), /^container:[0-9a-f]{64}$/);
  });

  it('command replaces the entrypoint and drops the image CMD; $(VAR) in args', async () => {
    node.createPod('cmd', {
      restartPolicy: 'Never',
      containers: [
        {
          name: 'c',
          image: 'busybox:latest',
          imagePullPolicy: 'IfNotPresent',
          command: ['echo'],
          args: ['$(GREETING)', 'world'],
          env: [{ name: 'GREETING', value: 'hello' }],
        },
      ],
    });
    await node.waitPod('cmd', (p) => p.status?.phase === 'Succeeded');
    const i = await inspect('cmd');
    assert.deepEqual(i.Config.Entrypoint, ['echo']);
    assert.deepEqual(i.Config.Cmd, ['hello', 'world']);
  });

  it('image pull failure (fault annotation): ErrImagePull then ImagePullBackOff, with events', async () => {
    node.createPod(
      'pull',
      { containers: [{ name: 'c', image: 'busybox:latest' }] },
      {
        annotations: { 'sim.badidea.dev/image-pull': 'fail' },
      },
    );
    await node.waitPod('pull', (p) => p.status?.containerStatuses?.[0]?.state.waiting?.reason === 'ErrImagePull');
    await node.waitPod('pull', (p) => p.status?.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff');
    const ev = node.events('pull');
    assert.ok(ev.some((e) => e.reason === 'Pulling'));
    assert.ok(ev.some((e) => e.reason === 'Failed' && e.message === 'Error: ErrImagePull'));
    assert.ok(ev.some((e) => e.reason === 'BackOff' && /Back-off pulling image/.test(e.message)));
    assert.equal(node.getPod('pull')!.status!.phase, 'Pending');
  });

  it('a missing image: ErrImagePull from the registry mirror', async () => {
    node.createPod('missing', { containers: [{ name: 'c', image: 'no-such-image-here:1.0' }] });
    const p = await node.waitPod('missing', (p) =>
      /ImagePull/.test(p.status?.containerStatuses?.[0]?.state.waiting?.reason ?? ''),
    );
    assert.match(
      p.status!.containerStatuses![0].state.waiting!.message ?? '',
      /Failed to pull image "no-such-image-here:1.0"/,
    );
  });

  it('evict: containers killed, phase Failed, reason Evicted', async () => {
    node.createPod('evictme', { containers: [sh('c', 'sleep 3600')] });
    await node.waitPod('evictme', (p) => p.status?.phase === 'Running');
    assert.equal(node.kubelet.evict('default', 'evictme', 'test eviction'), true);
    const p = await node.waitPod('evictme', (p) => p.status?.phase === 'Failed');
    assert.equal(p.status!.reason, 'Evicted');
    assert.equal(p.status!.message, 'test eviction');
    assert.ok(p.status!.containerStatuses![0].state.terminated);
  });

  it("ephemeral containers: started once, in the target container's process namespace", async () => {
    node.createPod('debugme', { containers: [sh('app', 'sleep 3600')] });
    await node.waitPod('debugme', (p) => p.status?.phase === 'Running');
    const pod = node.getPod('debugme')!;
    pod.spec.ephemeralContainers = [
      {
        name: 'debugger',
        image: 'busybox:latest',
        imagePullPolicy: 'IfNotPresent',
        command: ['sh', '-c', 'ps -o args | grep -q "[s]leep 3600" && sleep 3600'],
        targetContainerName: 'app',
      },
    ];
    node.store.update('pods', pod, { subresource: 'ephemeralcontainers' } as never);
    const p = await node.waitPod('debugme', (p) => !!p.status?.ephemeralContainerStatuses?.[0]?.state.running);
    assert.equal(p.status!.ephemeralContainerStatuses![0].name, 'debugger');
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(node.getPod('debugme')!.status!.ephemeralContainerStatuses![0].state.running, 'sees the target process');
  });

  it('OOMKilled when the memory limit is exceeded', async () => {
    node.createPod('oom', {
      restartPolicy: 'Never',
      volumes: [{ name: 'm', emptyDir: { medium: 'Memory' } }],
      containers: [
        sh('c', 'dd if=/dev/zero of=/m/fill bs=1M count=64', {
          resources: { limits: { memory: '16Mi' } },
          volumeMounts: [{ name: 'm', mountPath: '/m' }],
        }),
      ],
    });
    const p = await node.waitPod('oom', (p) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded');
    const t = p.status!.containerStatuses![0].state.terminated!;
    assert.equal(t.reason, 'OOMKilled', JSON.stringify(t));
    assert.equal(t.exitCode, 137);
  });
});
