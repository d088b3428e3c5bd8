import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedNanoTimestamp } from '../runtime/container-io.ts';
import { dockerImage, isLatest, parseImageRef, qualifiedImage } from '../runtime/image-ref.ts';
import { Backoff } from './backoff.ts';
import { formatMap } from './downward.ts';
import { expand } from './expansion.ts';
import { authFor } from './image-puller.ts';
import { hostsFile, resolvConf } from './pod-dns.ts';
import { goDuration } from './pod-sync.ts';
import { parseQuantity } from './quantity.ts';
import type { Pod } from './types.ts';

describe('kubelet helpers', () => {
  it('$(VAR) expansion', () => {
    const env = new Map([['A', 'x']]);
    assert.equal(
      expand('$(A)-$(B)-$$(A)-$A', (n) => env.get(n)),
      'x-$(B)-$(A)-$A',
    );
  });
  it('image references', () => {
    assert.deepEqual(parseImageRef('busybox'), {
      registry: 'docker.io',
      repository: 'library/busybox',
      tag: 'latest',
      digest: undefined,
    });
    assert.equal(qualifiedImage('nginx:1.25'), 'docker.io/library/nginx:1.25');
    assert.equal(dockerImage('127.0.0.1:5000/a/b:t'), '127.0.0.1:5000/a/b:t');
    assert.equal(dockerImage('docker.io/library/busybox'), 'busybox:latest');
    assert.equal(isLatest('busybox'), true);
    assert.equal(isLatest('busybox:1'), false);
  });
  it('quantities', () => {
    assert.equal(parseQuantity('128Mi'), 128 * 2 ** 20);
    assert.equal(parseQuantity('500m'), 0.5);
    assert.equal(parseQuantity('1e3'), 1000);
    assert.equal(parseQuantity('2'), 2);
  });
  it('RFC3339NanoFixed from Docker timestamps', () => {
    assert.equal(fixedNanoTimestamp('2024-01-02T03:04:05.12Z'), '2024-01-02T03:04:05.120000000Z');
    assert.equal(fixedNanoTimestamp('2024-01-02T03:04:05Z'), '2024-01-02T03:04:05.000000000Z');
    assert.equal(fixedNanoTimestamp('2024-01-02T03:04:05.123456789Z'), '2024-01-02T03:04:05.123456789Z');
  });
  it('back-off: first restart free, then doubling to the cap', () => {
    let now = 0;
    const b = new Backoff(10, 40, () => now);
    assert.equal(b.remaining('k', 0), 0);
    b.next('k', 0);
    assert.equal(b.remaining('k', 0), 10);
    now = 10;
    b.next('k', 10);
    assert.equal(b.get('k'), 20);
    b.next('k', 10);
    b.next('k', 10);
    assert.equal(b.get('k'), 40);
    assert.equal(goDuration(80_000), '1m20s');
    assert.equal(goDuration(300_000), '5m0s');
  });
  it('downward API label format', () => {
    assert.equal(formatMap({ b: '2', a: 'x"y' }), 'a="x\\"y"\nb="2"');
  });
  it('hosts file and resolv.conf', () => {
    const pod = {
      metadata: { name: 'p', namespace: 'ns' },
      spec: {
        containers: [],
        hostname: 'h',
        subdomain: 'sub',
        hostAliases: [{ ip: '1.2.3.4', hostnames: ['a', 'b'] }],
      },
    } as unknown as Pod;
    const hosts = hostsFile(pod, '10.0.0.5', 'cluster.local');
    assert.match(hosts, /^# Kubernetes-managed hosts file\.\n127\.0\.0\.1\tlocalhost\n/);
    assert.match(hosts, /10\.0\.0\.5\th\.sub\.ns\.svc\.cluster\.local\th\n/);
    assert.match(hosts, /# Entries added by HostAliases\.\n1\.2\.3\.4\ta\tb\n$/);
    assert.equal(
      resolvConf(pod, { clusterDNS: ['10.96.0.10'], hostResolvConf: 'search corp\nnameserver 8.8.8.8\n' }),
      'search ns.svc.cluster.local svc.cluster.local cluster.local corp\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
    const none = {
      ...pod,
      spec: {
        ...pod.spec,
        dnsPolicy: 'None',
        dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '2' }] },
      },
    } as Pod;
    assert.equal(resolvConf(none, {}), 'nameserver 1.1.1.1\noptions ndots:2\n');
  });
  it('registry credentials from a dockerconfigjson secret', () => {
    const cfg = { auths: { '127.0.0.1:5001': { auth: Buffer.from('u:p').toString('base64') } } };
    const secret = { metadata: {}, data: { '.dockerconfigjson': Buffer.from(JSON.stringify(cfg)).toString('base64') } };
    assert.deepEqual(authFor('127.0.0.1:5001/x:1', [secret]), {
      username: 'u',
      password: 'p',
      serveraddress: '127.0.0.1:5001',
    });
    assert.equal(authFor('busybox', [secret]), undefined);
  });
});
