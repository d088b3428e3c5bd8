import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { apiUrl, buildQuery, decodeFrame, encodeFrame, podPath, protocolVersion } from './ws-channel.ts';

describe('ws-channel', () => {
  it('frames: [channel][payload]', () => {
    assert.deepEqual(encodeFrame(0, Buffer.from('hi')), Buffer.from([0, 104, 105]));
    assert.deepEqual(encodeFrame(4, '{}'), Buffer.from([4, 123, 125]));
    assert.deepEqual(encodeFrame(1), Buffer.from([1]));
    const f = decodeFrame(Buffer.from([2, 65]));
    assert.equal(f?.channel, 2);
    assert.equal(f?.payload.toString(), 'A');
    assert.equal(decodeFrame(Buffer.alloc(0)), null);
    assert.equal(decodeFrame(Buffer.from([1]))?.payload.length, 0);
  });

  it('protocol versions', () => {
    assert.equal(protocolVersion('v5.channel.k8s.io'), 5);
    assert.equal(protocolVersion('v4.channel.k8s.io'), 4);
    assert.equal(protocolVersion('channel.k8s.io'), 1);
    assert.equal(protocolVersion(''), 0);
  });

  it('query: repeated keys, booleans as true/false, undefined left out', () => {
    assert.equal(
      buildQuery({ command: ['sh', '-c', 'echo a&b'], stdin: true, tty: false, container: undefined }),
      '?command=sh&command=-c&command=echo+a%26b&stdin=true&tty=false',
    );
    assert.equal(buildQuery({}), '');
  });

  it('URLs keep the server path prefix and switch to ws/wss', () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://proxy.example:8443/k8s/clusters/c-1/' }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const path = podPath('ns', 'my pod', 'exec');
    assert.equal(path, '/api/v1/namespaces/ns/pods/my%20pod/exec');
    assert.equal(
      apiUrl(kc, path, { stdout: true }, 'ws').href,
      'wss://proxy.example:8443/k8s/clusters/c-1/api/v1/namespaces/ns/pods/my%20pod/exec?stdout=true',
    );
    assert.equal(apiUrl(kc, '/api', {}, 'http').href, 'https://proxy.example:8443/k8s/clusters/c-1/api');
  });
});
