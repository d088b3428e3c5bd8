import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sh, startTestNode, type TestNode } from './test-node.ts';

const logsOf = async (node: TestNode, name: string) => {
  const pod = node.getPod(name)!;
  const id = pod.status!.containerStatuses![0].containerID!.replace('docker://', '');
  const buf = await node.kubelet.runtime.docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false });
  // multiplexed: strip the 8-byte headers
  const out: Buffer[] = [];
  let b = buf as Buffer;
  while (b.length >= 8) {
    const n = b.readUInt32BE(4);
    out.push(b.subarray(8, 8 + n));
    b = b.subarray(8 + n);
  }
  return Buffer.concat(out).toString();
};

describe('kubelet volumes, env and files (real dockerd)', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode({ clusterDNS: ['10.96.0.10'] });
    node.store.create('configmaps', {
      metadata: { name: 'cm', namespace: 'default' },
      data: { a: 'alpha', b: 'beta' },
    });
    node.store.create('secrets', {
      metadata: { name: 's', namespace: 'default' },
      type: 'Opaque',
      data: { pw: Buffer.from('hunter2').toString('base64') },
    });
  });
  after(async () => {
    await node?.close();
  });

  it('configMap/secret volumes with items and modes, env from both, downward API', async () => {
    node.createPod(
      'files',
      {
        restartPolicy: 'Never',
        volumes: [
          { name: 'cm', configMap: { name: 'cm', items: [{ key: 'a', path: 'dir/a.txt', mode: 0o600 }] } },
          { name: 's', secret: { secretName: 's', defaultMode: 0o400 } },
          { name: 'd', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        ],
        containers: [
          sh(
            'c',
            'cat /cm/dir/a.txt; echo; stat -L -c %a /cm/dir/a.txt; cat /s/pw; echo; stat -L -c %a /s/pw; cat /d/labels; echo; echo "$A/$PW/$NAME/$X_b/$DEP"; cat /cm2',
            {
              volumeMounts: [
                { name: 'cm', mountPath: '/cm' },
                { name: 's', mountPath: '/s' },
                { name: 'd', mountPath: '/d' },
                { name: 'cm', mountPath: '/cm2', subPath: 'dir/a.txt' },
              ],
              env: [
                { name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'a' } } },
                { name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'pw' } } },
                { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'DEP', value: '$(A)-x' },
              ],
              envFrom: [{ prefix: 'X_', configMapRef: { name: 'cm' } }],
            },
          ),
        ],
      },
      { labels: { app: 'web', tier: 'x' } },
    );
    const p = await node.waitPod('files', (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed');
    assert.equal(p.status!.phase, 'Succeeded');
    assert.equal(
      await logsOf(node, 'files'),
      'alpha\n600\nhunter2\n400\napp="web"\ntier="x"\nalpha/hunter2/files/beta/alpha-x\nalpha',
    );
  });

  it('missing configMap key in env → CreateContainerConfigError', async () => {
    node.createPod('cfgerr', {
      containers: [
        sh('c', 'true', { env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'zz' } } }] }),
      ],
    });
    const p = await node.waitPod(
      'cfgerr',
      (p) => p.status?.containerStatuses?.[0]?.state.waiting?.reason === 'CreateContainerConfigError',
    );
    assert.equal(p.status!.phase, 'Pending');
  });

  it('emptyDir (disk and Memory) shared between containers; resolv.conf and hosts', async () => {
    node.createPod('shared', {
      restartPolicy: 'Never',
      hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local'] }],
      volumes: [
        { name: 'disk', emptyDir: {} },
        { name: 'mem', emptyDir: { medium: 'Memory' } },
      ],
      initContainers: [
        sh('w', 'echo d > /disk/f; echo m > /mem/f', {
          volumeMounts: [
            { name: 'disk', mountPath: '/disk' },
            { name: 'mem', mountPath: '/mem' },
          ],
        }),
      ],
      containers: [
        sh(
          'c',
          'cat /disk/f /mem/f; grep -c tmpfs /proc/mounts >/dev/null && grep " /mem " /proc/mounts | cut -d" " -f3; cat /etc/resolv.conf; grep foo.local /etc/hosts; hostname',
          {
            volumeMounts: [
              { name: 'disk', mountPath: '/disk' },
              { name: 'mem', mountPath: '/mem' },
            ],
          },
        ),
      ],
    });
    const p = await node.waitPod('shared', (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed');
    assert.equal(p.status!.phase, 'Succeeded');
    assert.equal(
      await logsOf(node, 'shared'),
      'd\nm\ntmpfs\nsearch default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n10.1.2.3\tfoo.local\nshared\n',
    );
  });

  it('a PVC directory persists across pods', async () => {
    const dir = `${node.stateDir}/pv1`;
    node.store.create('persistentvolumes', {
      metadata: { name: 'pv1' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        hostPath: { path: dir },
        storageClassName: 'manual',
      },
    });
    node.store.create('persistentvolumeclaims', {
      metadata: { name: 'claim', namespace: 'default' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
        volumeName: 'pv1',
        storageClassName: 'manual',
      },
    });
    const vol = [{ name: 'data', persistentVolumeClaim: { claimName: 'claim' } }];
    const mount = [{ name: 'data', mountPath: '/data' }];
    node.createPod('writer', {
      restartPolicy: 'Never',
      volumes: vol,
      containers: [sh('c', 'echo persisted > /data/x', { volumeMounts: mount })],
    });
    await node.waitPod('writer', (p) => p.status?.phase === 'Succeeded');
    node.createPod('reader', {
      restartPolicy: 'Never',
      volumes: vol,
      containers: [sh('c', 'cat /data/x', { volumeMounts: mount })],
    });
    await node.waitPod('reader', (p) => p.status?.phase === 'Succeeded');
    assert.equal(await logsOf(node, 'reader'), 'persisted\n');
  });

  it('a missing configMap volume keeps the pod ContainerCreating with FailedMount', async () => {
    node.createPod('nomount', {
      volumes: [{ name: 'v', configMap: { name: 'absent' } }],
      containers: [sh('c', 'true')],
    });
    const p = await node.waitPod(
      'nomount',
      (p) => p.status?.containerStatuses?.[0]?.state.waiting?.reason === 'ContainerCreating',
    );
    assert.equal(p.status!.phase, 'Pending');
    const failedMount = () =>
      node.events('nomount').some((e) => e.reason === 'FailedMount' && /configmap "absent" not found/.test(e.message));
    for (let i = 0; i < 600 && !failedMount(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(failedMount());
    assert.equal(node.getPod('nomount')!.status!.phase, 'Pending');
  });
});
