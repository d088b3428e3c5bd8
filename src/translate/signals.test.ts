import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSignal, SIGKILL, SIGTERM, signalDelivery, signalName } from './signals.ts';
import { TranslationError } from './translation-error.ts';

describe('parseSignal', () => {
  const ok: [string, number][] = [
    ['SIGTERM', 15],
    ['TERM', 15],
    ['term', 15],
    ['15', 15],
    ['HUP', 1],
    ['SIGUSR1', 10],
    ['KILL', 9],
    ['SIGRTMIN', 34],
    ['SIGRTMIN+3', 37],
    ['RTMAX-1', 63],
    ['SIGRTMAX', 64],
    ['64', 64],
    ['IOT', 6],
  ];
  for (const [raw, n] of ok) it(`${raw} → ${n}`, () => assert.equal(parseSignal(raw), n));

  for (const raw of ['NOPE', '0', '65', '-1', '', 'SIG', 'RTMIN+16', '1.5']) {
    it(`refuses ${JSON.stringify(raw)} with Docker's message`, () => {
      assert.throws(
        () => parseSignal(raw),
        (e: unknown) => e instanceof TranslationError && e.kind === 'invalid' && e.message === `Invalid signal: ${raw}`,
      );
    });
  }
});

describe('signalName', () => {
  it('names signals', () => {
    assert.equal(signalName(15), 'SIGTERM');
    assert.equal(signalName(6), 'SIGABRT');
    assert.equal(signalName(37), 'SIGRTMIN+3');
  });
});

describe('signalDelivery', () => {
  it('the stop signal and SIGKILL end the run through the kubelet', () => {
    assert.deepEqual(signalDelivery(SIGTERM, SIGTERM, false), { via: 'terminate', kill: false });
    assert.deepEqual(signalDelivery(SIGKILL, SIGTERM, false), { via: 'terminate', kill: true });
    assert.deepEqual(signalDelivery(3, 3, false), { via: 'terminate', kill: false });
  });
  it('other signals go through exec kill', () => {
    assert.deepEqual(signalDelivery(1, SIGTERM, false), { via: 'exec', argv: ['kill', '-1', '1'] });
    assert.deepEqual(signalDelivery(SIGTERM, 3, false), { via: 'exec', argv: ['kill', '-15', '1'] });
    assert.deepEqual(signalDelivery(10, SIGTERM, true), { via: 'exec', argv: ['kill', '-10', '-1'] });
  });
});
