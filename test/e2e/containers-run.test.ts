// docker run in the foreground with the real docker CLI: output through attach, exit codes through wait, --rm
// removal, stdin piped with -i, a command that does not exist (127), and an interactive -it session in tmux.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { DOCKER, docker } from '../helpers/badidea.ts';
import { type ContainersSetup, dockerOk, setupContainers } from '../helpers/containers.ts';

function runWithStdin(args: string[], env: NodeJS.ProcessEnv, stdin: string, timeoutMs = 120_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(DOCKER, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => {
      stdout += d;
    });
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
    p.stdin.end(stdin);
  });
}

describe('docker run in the foreground', () => {
  let s: ContainersSetup;
  before(async () => {
    s = await setupContainers();
  });
  after(() => s?.stop());

  test('docker run --rm busybox echo hi', async () => {
    const r = await docker(['run', '--rm', 'busybox', 'echo', 'hi'], s.env, 120_000);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi\n');
    assert.equal((await dockerOk(['ps', '-aq'], s.env)).trim(), '', 'removed after the run');
  });

  test("docker run --rm busybox sh -c 'exit 3' exits 3", async () => {
    const r = await docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3'], s.env, 120_000);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal((await dockerOk(['ps', '-aq'], s.env)).trim(), '');
  });

  test('echo hi | docker run -i --rm busybox cat', async () => {
    const r = await runWithStdin(['run', '-i', '--rm', 'busybox', 'cat'], s.env, 'hi\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi\n');
  });

  test('a command that does not exist: 127, the container stays created (without --rm)', async () => {
    const r = await docker(['run', '--name', 'nocmd', 'busybox', 'nosuchcmd'], s.env, 120_000);
    assert.equal(r.code, 127, r.stderr);
    assert.match(r.stderr, /executable file not found in \$PATH/);
    const state = JSON.parse(await dockerOk(['inspect', '--format', '{{json .State}}', 'nocmd'], s.env)) as {
      Status: string;
      ExitCode: number;
      Error: string;
    };
    assert.equal(state.Status, 'created');
    assert.equal(state.ExitCode, 127);
    assert.match(state.Error, /executable file not found/);
    await dockerOk(['rm', 'nocmd'], s.env);
    const rm = await docker(['run', '--rm', 'busybox', 'nosuchcmd'], s.env, 120_000);
    assert.equal(rm.code, 127, rm.stderr);
    // --rm removes a container whose start failed, as dockerd does.
    for (let i = 0; i < 50 && (await dockerOk(['ps', '-aq'], s.env)).trim() !== ''; i++) await delay(100);
    assert.equal((await dockerOk(['ps', '-aq'], s.env)).trim(), '');
  });

  test('docker run -it --rm busybox sh in tmux', { skip: spawnSync('which', ['tmux']).status !== 0 }, async () => {
    const session = `badidea-${process.pid}`;
    const envArgs = Object.entries(s.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const tmux = (...args: string[]) => spawnSync('tmux', args, { encoding: 'utf8' });
    const started = tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '100',
      '-y',
      '20',
      ...envArgs,
      `${DOCKER} run -it --rm busybox sh; echo "rc=$?"; sleep 30`,
    );
    assert.equal(started.status, 0, started.stderr);
    try {
      const screen = () => tmux('capture-pane', '-p', '-t', session).stdout;
      const waitFor = async (re: RegExp, what: string) => {
        for (let i = 0; i < 300; i++) {
          if (re.test(screen())) return;
          await delay(200);
        }
        assert.fail(`timed out waiting for ${what}; screen:\n${screen()}`);
      };
      await waitFor(/^\/ #\s*$/m, 'the shell prompt');
      tmux('send-keys', '-t', session, 'echo hi there; stty size', 'Enter');
      await waitFor(/^hi there\s*$/m, 'the echo');
      await waitFor(/^20 100\s*$/m, 'the terminal size');
      tmux('send-keys', '-t', session, 'exit 3', 'Enter');
      await waitFor(/rc=3/, 'the exit code');
    } finally {
      tmux('kill-session', '-t', session);
    }
  });
});
