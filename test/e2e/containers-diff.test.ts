// Differential tests: the same docker CLI commands against the local Docker Engine (dockerd 20.10, the reference)
// and against badidea; exit codes, output, error messages and the inspect fields clients rely on must agree.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { docker } from '../helpers/badidea.ts';
import { type ContainersSetup, setupContainers } from '../helpers/containers.ts';

const LOCAL: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DOCKER_HOST: 'unix:///var/run/docker.sock',
};
const haveDocker =
  spawnSync('docker', ['-H', 'unix:///var/run/docker.sock', 'version'], { stdio: 'ignore' }).status === 0;
const tag = `d${process.pid}`;

/** IDs and times differ between the engines: replace them before comparing. */
function normalise(text: string): string {
  return text
    .replace(/[0-9a-f]{64}/g, '<id>')
    .replace(/\b[0-9a-f]{12}\b/g, '<short>')
    .replace(/\d{4}-\d\d-\d\dT[0-9:.]+Z/g, '<time>');
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('the same commands against dockerd and badidea', { skip: !haveDocker }, () => {
  let s: ContainersSetup;
  before(async () => {
    s = await setupContainers();
  });
  after(async () => {
    const names = ['run', 'err', 'ctl'].map((n) => `${tag}-${n}`);
    await docker(['rm', '-f', ...names], LOCAL);
    await s?.stop();
  });

  /** Runs args on both engines; returns [dockerd, badidea]. */
  async function both(args: string[], timeoutMs = 120_000): Promise<[Outcome, Outcome]> {
    const ref = await docker(args, LOCAL, timeoutMs);
    const ours = await docker(args, s.env, timeoutMs);
    return [ref, ours];
  }

  function same(args: string[], [ref, ours]: [Outcome, Outcome], what: ('code' | 'stdout' | 'stderr')[]) {
    for (const k of what) {
      const a = k === 'code' ? ref.code : normalise(ref[k]);
      const b = k === 'code' ? ours.code : normalise(ours[k]);
      assert.deepEqual(
        b,
        a,
        `docker ${args.join(' ')}: ${k} differs\n dockerd: ${JSON.stringify(ref)}\n badidea: ${JSON.stringify(ours)}`,
      );
    }
  }

  test('foreground runs: output and exit codes', async () => {
    for (const args of [
      ['run', '--rm', 'busybox', 'echo', 'hi'],
      ['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3'],
      ['run', '--rm', 'busybox', 'sh', '-c', 'exit 42'],
      ['run', '--rm', '-e', 'A=b', '-w', '/tmp', 'busybox', 'sh', '-c', 'echo $A; pwd'],
      ['run', '--rm', '--entrypoint', 'echo', 'busybox', 'x', 'y'],
    ]) {
      same(args, await both(args), ['code', 'stdout', 'stderr']);
    }
    const args = ['run', '--rm', 'busybox', 'nosuchcmd'];
    const [ref, ours] = await both(args);
    same(args, [ref, ours], ['code']);
    assert.equal(ours.code, 127);
    assert.match(ours.stderr, /executable file not found in \$PATH/);
  });

  test('detached lifecycle: inspect fields, stop/kill exit codes, 304s, 404/409 messages', async () => {
    const name = `${tag}-ctl`;
    same(['run', '-d'], await both(['run', '-d', '--name', name, '--label', 'k=v', 'busybox', 'sleep', '300']), [
      'code',
    ]);
    const fields =
      '{{.Name}}|{{.State.Status}}|{{.State.Running}}|{{.Path}}|{{json .Args}}|{{json .Config.Cmd}}|{{.Config.Image}}|{{.Config.Labels.k}}|{{.HostConfig.RestartPolicy.Name}}|{{.Config.Tty}}|{{.Config.OpenStdin}}|{{.RestartCount}}|{{.State.ExitCode}}|{{len .Id}}';
    same(['inspect'], await both(['inspect', '--format', fields, name]), ['code', 'stdout']);
    same(
      ['ps'],
      await both(['ps', '--filter', `name=^/?${name}$`, '--format', '{{.Names}} {{.Image}} {{.Command}} {{.State}}']),
      ['code', 'stdout'],
    );
    same(['start running'], await both(['start', name]), ['code', 'stdout', 'stderr']);
    same(['rm running'], await both(['rm', name]), ['code', 'stderr']);
    // sleep as PID 1 ignores SIGTERM: -t 1 ends in SIGKILL, 137 on both.
    same(['stop -t 1'], await both(['stop', '-t', '1', name]), ['code', 'stdout']);
    same(
      ['exit code'],
      await both(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}', name]),
      ['code', 'stdout'],
    );
    same(['stop stopped'], await both(['stop', name]), ['code', 'stdout', 'stderr']);
    same(['kill stopped'], await both(['kill', name]), ['code', 'stderr']);
    same(['start'], await both(['start', name]), ['code', 'stdout']);
    same(['kill'], await both(['kill', name]), ['code', 'stdout']);
    same(['wait'], await both(['wait', name]), ['code', 'stdout']);
    same(['kill -s NOPE'], await both(['kill', '-s', 'NOPE', name]), ['code']);
    same(['rename'], await both(['rename', name, name]), ['code']);
    same(['rm'], await both(['rm', name]), ['code', 'stdout']);
    for (const args of [
      ['stop', 'nosuch'],
      ['inspect', 'nosuch'],
      ['rm', 'nosuch'],
      ['start', 'nosuch'],
      ['kill', 'nosuch'],
    ]) {
      same(args, await both([...args, `${tag}-nosuch`]), ['code', 'stderr']);
    }
  });

  test('create errors agree', async () => {
    const name = `${tag}-err`;
    same(['create'], await both(['create', '--name', name, 'busybox', 'true']), ['code']);
    same(['create dup'], await both(['create', '--name', name, 'busybox', 'true']), ['code', 'stderr']);
    same(['bad name'], await both(['create', '--name', 'bad/name', 'busybox', 'true']), ['code', 'stderr']);
    same(['restart+rm'], await both(['create', '--rm', '--restart', 'always', 'busybox', 'true']), ['code', 'stderr']);
    same(['rm'], await both(['rm', name]), ['code', 'stdout']);
  });
});
