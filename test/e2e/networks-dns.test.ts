// Networks with the real docker CLI on the test cluster: containers on a user network reach each other by name,
// alias and short ID (busybox wget), later containers too; the same alias on two networks resolves to each side's
// own container; a container off the network cannot resolve the names; connect and disconnect take effect on a
// running container; inspect shows the network; rm of a network in use is refused. Names appear through the
// Endpoints badidea writes, so every check waits (generously) for them.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { docker } from '../helpers/badidea.ts';
import { type ContainersSetup, dockerOk, setupContainers } from '../helpers/containers.ts';

/** busybox httpd answering with one word. */
const serve = (word: string) => [
  'sh',
  '-c',
  `mkdir -p /www && echo ${word} > /www/index.html && exec httpd -f -p 80 -h /www`,
];

describe('networks: names on user networks', { timeout: 1_500_000 }, () => {
  let s: ContainersSetup;
  const env = () => s.env;

  /** What `wget http://<host>/` gives from inside `from` ('' when it fails). */
  async function fetchFrom(from: string, host: string): Promise<string> {
    const r = await docker(['exec', from, 'timeout', '5', 'wget', '-qO-', `http://${host}/`], env(), 60_000);
    return r.code === 0 ? r.stdout.trim() : '';
  }

  async function eventually(what: string, check: () => Promise<boolean>, withinMs = 120_000): Promise<void> {
    const end = Date.now() + withinMs;
    while (Date.now() < end) {
      if (await check()) return;
      await delay(1000);
    }
    assert.fail(`not within ${withinMs} ms: ${what}`);
  }

  const reaches = (from: string, host: string, word: string) =>
    eventually(`${from} reaches ${host} (${word})`, async () => (await fetchFrom(from, host)) === word);
  const cannotResolve = (from: string, host: string) =>
    eventually(`${from} cannot resolve ${host}`, async () => {
      const r = await docker(['exec', from, 'nslookup', host], env(), 60_000);
      return r.code !== 0 && (await fetchFrom(from, host)) === '';
    });

  async function run(name: string, network: string, word: string, alias?: string): Promise<string> {
    const args = ['run', '-d', '--name', name];
    if (network) args.push('--network', network);
    if (alias) args.push('--network-alias', alias);
    return (await dockerOk([...args, 'busybox', ...serve(word)], env(), 240_000)).trim();
  }

  before(async () => {
    s = await setupContainers();
    await dockerOk(['network', 'create', 'net1'], env());
    await dockerOk(['network', 'create', 'net2'], env());
  });
  after(async () => {
    await s?.stop();
  });

  test('two containers on net1 reach each other by name, alias and short ID', async () => {
    await run('a1', 'net1', 'a1', 'web');
    const a2 = await run('a2', 'net1', 'a2');
    await reaches('a1', 'a2', 'a2');
    await reaches('a2', 'web', 'a1');
    await reaches('a2', 'a1', 'a1');
    await reaches('a1', a2.slice(0, 12), 'a2');
    // Cluster DNS names still resolve inside the containers.
    const k = await docker(['exec', 'a1', 'nslookup', 'kubernetes.default.svc.cluster.local'], env(), 60_000);
    assert.equal(k.code, 0, k.stderr + k.stdout);
  });

  test('a container started later is reachable from one started earlier', async () => {
    await run('a3', 'net1', 'a3');
    await reaches('a1', 'a3', 'a3');
  });

  test('the same alias on net1 and net2 resolves to each side’s own container', async () => {
    await run('d1', 'net1', 'db1', 'db');
    await run('d2', 'net2', 'db2', 'db');
    await run('c2', 'net2', 'c2');
    await reaches('a1', 'db', 'db1');
    await reaches('c2', 'db', 'db2');
    await cannotResolve('c2', 'a1');
    // Names of networks do not resolve.
    await cannotResolve('a1', 'net1');
  });

  test('a container not on the network cannot resolve its names; connect and disconnect while running', async () => {
    await run('o1', '', 'o1');
    await cannotResolve('o1', 'a2');
    await dockerOk(['network', 'connect', '--alias', 'late', 'net1', 'o1'], env());
    await reaches('o1', 'a2', 'a2');
    await reaches('a1', 'late', 'o1');
    const inspect = JSON.parse(await dockerOk(['inspect', 'o1'], env()))[0];
    const net1 = inspect.NetworkSettings.Networks.net1;
    assert.ok(net1, JSON.stringify(inspect.NetworkSettings.Networks));
    assert.match(net1.NetworkID, /^[0-9a-f]{64}$/);
    assert.deepEqual(net1.Aliases, ['late']);
    assert.ok(net1.DNSNames.includes('o1') && net1.DNSNames.includes('late'), String(net1.DNSNames));
    assert.ok(net1.IPAddress);
    await dockerOk(['network', 'disconnect', 'net1', 'o1'], env());
    await cannotResolve('o1', 'a2');
    await cannotResolve('a1', 'late');
  });

  test('removed containers stop resolving; network inspect and rm while in use', async () => {
    await dockerOk(['rm', '-f', 'a3'], env(), 120_000);
    await cannotResolve('a1', 'a3');
    const net = JSON.parse(await dockerOk(['network', 'inspect', 'net1'], env()))[0];
    const names = Object.values(net.Containers as Record<string, { Name: string }>).map((c) => c.Name);
    assert.ok(names.includes('a1') && names.includes('a2'), names.join(','));
    const rm = await docker(['network', 'rm', 'net1'], env());
    assert.notEqual(rm.code, 0);
    assert.match(rm.stderr, /has active endpoints/);
  });
});
