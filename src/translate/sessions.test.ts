import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abandonedSessions, SESSION_LABEL, type SessionSubject, sessionsOfFilter } from './sessions.ts';

test('abandoned sessions: idle for the age, not guarded by a Ryuk; unlabelled objects never count', () => {
  const at = (session: string | undefined, created: number): SessionSubject => ({
    labels: session ? { [SESSION_LABEL]: session } : {},
    created,
  });
  const now = 100_000;
  const subjects = [
    at('old', 10_000),
    at('old', 20_000),
    at('recent', 10_000),
    at('recent', 95_000), // something new: the session is alive
    at('guarded', 1_000),
    at(undefined, 0),
    at('unknown-time', Number.NaN),
  ];
  assert.deepEqual(abandonedSessions(subjects, new Set(['guarded']), now, 60_000), ['old']);
  assert.deepEqual(abandonedSessions(subjects, new Set(), now, 60_000), ['guarded', 'old']);
});

test('the sessions a Ryuk filter names', () => {
  assert.deepEqual(sessionsOfFilter([`${SESSION_LABEL}=s1`, 'other=x']), ['s1']);
  assert.deepEqual(sessionsOfFilter(['com.docker.compose.project=p']), []);
});
