import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackHost, parseListenAddress } from './listen-address.ts';

test('parses tcp and unix addresses', () => {
  assert.deepEqual(parseListenAddress('tcp://127.0.0.1:2375'), {
    kind: 'tcp',
    host: '127.0.0.1',
    port: 2375,
    url: 'tcp://127.0.0.1:2375',
  });
  assert.deepEqual(parseListenAddress('tcp://[::1]:0'), { kind: 'tcp', host: '::1', port: 0, url: 'tcp://[::1]:0' });
  assert.deepEqual(parseListenAddress('unix:///run/badidea.sock'), {
    kind: 'unix',
    path: '/run/badidea.sock',
    url: 'unix:///run/badidea.sock',
  });
  for (const bad of ['127.0.0.1:2375', 'tcp://host', 'unix://rel.sock', 'tcp://h:99999', 'http://h:1']) {
    assert.throws(() => parseListenAddress(bad), /invalid listen address/);
  }
});

test('loopback detection', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', 'example.com']) assert.ok(!isLoopbackHost(h), h);
});
