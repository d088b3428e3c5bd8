import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanDuration, statusText } from './status-text.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration (go-units rules)', () => {
  const cases: [number, string][] = [
    [0, 'Less than a second'],
    [999, 'Less than a second'],
    [1 * S, '1 second'],
    [1999, '1 second'],
    [2 * S, '2 seconds'],
    [59 * S + 999, '59 seconds'],
    [60 * S, 'About a minute'],
    [119 * S, 'About a minute'],
    [2 * M, '2 minutes'],
    [59 * M + 59 * S, '59 minutes'],
    [60 * M, 'About an hour'],
    [89 * M, 'About an hour'],
    [90 * M, '2 hours'],
    [47 * H + 29 * M, '47 hours'],
    [47 * H + 30 * M, '2 days'],
    [13 * D, '13 days'],
    [14 * D, '2 weeks'],
    [59 * D, '8 weeks'],
    [60 * D, '2 months'],
    [729 * D, '24 months'],
    [730 * D, '2 years'],
    [3 * 365 * D, '3 years'],
  ];
  for (const [ms, text] of cases) {
    it(`${ms} ms → ${text}`, () => assert.equal(humanDuration(ms), text));
  }
});

describe('statusText', () => {
  const now = Date.parse('2026-11-28T17:00:00Z');
  it('matches the captured docker ps strings', () => {
    assert.equal(statusText({ status: 'created' }, now), 'Created');
    assert.equal(statusText({ status: 'running', startedAt: '2026-11-28T16:59:59.2Z' }, now), 'Up Less than a second');
    assert.equal(statusText({ status: 'running', startedAt: '2026-11-28T16:59:59Z' }, now), 'Up 1 second');
    assert.equal(statusText({ status: 'running', startedAt: '2026-11-28T16:58:30Z' }, now), 'Up About a minute');
    assert.equal(statusText({ status: 'running', startedAt: '2026-11-28T15:00:00Z' }, now), 'Up 2 hours');
    assert.equal(
      statusText({ status: 'exited', exitCode: 0, finishedAt: '2026-11-28T16:59:57Z' }, now),
      'Exited (0) 3 seconds ago',
    );
    assert.equal(
      statusText({ status: 'exited', exitCode: 137, finishedAt: '2026-11-28T16:59:59.9Z' }, now),
      'Exited (137) Less than a second ago',
    );
  });
  it('adds the health like Docker', () => {
    const startedAt = '2026-11-28T16:59:55Z';
    assert.equal(
      statusText({ status: 'running', startedAt, health: 'starting' }, now),
      'Up 5 seconds (health: starting)',
    );
    assert.equal(statusText({ status: 'running', startedAt, health: 'healthy' }, now), 'Up 5 seconds (healthy)');
    assert.equal(statusText({ status: 'running', startedAt, health: 'unhealthy' }, now), 'Up 5 seconds (unhealthy)');
    assert.equal(statusText({ status: 'running', startedAt, health: 'none' }, now), 'Up 5 seconds');
  });
  it('covers the other states', () => {
    assert.equal(
      statusText({ status: 'restarting', exitCode: 1, finishedAt: '2026-11-28T16:59:50Z' }, now),
      'Restarting (1) 10 seconds ago',
    );
    assert.equal(statusText({ status: 'paused', startedAt: '2026-11-28T16:59:50Z' }, now), 'Up 10 seconds (Paused)');
    assert.equal(statusText({ status: 'removing' }, now), 'Removal In Progress');
    assert.equal(statusText({ status: 'dead' }, now), 'Dead');
    assert.equal(statusText({ status: 'running', startedAt: 'garbage' }, now), 'Up Less than a second');
    assert.equal(
      statusText({ status: 'exited', exitCode: 0, finishedAt: '2026-11-28T17:00:05Z' }, now),
      'Exited (0) Less than a second ago',
      'a clock skew never gives a negative duration',
    );
  });
});
