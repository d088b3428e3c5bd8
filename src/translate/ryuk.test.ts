import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeRyukState,
  encodeRyukState,
  HEARTBEAT_STALE_MS,
  isRyukImageName,
  matchesAny,
  parseGoDuration,
  parseRyukLine,
  ryukDeadline,
  ryukTimeouts,
  withoutDockerSocket,
} from './ryuk.ts';

describe('Ryuk', () => {
  it('recognises testcontainers/ryuk under any registry, tag or digest, and nothing else', () => {
    for (const name of [
      'testcontainers/ryuk:0.14.0',
      'testcontainers/ryuk',
      'docker.io/testcontainers/ryuk:0.5.1',
      'mirror.example:5000/testcontainers/ryuk:0.14.0',
      'testcontainers/ryuk@sha256:0123',
    ]) {
      assert.equal(isRyukImageName(name), true, name);
    }
    for (const name of ['busybox', 'testcontainers/ryukish', 'testcontainers/sshd:1.2.0', 'ryuk']) {
      assert.equal(isRyukImageName(name), false, name);
    }
  });

  it('drops the Docker socket binds (Binds and Mounts), keeps the rest, and says so', () => {
    const r = withoutDockerSocket({
      Image: 'testcontainers/ryuk:0.14.0',
      HostConfig: {
        AutoRemove: true,
        Binds: ['/var/run/docker.sock:/var/run/docker.sock:rw', '/etc:/x'],
        Mounts: [{ Type: 'bind', Source: '/run/docker.sock', Target: '/var/run/docker.sock' }],
      },
    });
    assert.deepEqual(r.body.HostConfig, { AutoRemove: true, Binds: ['/etc:/x'], Mounts: [] });
    assert.match(r.warning ?? '', /Docker socket is not mounted/);
    const none = withoutDockerSocket({ Image: 'testcontainers/ryuk', HostConfig: {} });
    assert.equal(none.warning, undefined);
  });

  it('parses protocol lines into label filters', () => {
    assert.deepEqual(parseRyukLine('label=org.testcontainers.session-id=abc\r'), {
      filter: ['org.testcontainers.session-id=abc'],
    });
    assert.deepEqual(parseRyukLine('label=b%3D2&label=a'), { filter: ['a', 'b=2'] });
    assert.match((parseRyukLine('name=x') as { error: string }).error, /unsupported filter "name"/);
    assert.ok('error' in parseRyukLine(''));
    assert.ok('error' in parseRyukLine('label='));
  });

  it('matches labels against any filter, all labels of one', () => {
    const labels = { 'org.testcontainers.session-id': 's1', other: 'x' };
    assert.equal(matchesAny(labels, [['org.testcontainers.session-id=s1']]), true);
    assert.equal(matchesAny(labels, [['org.testcontainers.session-id=s2'], ['other']]), true);
    assert.equal(matchesAny(labels, [['org.testcontainers.session-id=s1', 'missing']]), false);
    assert.equal(matchesAny(labels, [[]]), false, 'an empty filter matches nothing');
  });

  it('reads Go durations and the timeouts from the environment', () => {
    assert.equal(parseGoDuration('10s'), 10_000);
    assert.equal(parseGoDuration('1m30s'), 90_000);
    assert.equal(parseGoDuration('250ms'), 250);
    assert.equal(parseGoDuration('1.5h'), 5_400_000);
    assert.equal(parseGoDuration('0'), 0);
    assert.equal(parseGoDuration('10'), undefined);
    assert.equal(parseGoDuration('ten s'), undefined);
    assert.deepEqual(ryukTimeouts(undefined), { connectionMs: 60_000, reconnectionMs: 10_000 });
    assert.deepEqual(ryukTimeouts(['RYUK_RECONNECTION_TIMEOUT=2s', 'RYUK_CONNECTION_TIMEOUT=bogus']), {
      connectionMs: 60_000,
      reconnectionMs: 2000,
    });
  });

  it('keeps its state on the pod, and decides when to prune from it', () => {
    const state = { filters: [['a=1']], aliveAt: Date.parse('2026-11-28T10:00:00Z'), connected: true };
    assert.deepEqual(decodeRyukState(encodeRyukState(state)), state);
    assert.equal(decodeRyukState('not json'), undefined);
    assert.equal(decodeRyukState(undefined), undefined);
    const t = { connectionMs: 60_000, reconnectionMs: 10_000 };
    // Never connected: the connection timeout from the start.
    assert.equal(ryukDeadline(undefined, 1000, t), 61_000);
    // Last connection closed at aliveAt: the reconnection timeout from then.
    assert.equal(ryukDeadline({ ...state, connected: false }, 0, t), state.aliveAt + 10_000);
    // Held by a replica that renews aliveAt: only once the renewals stopped.
    assert.equal(ryukDeadline(state, 0, t), state.aliveAt + HEARTBEAT_STALE_MS + 10_000);
  });
});
