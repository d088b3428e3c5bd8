import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from './log.ts';

test('logger writes one JSON line per entry at or above the level', () => {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', write: (l) => lines.push(l), now: () => new Date(0) });
  log.debug('hidden');
  log.child({ id: 'r1' }).info('request', { status: 200, err: new Error('boom') });
  assert.equal(lines.length, 1);
  assert.ok(lines[0].endsWith('\n'));
  assert.deepEqual(JSON.parse(lines[0]), {
    time: '1970-01-01T00:00:00.000Z',
    level: 'info',
    msg: 'request',
    id: 'r1',
    status: 200,
    err: 'boom',
  });
});
