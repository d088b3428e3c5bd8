import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Route } from './context.ts';
import { Router } from './router.ts';

const h = () => undefined;

test('matches methods, params, greedy params and decodes them', () => {
  const routes: Route[] = [
    { method: 'GET', path: '/containers/json', handler: h },
    { method: 'GET', path: '/containers/{id}/json', handler: h },
    { method: 'POST', path: '/images/{name*}/tag', handler: h },
  ];
  const r = new Router().add(routes);
  assert.equal(r.match('GET', '/containers/json')?.route, routes[0]);
  assert.deepEqual(r.match('GET', '/containers/my%20c/json')?.params, { id: 'my c' });
  assert.deepEqual(r.match('POST', '/images/127.0.0.1:5000/a/b:v1/tag')?.params, { name: '127.0.0.1:5000/a/b:v1' });
  assert.equal(r.match('POST', '/containers/json'), undefined);
  assert.equal(r.match('GET', '/containers/a/b/json'), undefined);
  assert.equal(r.match('GET', '/containers/%zz/json'), undefined);
  assert.equal(r.match('GET', '/nothing'), undefined);
});
