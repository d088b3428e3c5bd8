// Differential: the volume API against the local Docker Engine and against badidea on the (simulated) cluster —
// the same requests give the same status codes, messages and response keys.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { docker } from '../helpers/badidea.ts';
import { type ContainersSetup, dockerOk, setupContainers } from '../helpers/containers.ts';

const LOCAL = 'unix:///var/run/docker.sock';
const SUFFIX = `${process.pid}`;

interface Answer {
  status: number;
  body: unknown;
}

function call(host: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const target = host.startsWith('unix://')
    ? { socketPath: host.slice('unix://'.length) }
    : {
        host: new URL(host.replace(/^tcp:/, 'http:')).hostname,
        port: Number(new URL(host.replace(/^tcp:/, 'http:')).port),
      };
  return new Promise((resolve, reject) => {
    const req = request(
      { ...target, method, path: `/v1.41${path}`, headers: body ? { 'Content-Type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const keys = (v: unknown) => Object.keys(v as object).sort();
const message = (a: Answer) => (a.body as { message?: string } | undefined)?.message;

describe('volume API: local Docker Engine vs badidea', () => {
  let s: ContainersSetup;
  let hosts: [string, string];
  before(async () => {
    s = await setupContainers();
    hosts = [LOCAL, s.server.dockerHost];
  });
  after(async () => {
    const local = { ...process.env, DOCKER_HOST: LOCAL };
    await docker(['rm', '-f', `vdiff-c-${SUFFIX}`], local);
    await docker(['volume', 'rm', '-f', `vdiff-${SUFFIX}`, `vdiff-used-${SUFFIX}`], local);
    await s?.stop();
  });

  /** Runs one request on both; returns [docker, badidea]. */
  const both = async (method: string, path: string, body?: unknown) =>
    Promise.all(hosts.map((h) => call(h, method, path, body))) as Promise<[Answer, Answer]>;

  test('create, inspect, list: same codes and keys', async () => {
    const name = `vdiff-${SUFFIX}`;
    const [dc, bc] = await both('POST', '/volumes/create', { Name: name, Driver: 'local', Labels: { a: 'b' } });
    assert.equal(bc.status, dc.status);
    assert.deepEqual(keys(bc.body), keys(dc.body));
    assert.deepEqual((bc.body as { Labels: unknown }).Labels, (dc.body as { Labels: unknown }).Labels);
    // Creating it again answers with the existing volume.
    const again = await both('POST', '/volumes/create', { Name: name });
    assert.deepEqual(
      again.map((a) => a.status),
      [201, 201],
    );
    const [di, bi] = await both('GET', `/volumes/${name}`);
    assert.equal(bi.status, di.status);
    for (const k of keys(di.body)) assert.ok(keys(bi.body).includes(k), `inspect lacks ${k}`);
    const [dl, bl] = await both('GET', `/volumes?filters=${encodeURIComponent(JSON.stringify({ name: [name] }))}`);
    assert.deepEqual(keys(bl.body), keys(dl.body));
    const names = (a: Answer) => (a.body as { Volumes: { Name: string }[] }).Volumes.map((v) => v.Name);
    assert.deepEqual(names(bl), names(dl));
    const [dr, br] = await both('DELETE', `/volumes/${name}`);
    assert.deepEqual([br.status, dr.status], [204, 204]);
  });

  test('errors: same status and message', async () => {
    const cases: [string, string, unknown?][] = [
      ['GET', '/volumes/nosuch'],
      ['DELETE', '/volumes/nosuch'],
      ['POST', '/volumes/create', { Name: 'bad/name' }],
      ['GET', `/volumes?filters=${encodeURIComponent('{"foo":["x"]}')}`],
      ['GET', `/volumes?filters=${encodeURIComponent('{"dangling":["maybe"]}')}`],
      ['POST', `/volumes/prune?filters=${encodeURIComponent('{"foo":["x"]}')}`],
    ];
    for (const [method, path, body] of cases) {
      const [d, b] = await both(method, path, body);
      assert.equal(b.status, d.status, `${method} ${path}`);
      assert.equal(message(b), message(d), `${method} ${path}`);
    }
    // Unknown driver options: both 400, and badidea's message starts with Docker's.
    const [d, b] = await both('POST', '/volumes/create', { Name: 'optx', DriverOpts: { foo: 'bar' } });
    assert.deepEqual([b.status, d.status], [400, 400]);
    assert.ok(message(b)?.startsWith(message(d) ?? '?'), message(b));
    // force ignores a missing volume.
    const forced = await both('DELETE', '/volumes/nosuch?force=1');
    assert.deepEqual(
      forced.map((a) => a.status),
      [204, 204],
    );
  });

  test('in use by a created container: 409 with the container ID', async () => {
    const vol = `vdiff-used-${SUFFIX}`;
    const images = ['busybox:latest', 'busybox'];
    const ids: string[] = [];
    for (const [i, host] of hosts.entries()) {
      const env = i === 0 ? { ...process.env, DOCKER_HOST: host } : s.env;
      const name = i === 0 ? `vdiff-c-${SUFFIX}` : 'vdiff-c';
      ids.push((await dockerOk(['create', '--name', name, '-v', `${vol}:/d`, images[i], 'true'], env, 120_000)).trim());
    }
    const answers = await both('DELETE', `/volumes/${vol}`);
    answers.forEach((a, i) => {
      assert.equal(a.status, 409);
      assert.equal(message(a), `remove ${vol}: volume is in use - [${ids[i]}]`);
    });
    await dockerOk(['rm', 'vdiff-c'], s.env);
    await dockerOk(['volume', 'rm', vol], s.env);
  });
});
