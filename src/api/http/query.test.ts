import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidParameter } from '../../errors.ts';
import { checkFilterKeys, parseFilters, queryBool, queryInt } from './query.ts';

test('queryBool follows dockerd', () => {
  const q = new URLSearchParams('a=1&b=true&c=True&d=0&e=false&f=&g=no&h=None&i=yes');
  assert.deepEqual(
    ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((k) => queryBool(q, k)),
    [true, true, true, false, false, false, false, false, true],
  );
  assert.equal(queryBool(q, 'missing'), false);
  assert.equal(queryBool(q, 'missing', true), true);
});

test('queryInt', () => {
  const q = new URLSearchParams('t=10&tail=all&n=-1&e=');
  assert.equal(queryInt(q, 't'), 10);
  assert.equal(queryInt(q, 'n'), -1);
  assert.equal(queryInt(q, 'e', 5), 5);
  assert.equal(queryInt(q, 'x'), undefined);
  assert.throws(() => queryInt(q, 'tail'), InvalidParameter);
});

test('parseFilters accepts both encodings', () => {
  assert.deepEqual([...parseFilters('{"name":{"web":true,"off":false}}')], [['name', ['web']]]);
  assert.deepEqual([...parseFilters('{"label":["a=b","c"]}')], [['label', ['a=b', 'c']]]);
  assert.equal(parseFilters(null).size, 0);
  assert.equal(parseFilters('').size, 0);
  assert.throws(() => parseFilters('{bad'), InvalidParameter);
  assert.throws(() => parseFilters('[1]'), InvalidParameter);
  assert.throws(() => checkFilterKeys(parseFilters('{"nope":["x"]}'), ['name']), /invalid filter 'nope'/);
});
