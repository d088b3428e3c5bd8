// Differential: the same docker exec commands against the local Docker Engine and against badidea; stdout, stderr
// and the exit code must be equal. One known difference, by decision: a command that is not found exits 127 on
// badidea, as current dockerd does (moby translateContainerdStartErr); dockerd 20.10, the local engine here, still
// says 126. The text is the same.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DOCKER, docker, run } from '../helpers/badidea.ts';
import { type ContainersSetup, dockerOk, setupContainers } from '../helpers/containers.ts';

const LOCAL: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DOCKER_HOST: 'unix:///var/run/docker.sock',
};

let s: ContainersSetup;
let localId = '';
before(async () => {
  s = await setupContainers();
  await dockerOk(['run', '-d', '--name', 'diff', 'busybox', 'sleep', '3600'], s.env, 120_000);
  localId = (await dockerOk(['run', '-d', 'busybox', 'sleep', '3600'], LOCAL)).trim();
});
after(async () => {
  if (localId) await docker(['rm', '-f', localId], LOCAL);
  await s?.stop();
});

interface Case {
  name: string;
  /** docker exec options and command, with CONTAINER where the container goes. */
  args: string[];
  stdin?: string;
  /** Exit code dockerd 20.10 gives where badidea follows current dockerd. */
  dockerd20Code?: number;
}

const cases: Case[] = [
  { name: 'echo', args: ['CONTAINER', 'echo', 'hi'] },
  { name: 'streams and exit 3', args: ['CONTAINER', 'sh', '-c', 'echo o; echo e >&2; exit 3'] },
  { name: 'exit 0 without output', args: ['CONTAINER', 'true'] },
  { name: 'not found', args: ['CONTAINER', 'nosuchcmd'], dockerd20Code: 126 },
  { name: 'not executable', args: ['CONTAINER', '/etc/passwd'] },
  {
    name: 'env and workdir',
    args: ['-e', 'A=1', '-e', 'B=two words', '-w', '/tmp', 'CONTAINER', 'sh', '-c', 'echo "$A $B"; pwd'],
  },
  { name: 'workdir missing', args: ['-w', '/nonexistent', 'CONTAINER', 'pwd'] },
  { name: 'user by name', args: ['-u', 'nobody', 'CONTAINER', 'id'] },
  { name: 'user unknown', args: ['-u', 'nosuchuser', 'CONTAINER', 'id'] },
  { name: 'user root', args: ['-u', 'root', 'CONTAINER', 'id', '-u'] },
  { name: 'stdin with EOF', args: ['-i', 'CONTAINER', 'sh', '-c', 'cat; echo end'], stdin: 'line 1\nline 2\n' },
  { name: 'env with a missing command', args: ['-e', 'X=1', 'CONTAINER', 'nosuchcmd'], dockerd20Code: 126 },
];

function execIn(env: NodeJS.ProcessEnv, container: string, c: Case) {
  const args = ['exec', ...c.args.map((a) => (a === 'CONTAINER' ? container : a))];
  if (c.stdin === undefined) return docker(args, env);
  const quoted = [DOCKER, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return run('sh', ['-c', `printf '%s' '${c.stdin.replace(/'/g, "'\\''")}' | ${quoted}`], env);
}

describe('docker exec: badidea against dockerd', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const [want, got] = await Promise.all([execIn(LOCAL, localId, c), execIn(s.env, 'diff', c)]);
      assert.equal(got.stdout, want.stdout, 'stdout');
      assert.equal(got.stderr, want.stderr, 'stderr');
      if (c.dockerd20Code !== undefined && want.code === c.dockerd20Code) assert.equal(got.code, 127, 'exit code');
      else assert.equal(got.code, want.code, 'exit code');
    });
  }
});
