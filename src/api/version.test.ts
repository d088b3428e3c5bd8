import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidParameter } from '../errors.ts';
import { API_VERSION, compareVersions, negotiate, splitVersion, VersionTooOld } from './version.ts';

test('splitVersion', () => {
  assert.deepEqual(splitVersion('/v1.41/containers/json'), { version: '1.41', path: '/containers/json' });
  assert.deepEqual(splitVersion('/v1.55/_ping'), { version: '1.55', path: '/_ping' });
  assert.deepEqual(splitVersion('/_ping'), { path: '/_ping' });
  assert.deepEqual(splitVersion('/v1.41'), { version: '1.41', path: '/' });
  assert.deepEqual(splitVersion('/volumes/v1'), { path: '/volumes/v1' });
});

test('compareVersions is numeric', () => {
  assert.equal(compareVersions('1.9', '1.24'), -1);
  assert.equal(compareVersions('1.50', '1.5'), 1);
  assert.equal(compareVersions('1.41', '1.41'), 0);
});

test('negotiate enforces the range with Docker messages', () => {
  assert.equal(negotiate(undefined), API_VERSION);
  assert.equal(negotiate('1.24'), '1.24');
  assert.equal(negotiate('1.50'), '1.50');
  assert.throws(
    () => negotiate('1.99'),
    (e: Error) =>
      e instanceof InvalidParameter &&
      e.message === 'client version 1.99 is too new. Maximum supported API version is 1.55',
  );
  assert.throws(
    () => negotiate('1.11'),
    (e: Error) => e instanceof VersionTooOld && /too old. Minimum supported API version is 1.24/.test(e.message),
  );
});
