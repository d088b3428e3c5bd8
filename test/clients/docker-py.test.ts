// Compatibility: Debian's python3-docker (docker-py 5.0.3, system python) against badidea on the (simulated)
// cluster. Each test runs one scenario of docker_py_client.py, which asserts with the library's own objects.

import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from '../helpers/badidea.ts';
import { type ContainersSetup, setupContainers } from '../helpers/containers.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'docker_py_client.py');

describe('docker-py (python3-docker 5.0.3)', () => {
  let s: ContainersSetup;
  before(async () => {
    s = await setupContainers();
  });
  after(() => s?.stop());

  async function scenario(name: string) {
    const r = await run(PYTHON, [SCRIPT, name], { ...s.env, DOCKER_API_VERSION: undefined }, 600_000);
    assert.equal(r.code, 0, `${name}:\n${r.stdout}${r.stderr}`);
    assert.equal(r.stdout.trim(), 'ok');
  }

  test('images.pull', () => scenario('pull'));
  test('containers.run detached: wait, logs, reload, list by name, remove, NotFound', () => scenario('run_detached'));
  test('containers.run attached: output, stderr, ContainerError with the exit status', () => scenario('run_attached'));
  test('logs(stream=True, follow=True)', () => scenario('logs_stream'));
  test('exec_run: exit code, demux, stream, stream+demux, environment, workdir, tty', () => scenario('exec_run'));
  test('put_archive and get_archive', () => scenario('archive'));
  test('networks.create and volumes.create: name resolution on the network, a shared volume', () =>
    scenario('networks_volumes'));
  test('events with decode, filters, since and until', () => scenario('events'));
  test('info, version, ImageNotFound', () => scenario('api_errors'));
});
