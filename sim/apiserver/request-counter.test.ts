import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestKey } from './request-counter.ts';

test('requests are counted by Kubernetes verb and resource', () => {
  assert.equal(requestKey('GET', '/api/v1/namespaces/a/pods'), 'list pods');
  assert.equal(requestKey('GET', '/api/v1/namespaces/a/pods?watch=true&resourceVersion=5'), 'watch pods');
  assert.equal(requestKey('GET', '/api/v1/watch/namespaces/a/pods'), 'watch pods');
  assert.equal(requestKey('GET', '/api/v1/namespaces/a/pods/p'), 'get pods');
  assert.equal(requestKey('GET', '/api/v1/namespaces/a/pods/p/log?follow=true'), 'get pods/log');
  assert.equal(requestKey('POST', '/api/v1/namespaces/a/pods/p/exec?command=ls'), 'create pods/exec');
  assert.equal(requestKey('PATCH', '/api/v1/namespaces/a/pods/p'), 'patch pods');
  assert.equal(requestKey('DELETE', '/api/v1/namespaces/a/pods/p'), 'delete pods');
  assert.equal(requestKey('DELETE', '/api/v1/namespaces/a/pods'), 'deletecollection pods');
  assert.equal(requestKey('GET', '/apis/apps/v1'), 'get discovery');
  assert.equal(requestKey('GET', '/version'), 'get /version');
});
