import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Endpoints } from './endpoints.ts';
import { registryOptions } from './options.ts';

test('flags win over comma-separated env; mirrors are normalised', () => {
  const env = {
    BADIDEA_REGISTRY_MIRRORS: 'http://127.0.0.1:5000/, mirror.example',
    BADIDEA_INSECURE_REGISTRIES: '10.0.0.0/8',
  };
  assert.deepEqual(registryOptions({}, env), {
    mirrors: ['http://127.0.0.1:5000', 'https://mirror.example'],
    insecureRegistries: ['10.0.0.0/8'],
    caCertificates: [],
  });
  assert.deepEqual(registryOptions({ 'registry-mirror': ['https://m.example/prefix/'] }, env).mirrors, [
    'https://m.example/prefix',
  ]);
  assert.throws(() => registryOptions({ 'registry-mirror': ['ftp://x'] }, {}), /unsupported scheme "ftp"/);
  assert.throws(() => registryOptions({ 'registry-ca': ['/nope'] }, {}, () => 'junk'), /holds no PEM certificate/);
});

test('endpoints: mirrors for Docker Hub, HTTPS then HTTP for insecure registries', () => {
  const e = new Endpoints({
    mirrors: ['http://127.0.0.1:5000'],
    insecureRegistries: ['reg.local:5000', '10.1.0.0/16'],
  });
  assert.deepEqual(
    e.forDomain('docker.io').map((x) => x.base),
    ['http://127.0.0.1:5000', 'https://registry-1.docker.io'],
  );
  assert.deepEqual(e.forDomain('reg.local:5000'), [
    { base: 'https://reg.local:5000', skipVerify: true, mirror: false },
    { base: 'http://reg.local:5000', skipVerify: false, mirror: false },
  ]);
  assert.equal(e.isInsecure('10.1.2.3:443'), true);
  assert.equal(e.isInsecure('10.2.0.1'), false);
  assert.equal(e.isInsecure('localhost:5000'), true);
  assert.deepEqual(e.forDomain('ghcr.io'), [{ base: 'https://ghcr.io', skipVerify: false, mirror: false }]);
});
