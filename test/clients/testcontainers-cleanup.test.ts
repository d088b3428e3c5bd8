// Cleanup of Testcontainers sessions whose process dies (docs/ryuk.md), with the published testcontainers package
// in a child process that is killed with SIGKILL mid-run:
// - Ryuk enabled: badidea serves Ryuk itself (no Docker socket in any pod); once the killed session's connection
//   is gone for RYUK_RECONNECTION_TIMEOUT, its container, its network and the Ryuk container are removed.
// - Ryuk disabled: badidea's abandoned-session reaper (--reap-sessions-after) removes what the session left, and
//   nothing else: not a container of another client, not a Kubernetes object badidea did not create.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ContainersSetup, dockerOk, setupContainers } from '../helpers/containers.ts';

interface Session {
  container: string;
  network: string;
  session: string;
}

/** Starts the session fixture against `s` with the TESTCONTAINERS_* settings; resolves with what it created. */
async function startSession(
  s: ContainersSetup,
  settings: Record<string, string>,
): Promise<{ child: ChildProcess; created: Session }> {
  const env = { ...process.env, ...s.env, DOCKER_HOST: s.server.dockerHost, ...settings };
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('fixtures/testcontainers-session.ts', import.meta.url))],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const created = await new Promise<Session>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as Session);
    });
    child.on('exit', (code) => reject(new Error(`the session exited (${code}) before it was ready: ${err}`)));
  });
  return { child, created };
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  return exited;
}

/** Polls until `gone()` holds; returns the seconds it took. */
async function secondsUntil(gone: () => Promise<boolean>, limitMs: number): Promise<number> {
  const t0 = Date.now();
  while (!(await gone())) {
    if (Date.now() - t0 > limitMs) throw new Error(`not gone after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return (Date.now() - t0) / 1000;
}

const ids = async (s: ContainersSetup, what: 'ps' | 'network') =>
  (await dockerOk(what === 'ps' ? ['ps', '-aq', '--no-trunc'] : ['network', 'ls', '-q', '--no-trunc'], s.env))
    .split('\n')
    .filter(Boolean);

describe('Ryuk served by badidea', () => {
  let s: ContainersSetup;
  before(async () => {
    s = await setupContainers();
  });
  after(() => s?.stop());

  test('a killed session: its container, network and Ryuk are gone after the reconnection timeout', async () => {
    const { child, created } = await startSession(s, { TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT: '2s' });
    try {
      // The Ryuk container: running, found by Testcontainers' label, its port published, its pod without any
      // host path (the Docker socket bind was not mounted) and running the placeholder image.
      const ryuk = (
        await dockerOk(
          ['ps', '--filter', 'label=org.testcontainers.ryuk=true', '--format', '{{.ID}} {{.Image}}'],
          s.env,
        )
      ).trim();
      assert.match(ryuk, /^[0-9a-f]{12} testcontainers\/ryuk:0\.14\.0$/);
      const inspect = JSON.parse(await dockerOk(['inspect', ryuk.split(' ')[0]], s.env))[0];
      assert.ok(inspect.NetworkSettings.Ports['8080/tcp'][0].HostPort);
      const pods = JSON.parse((await s.cluster.kubectl(['get', 'pods', '-o', 'json'])).stdout).items as {
        metadata: { name: string; annotations?: Record<string, string> };
        spec: { volumes?: { hostPath?: unknown }[]; containers: { image: string }[] };
      }[];
      const ryukPod = pods.find((p) => p.metadata.annotations?.['badidea.dev/id'] === inspect.Id);
      assert.ok(ryukPod, 'the Ryuk container has a pod');
      assert.equal(ryukPod.spec.volumes?.some((v) => v.hostPath) ?? false, false);
      assert.match(ryukPod.spec.containers[0].image, /busybox/);
      // The session's filter reached badidea and is kept on the pod (for a restarted server or another replica).
      const state = JSON.parse(ryukPod.metadata.annotations?.['badidea.dev/ryuk'] ?? '{}');
      assert.deepEqual(state.filters, [[`org.testcontainers.session-id=${created.session}`]]);

      assert.ok((await ids(s, 'ps')).includes(created.container));
      await kill(child);
      const seconds = await secondsUntil(async () => {
        const [ps, nets] = [await ids(s, 'ps'), await ids(s, 'network')];
        return !ps.includes(created.container) && !nets.includes(created.network) && ps.length === 0;
      }, 60_000);
      console.log(`# session removed ${seconds} s after its process was killed (reconnection timeout 2 s)`);
      const left = await s.cluster.kubectl(['get', 'pods', '-l', 'badidea.dev/managed=true', '-o', 'name']);
      assert.equal(left.stdout.trim(), '');
    } finally {
      await kill(child);
    }
  });
});

describe('Ryuk across a server restart', () => {
  let s: ContainersSetup;
  before(async () => {
    s = await setupContainers();
  });
  after(() => s?.stop());

  test('a server killed while a session is connected: the restarted one cleans up from the pod record', async () => {
    const { child, created } = await startSession(s, { TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT: '2s' });
    try {
      // SIGKILL: the server's memory (and the session's connection) is gone; only the pod annotation remains.
      await s.restartServer();
      assert.ok((await ids(s, 'ps')).includes(created.container));
      const seconds = await secondsUntil(async () => (await ids(s, 'ps')).length === 0, 90_000);
      console.log(`# the restarted server removed the session ${seconds} s after it started`);
      assert.ok(!(await ids(s, 'network')).includes(created.network));
    } finally {
      await kill(child);
    }
  });
});

describe('abandoned sessions without Ryuk', () => {
  let s: ContainersSetup;
  before(async () => {
    s = await setupContainers(['--reap-sessions-after', '5']);
  });
  after(() => s?.stop());

  test('what a killed session left is removed after --reap-sessions-after, and nothing else', async () => {
    // Another client's container, and a Kubernetes object badidea did not create, with the same session label.
    await dockerOk(['run', '-d', '--name', 'bystander', 'busybox', 'sleep', '3600'], s.env);
    const { child, created } = await startSession(s, { TESTCONTAINERS_RYUK_DISABLED: 'true' });
    try {
      const foreign = await s.cluster.kubectl(['create', 'configmap', 'not-badidea', '--from-literal=a=b']);
      assert.equal(foreign.code, 0, foreign.stderr);
      await s.cluster.kubectl([
        'label',
        'configmap',
        'not-badidea',
        `org.testcontainers.session-id=${created.session}`,
      ]);
      await kill(child);
      const seconds = await secondsUntil(async () => {
        const [ps, nets] = [await ids(s, 'ps'), await ids(s, 'network')];
        return !ps.includes(created.container) && !nets.includes(created.network);
      }, 90_000);
      console.log(`# abandoned session removed ${seconds} s after its process was killed (age 5 s)`);
      assert.match(await dockerOk(['ps', '--format', '{{.Names}}'], s.env), /^bystander$/m);
      const cm = await s.cluster.kubectl(['get', 'configmap', 'not-badidea', '-o', 'name']);
      assert.equal(cm.stdout.trim(), 'configmap/not-badidea');
    } finally {
      await kill(child);
    }
  });
});
