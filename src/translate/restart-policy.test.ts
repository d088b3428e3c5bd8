import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkAutoRemove,
  kubeletWouldOverrun,
  parseRestartPolicy,
  podRestartPolicy,
  shouldRestart,
} from './restart-policy.ts';
import { TranslationError } from './translation-error.ts';

function refuses(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof TranslationError && e.kind === 'invalid' && e.message === message);
}

describe('parseRestartPolicy', () => {
  it('accepts the four policies and the empty default', () => {
    assert.deepEqual(parseRestartPolicy(undefined), { name: 'no' });
    assert.deepEqual(parseRestartPolicy({ Name: '', MaximumRetryCount: 5 }), { name: 'no' });
    assert.deepEqual(parseRestartPolicy({ Name: 'no', MaximumRetryCount: 0 }), { name: 'no' });
    assert.deepEqual(parseRestartPolicy({ Name: 'always' }), { name: 'always' });
    assert.deepEqual(parseRestartPolicy({ Name: 'unless-stopped' }), { name: 'unless-stopped' });
    assert.deepEqual(parseRestartPolicy({ Name: 'on-failure', MaximumRetryCount: 3 }), {
      name: 'on-failure',
      maximumRetryCount: 3,
    });
  });
  it("refuses with moby's messages", () => {
    refuses(
      () => parseRestartPolicy({ Name: 'always', MaximumRetryCount: 2 }),
      "invalid restart policy: maximum retry count can only be used with 'on-failure'",
    );
    refuses(
      () => parseRestartPolicy({ Name: 'no', MaximumRetryCount: -1 }),
      "invalid restart policy: maximum retry count can only be used with 'on-failure' and cannot be negative",
    );
    refuses(
      () => parseRestartPolicy({ Name: 'on-failure', MaximumRetryCount: -1 }),
      'invalid restart policy: maximum retry count cannot be negative',
    );
    refuses(
      () => parseRestartPolicy({ Name: 'sometimes' }),
      "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
    );
  });
});

describe('podRestartPolicy', () => {
  it('maps to the kubelet policy', () => {
    assert.equal(podRestartPolicy({ name: 'no' }), 'Never');
    assert.equal(podRestartPolicy({ name: 'always' }), 'Always');
    assert.equal(podRestartPolicy({ name: 'unless-stopped' }), 'Always');
    assert.equal(podRestartPolicy({ name: 'on-failure', maximumRetryCount: 0 }), 'OnFailure');
  });
});

describe('shouldRestart', () => {
  const base = { exitCode: 1, restartCount: 0, stoppedByUser: false };
  it('follows the policy', () => {
    assert.equal(shouldRestart({ ...base, policy: { name: 'no' } }), false);
    assert.equal(shouldRestart({ ...base, exitCode: 0, policy: { name: 'always' } }), true);
    assert.equal(shouldRestart({ ...base, exitCode: 0, policy: { name: 'unless-stopped' } }), true);
    assert.equal(shouldRestart({ ...base, exitCode: 0, policy: { name: 'on-failure', maximumRetryCount: 0 } }), false);
    assert.equal(shouldRestart({ ...base, policy: { name: 'on-failure', maximumRetryCount: 0 } }), true);
  });
  it('counts on-failure retries', () => {
    const policy = { name: 'on-failure' as const, maximumRetryCount: 2 };
    assert.equal(shouldRestart({ ...base, restartCount: 1, policy }), true);
    assert.equal(shouldRestart({ ...base, restartCount: 2, policy }), false);
    assert.equal(kubeletWouldOverrun(policy, 1), false);
    assert.equal(kubeletWouldOverrun(policy, 2), true);
    assert.equal(kubeletWouldOverrun({ name: 'on-failure', maximumRetryCount: 0 }, 99), false);
    assert.equal(kubeletWouldOverrun({ name: 'always' }, 99), false);
  });
  it('never restarts a container a user stopped', () => {
    assert.equal(shouldRestart({ ...base, stoppedByUser: true, policy: { name: 'always' } }), false);
    assert.equal(shouldRestart({ ...base, stoppedByUser: true, policy: { name: 'unless-stopped' } }), false);
  });
});

describe('checkAutoRemove', () => {
  it('refuses --rm with a restart policy', () => {
    checkAutoRemove(true, { name: 'no' });
    checkAutoRemove(false, { name: 'always' });
    refuses(() => checkAutoRemove(true, { name: 'always' }), "can't create 'AutoRemove' container with restart policy");
  });
});
