import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPlatform, normalizePlatform, parsePlatform, selectPlatform } from './platform.ts';

const amd = { os: 'linux', architecture: 'amd64' };

test('normalisation and parsing', () => {
  assert.deepEqual(normalizePlatform({ os: 'Linux', architecture: 'aarch64' }), {
    os: 'linux',
    architecture: 'arm64',
    variant: 'v8',
  });
  assert.deepEqual(parsePlatform('linux/arm/v6', amd), { os: 'linux', architecture: 'arm', variant: 'v6' });
  assert.deepEqual(parsePlatform('arm64', amd), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('linux', amd), amd);
  assert.equal(formatPlatform({ os: 'linux', architecture: 'arm64', variant: 'v8' }), 'linux/arm64/v8');
  assert.throws(() => parsePlatform('a/b/c/d', amd), /unknown operating system or architecture/);
});

test('selection prefers the exact variant and falls back to lower arm variants', () => {
  const entries = [
    { d: 'amd', platform: { os: 'linux', architecture: 'amd64' } },
    { d: 'v6', platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    { d: 'v7', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { d: 'arm64', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { d: 'att', platform: { os: 'unknown', architecture: 'unknown' } },
  ];
  assert.equal(selectPlatform(entries, amd)?.d, 'amd');
  assert.equal(selectPlatform(entries, { os: 'linux', architecture: 'arm64' })?.d, 'arm64');
  assert.equal(selectPlatform(entries, { os: 'linux', architecture: 'arm', variant: 'v7' })?.d, 'v7');
  assert.equal(selectPlatform(entries.slice(0, 2), { os: 'linux', architecture: 'arm', variant: 'v7' })?.d, 'v6');
  assert.equal(selectPlatform(entries, { os: 'windows', architecture: 'amd64' }), undefined);
  assert.equal(selectPlatform(entries, { os: 'linux', architecture: 's390x' }), undefined);
});
