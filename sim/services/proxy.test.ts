import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { inCidr, noAddresses } from './addresses.ts';
import { fakeStore } from './fake-store.ts';
import { type ServiceProxy, startServiceProxy } from './proxy.ts';
import { watchClusterView } from './view.ts';

// Backends and cluster IPs on loopback addresses: local already, so nothing is added to any interface.
const store = fakeStore();
const view = watchClusterView(store);
let proxy: ServiceProxy;
const servers: (net.Server | dgram.Socket)[] = [];

async function backend(ip: string, port: number, reply: string) {
  const s = net.createServer((c) => c.end(`${reply}\n`));
  await new Promise<void>((r) => s.listen(port, ip, r));
  servers.push(s);
}

function pod(name: string, ip: string, ready: boolean) {
  return {
    metadata: { name, namespace: 'ns', labels: { app: 'echo' } },
    spec: { containers: [{ name: 'c', ports: [{ name: 'web', containerPort: 18080 }] }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function fetchOnce(ip: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, ip);
    let out = '';
    c.on('data', (d) => {
      out += d;
    });
    c.on('end', () => resolve(out.trim()));
    c.on('error', reject);
  });
}

async function eventually(f: () => Promise<void>, ms = 2000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await f();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe('service proxy', () => {
  before(async () => {
    await backend('127.0.61.1', 18080, 'one');
    await backend('127.0.61.2', 18080, 'two');
    await backend('127.0.61.3', 18080, 'three');
    store.create('pods', pod('a', '127.0.61.1', true));
    store.create('pods', pod('b', '127.0.61.2', true));
    store.create('pods', pod('c', '127.0.61.3', false));
    store.create('services', {
      metadata: { name: 'echo', namespace: 'ns' },
      spec: { clusterIP: '127.0.62.10', selector: { app: 'echo' }, ports: [{ port: 18081, targetPort: 'web' }] },
    });
    store.create('services', {
      metadata: { name: 'outside', namespace: 'ns' },
      spec: { clusterIP: '127.0.63.10', selector: { app: 'echo' }, ports: [{ port: 18081, targetPort: 'web' }] },
    });
    proxy = startServiceProxy({
      view,
      addresses: noAddresses(),
      serviceCIDR: '127.0.62.0/24',
      backendCIDRs: ['127.0.61.0/24'],
      udpIdleMs: 200,
    });
    await proxy.ready();
  });
  after(async () => {
    await proxy.close();
    view.close();
    for (const s of servers) s.close();
  });

  it('round-robins over the ready endpoints', async () => {
    const got = new Set<string>();
    for (let i = 0; i < 4; i++) got.add(await fetchOnce('127.0.62.10', 18081));
    assert.deepEqual([...got].sort(), ['one', 'two']);
  });

  it('follows readiness and resets connections when no endpoint is ready', async () => {
    store.put('pods', pod('a', '127.0.61.1', false));
    store.put('pods', pod('b', '127.0.61.2', false));
    store.put('pods', pod('c', '127.0.61.3', true));
    assert.equal(await fetchOnce('127.0.62.10', 18081), 'three');
    store.put('pods', pod('c', '127.0.61.3', false));
    await assert.rejects(fetchOnce('127.0.62.10', 18081), /ECONNRESET/);
  });

  it('serves only cluster IPs in its range', async () => {
    await assert.rejects(fetchOnce('127.0.63.10', 18081), /ECONNREFUSED/);
  });

  it('relays UDP', async () => {
    const echo = dgram.createSocket('udp4');
    echo.on('message', (m, r) => echo.send(Buffer.concat([Buffer.from('echo:'), m]), r.port, r.address));
    await new Promise<void>((r) => echo.bind(18090, '127.0.61.1', r));
    servers.push(echo);
    store.put('pods', pod('a', '127.0.61.1', true));
    store.create('services', {
      metadata: { name: 'dns', namespace: 'ns' },
      spec: {
        clusterIP: '127.0.62.11',
        selector: { app: 'echo' },
        ports: [{ port: 18091, targetPort: 18090, protocol: 'UDP' }],
      },
    });
    await eventually(async () => {
      const c = dgram.createSocket('udp4');
      try {
        const reply = await new Promise<string>((resolve, reject) => {
          c.on('message', (m) => resolve(String(m)));
          c.send('hi', 18091, '127.0.62.11', (err) => err && reject(err));
          setTimeout(() => reject(new Error('no reply')), 200);
        });
        assert.equal(reply, 'echo:hi');
      } finally {
        c.close();
      }
    });
  });

  it('connects to no endpoint outside its backend ranges', async () => {
    await backend('127.0.64.1', 18080, 'outside');
    store.create('services', {
      metadata: { name: 'manual', namespace: 'ns' },
      spec: { clusterIP: '127.0.62.12', ports: [{ port: 18081 }] },
    });
    store.create('endpoints', {
      metadata: { name: 'manual', namespace: 'ns' },
      subsets: [{ addresses: [{ ip: '127.0.64.1' }], ports: [{ port: 18080 }] }],
    });
    await eventually(() => assert.rejects(fetchOnce('127.0.62.12', 18081), /ECONNRESET/));
  });

  it('stops serving a deleted service', async () => {
    store.delete('services', 'ns', 'echo');
    await eventually(() => assert.rejects(fetchOnce('127.0.62.10', 18081), /ECONNREFUSED/));
  });

  it('inCidr', () => {
    assert.equal(inCidr('10.96.3.7', '10.96.0.0/16'), true);
    assert.equal(inCidr('10.97.3.7', '10.96.0.0/16'), false);
    assert.equal(inCidr('10.97.3.7', '0.0.0.0/0'), true);
  });
});
