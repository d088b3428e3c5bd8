import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canonicalString,
  familiarName,
  familiarString,
  parseFromImage,
  parseReference,
  withDefaultTag,
} from './reference.ts';

test('Docker Hub names get docker.io and library/', () => {
  assert.deepEqual(parseReference('busybox'), { domain: 'docker.io', path: 'library/busybox' });
  assert.deepEqual(parseReference('user/app:1.0'), { domain: 'docker.io', path: 'user/app', tag: '1.0' });
  assert.deepEqual(parseReference('index.docker.io/library/busybox'), { domain: 'docker.io', path: 'library/busybox' });
  assert.deepEqual(parseReference('docker.io/busybox'), { domain: 'docker.io', path: 'library/busybox' });
});

test('registries are recognised by a dot, a port or localhost', () => {
  assert.deepEqual(parseReference('127.0.0.1:5000/busybox:latest'), {
    domain: '127.0.0.1:5000',
    path: 'busybox',
    tag: 'latest',
  });
  assert.deepEqual(parseReference('localhost/a/b'), { domain: 'localhost', path: 'a/b' });
  assert.deepEqual(parseReference('ghcr.io/o/r'), { domain: 'ghcr.io', path: 'o/r' });
  assert.deepEqual(parseReference('foo/bar/baz'), { domain: 'docker.io', path: 'foo/bar/baz' });
});

test('digests, with and without tags', () => {
  const d = `sha256:${'a'.repeat(64)}`;
  assert.deepEqual(parseReference(`busybox@${d}`), { domain: 'docker.io', path: 'library/busybox', digest: d });
  assert.deepEqual(parseReference(`r.io/x:1@${d}`), { domain: 'r.io', path: 'x', tag: '1', digest: d });
});

test('errors use distribution texts', () => {
  assert.throws(() => parseReference('Busybox'), /repository name \(library\/Busybox\) must be lowercase/);
  assert.throws(() => parseReference('a'.repeat(64)), /cannot specify 64-byte hexadecimal strings/);
  assert.throws(() => parseReference('bad name'), { message: 'invalid reference format' });
  assert.throws(() => parseReference('x:'), /invalid reference format/);
  assert.throws(() => parseReference(''), /invalid reference format/);
});

test('familiar and canonical strings', () => {
  const r = withDefaultTag(parseReference('busybox'));
  assert.equal(familiarString(r), 'busybox:latest');
  assert.equal(canonicalString(r), 'docker.io/library/busybox:latest');
  assert.equal(familiarName(parseReference('user/app')), 'user/app');
  assert.equal(familiarName(parseReference('docker.io/library/a/b')), 'library/a/b');
  assert.equal(familiarString(parseReference('127.0.0.1:5000/busybox:v1')), '127.0.0.1:5000/busybox:v1');
});

test('fromImage + tag of images/create', () => {
  assert.deepEqual(parseFromImage('127.0.0.1:5000/busybox', 'latest'), {
    domain: '127.0.0.1:5000',
    path: 'busybox',
    tag: 'latest',
  });
  const d = `sha256:${'b'.repeat(64)}`;
  assert.deepEqual(parseFromImage('busybox', d), { domain: 'docker.io', path: 'library/busybox', digest: d });
  assert.throws(() => parseFromImage('busybox', 'bad tag'), /invalid reference format/);
});
