// Differential: the same docker network commands against the local Docker Engine and against badidea; exit codes,
// stdout and the error messages must match (IDs normalised). Only objects this test creates are touched on the local
// engine: prune always carries this run's label filter (an unfiltered prune would remove other users' networks).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { docker } from '../helpers/badidea.ts';
import { type ContainersSetup, setupContainers } from '../helpers/containers.ts';

const LOCAL: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock' };
const run = randomBytes(3).toString('hex');
const N1 = `bdn1-${run}`;
const N2 = `bdn2-${run}`;
const C = `bdc-${run}`;
const LABEL = `bdtest=${run}`;

function steps(image: string): string[][] {
  return [
    ['network', 'create', '--label', LABEL, N1],
    ['network', 'create', N1],
    ['network', 'ls', '--filter', `name=${N1}`, '--format', '{{.Name}} {{.Driver}} {{.Scope}}'],
    ['network', 'inspect', N1, '--format', '{{.Name}} {{.Driver}} {{.Internal}} {{.Attachable}} {{json .Labels}}'],
    ['network', 'create', '--internal', '--attachable', '--label', LABEL, '-o', 'foo=bar', N2],
    ['network', 'inspect', N2, '--format', '{{.Internal}} {{.Attachable}} {{json .Options}} {{json .Labels}}'],
    ['network', 'ls', '--filter', `label=${LABEL}`, '--filter', 'driver=bridge', '--format', '{{.Name}}'],
    ['network', 'rm', `nosuch-${run}`],
    ['network', 'rm', 'bridge'],
    ['network', 'inspect', `nosuch-${run}`],
    ['run', '-d', '--name', C, '--network', N1, image, 'sleep', '300'],
    ['network', 'rm', N1],
    ['network', 'connect', N2, C],
    ['network', 'connect', N2, C],
    ['network', 'connect', 'host', C],
    ['inspect', C, '--format', `{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}`],
    ['network', 'disconnect', N2, C],
    ['network', 'prune', '-f', '--filter', `label=${LABEL}`],
    ['rm', '-f', C],
    ['network', 'rm', N1],
    ['network', 'ls', '--filter', `label=${LABEL}`, '--format', '{{.Name}}'],
  ];
}

const normalise = (s: string) =>
  s
    .replace(/[0-9a-f]{64}/g, '<ID>')
    .replace(/^<ID>\n$/, '<ID>\n')
    .replace(/\n$/, '');

describe('networks: differential against the local Docker Engine', { timeout: 900_000 }, () => {
  let s: ContainersSetup;
  before(async () => {
    s = await setupContainers();
  });
  after(async () => {
    await docker(['rm', '-f', C], LOCAL);
    await docker(['network', 'rm', N1, N2], LOCAL);
    await s?.stop();
  });

  test('create, ls, inspect, rm (404/403/in use), connect, disconnect, prune', async (t) => {
    const local = await docker(['version', '--format', '{{.Server.Version}}'], LOCAL);
    if (local.code !== 0) return t.skip('no local Docker Engine');
    const theirs: string[] = [];
    for (const step of steps('busybox:latest')) {
      const r = await docker(step, LOCAL, 120_000);
      theirs.push(`${step.join(' ')} → ${r.code === 0 ? 0 : 1}\n${normalise(r.stdout)}\n${normalise(r.stderr)}`);
    }
    const ours: string[] = [];
    for (const step of steps('busybox')) {
      const r = await docker(step, s.env, 240_000);
      ours.push(
        `${step.join(' ').replace(' busybox ', ' busybox:latest ')} → ${r.code === 0 ? 0 : 1}\n${normalise(r.stdout)}\n${normalise(r.stderr)}`,
      );
    }
    assert.deepEqual(ours, theirs);
  });
});
