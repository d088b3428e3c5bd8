import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Limiter } from './limiter.ts';

it('limits concurrency and lets urgent calls overtake queued normal ones', async () => {
  const l = new Limiter(1);
  const order: string[] = [];
  let release!: () => void;
  const first = l.run(() => new Promise<void>((r) => (release = r)));
  const a = l.run(async () => void order.push('normal'), false);
  const b = l.run(async () => void order.push('urgent'), true);
  release();
  await Promise.all([first, a, b]);
  assert.deepEqual(order, ['urgent', 'normal']);
});
