import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import dnsPacket, { type Packet, type RecordType } from 'dns-packet';
import { fakeStore } from '../services/fake-store.ts';
import { watchClusterView } from '../services/view.ts';
import { type DnsServer, startDnsServer } from './server.ts';

const store = fakeStore();
const view = watchClusterView(store);
let server: DnsServer;

function pod(name: string, ip: string, labels: Record<string, string>, ready = true, extra = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns1', labels },
    spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }], ...extra },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

async function ask(name: string, type: RecordType, tcp = false): Promise<Reply> {
  const q = dnsPacket.encode({
    type: 'query',
    id: 7,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: 'IN' }],
  });
  if (tcp) {
    return await new Promise((resolve, reject) => {
      const s = net.connect(server.port, server.host, () =>
        s.write(
          dnsPacket.streamEncode({
            type: 'query',
            id: 7,
            flags: 0,
            questions: [{ type, name, class: 'IN' }],
          }),
        ),
      );
      let buf = Buffer.alloc(0);
      s.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          s.end();
          resolve(dnsPacket.streamDecode(buf) as Reply);
        }
      });
      s.on('error', reject);
    });
  }
  const sock = dgram.createSocket('udp4');
  try {
    return await new Promise((resolve, reject) => {
      sock.on('message', (m) => resolve(dnsPacket.decode(m) as Reply));
      sock.on('error', reject);
      sock.send(q, server.port, server.host);
    });
  } finally {
    sock.close();
  }
}

type Reply = Packet & { rcode?: string; flag_aa?: boolean };
const data = (p: Packet) => (p.answers ?? []).map((a) => ('data' in a ? a.data : undefined));

describe('cluster DNS', () => {
  before(async () => {
    store.create('services', {
      metadata: { name: 'web', namespace: 'ns1' },
      spec: {
        clusterIP: '10.96.0.20',
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
    });
    store.create('services', {
      metadata: { name: 'db', namespace: 'ns1' },
      spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
    });
    store.create('services', {
      metadata: { name: 'ext', namespace: 'ns1' },
      spec: { type: 'ExternalName', externalName: 'web.ns1.svc.cluster.local' },
    });
    store.create('pods', pod('db-0', '10.244.0.5', { app: 'db' }, true, { hostname: 'db-0', subdomain: 'db' }));
    store.create('pods', pod('db-1', '10.244.0.6', { app: 'db' }, false));
    store.create('pods', pod('db-2', '10.244.0.7', { app: 'db' }, true));
    server = await startDnsServer({ view, host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await server.close();
    view.close();
  });

  it('answers a ClusterIP service with its cluster IP, case-insensitively', async () => {
    const r = await ask('Web.NS1.svc.cluster.local', 'A');
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.flag_aa, true);
    assert.deepEqual(data(r), ['10.96.0.20']);
    assert.equal(r.answers?.[0].name, 'Web.NS1.svc.cluster.local');
  });

  it('answers a headless service with its ready pod IPs', async () => {
    const r = await ask('db.ns1.svc.cluster.local', 'A');
    assert.deepEqual(data(r).sort(), ['10.244.0.5', '10.244.0.7']);
  });

  it('answers SRV for named ports', async () => {
    const r = await ask('_http._tcp.web.ns1.svc.cluster.local', 'SRV');
    assert.deepEqual(data(r), [{ priority: 0, weight: 100, port: 80, target: 'web.ns1.svc.cluster.local' }]);
    const h = await ask('_pg._tcp.db.ns1.svc.cluster.local', 'SRV');
    const targets = (data(h) as { target: string; port: number }[]).map((d) => `${d.target}:${d.port}`).sort();
    assert.deepEqual(targets, ['10-244-0-7.db.ns1.svc.cluster.local:5432', 'db-0.db.ns1.svc.cluster.local:5432']);
    assert.equal((await ask('_nope._tcp.web.ns1.svc.cluster.local', 'SRV')).rcode, 'NXDOMAIN');
  });

  it('answers pod hostname.subdomain records', async () => {
    assert.deepEqual(data(await ask('db-0.db.ns1.svc.cluster.local', 'A')), ['10.244.0.5']);
    assert.equal((await ask('db-1.db.ns1.svc.cluster.local', 'A')).rcode, 'NXDOMAIN');
  });

  it('answers <a-b-c-d>.<ns>.pod records', async () => {
    assert.deepEqual(data(await ask('10-244-0-5.ns1.pod.cluster.local', 'A')), ['10.244.0.5']);
    assert.equal((await ask('10-244-0-999.ns1.pod.cluster.local', 'A')).rcode, 'NXDOMAIN');
  });

  it('answers ExternalName with a CNAME, chased inside the zone', async () => {
    const r = await ask('ext.ns1.svc.cluster.local', 'A');
    assert.deepEqual(
      r.answers?.map((a) => a.type),
      ['CNAME', 'A'],
    );
    assert.deepEqual(data(r), ['web.ns1.svc.cluster.local', '10.96.0.20']);
  });

  it('NXDOMAIN for unknown names in the zone, NODATA for other types of known names', async () => {
    const r = await ask('nope.ns1.svc.cluster.local', 'A');
    assert.equal(r.rcode, 'NXDOMAIN');
    assert.equal(r.authorities?.[0].type, 'SOA');
    const aaaa = await ask('web.ns1.svc.cluster.local', 'AAAA');
    assert.equal(aaaa.rcode, 'NOERROR');
    assert.equal(aaaa.answers?.length, 0);
    assert.equal((await ask('web.ns1.svc.other.local', 'A')).rcode, 'REFUSED');
  });

  it('refuses names outside the cluster zone: nothing is forwarded', async () => {
    const r = await ask('example.com', 'A');
    assert.equal(r.rcode, 'REFUSED');
    assert.equal(r.answers?.length, 0);
  });

  it('answers PTR for cluster IPs, TXT dns-version, and over TCP', async () => {
    assert.deepEqual(data(await ask('20.0.96.10.in-addr.arpa', 'PTR')), ['web.ns1.svc.cluster.local']);
    assert.deepEqual(data(await ask('dns-version.cluster.local', 'TXT')), [[Buffer.from('1.1.0')]]);
    assert.deepEqual(data(await ask('web.ns1.svc.cluster.local', 'A', true)), ['10.96.0.20']);
  });

  it('follows changes and survives a 410 on its watches', async () => {
    store.put('pods', pod('db-1', '10.244.0.6', { app: 'db' }, true));
    assert.deepEqual(data(await ask('db.ns1.svc.cluster.local', 'A')).sort(), [
      '10.244.0.5',
      '10.244.0.6',
      '10.244.0.7',
    ]);
    store.gone();
    store.delete('pods', 'ns1', 'db-2');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(data(await ask('db.ns1.svc.cluster.local', 'A')).sort(), ['10.244.0.5', '10.244.0.6']);
    store.delete('services', 'ns1', 'web');
    assert.equal((await ask('web.ns1.svc.cluster.local', 'A')).rcode, 'NXDOMAIN');
  });

  it('prefers the Endpoints object over the selector when there is one', async () => {
    store.create('endpoints', {
      metadata: { name: 'db', namespace: 'ns1' },
      subsets: [{ addresses: [{ ip: '10.244.0.9', hostname: 'x' }], ports: [{ name: 'pg', port: 5432 }] }],
    });
    assert.deepEqual(data(await ask('db.ns1.svc.cluster.local', 'A')), ['10.244.0.9']);
    assert.deepEqual(data(await ask('x.db.ns1.svc.cluster.local', 'A')), ['10.244.0.9']);
  });

  it("names an endpoint address without a hostname after its pod's hostname and subdomain", async () => {
    store.put('endpoints', {
      metadata: { name: 'db', namespace: 'ns1' },
      subsets: [
        {
          addresses: [{ ip: '10.244.0.5', targetRef: { kind: 'Pod', name: 'db-0', namespace: 'ns1' } }],
          ports: [{ name: 'pg', port: 5432 }],
        },
      ],
    });
    assert.deepEqual(data(await ask('db-0.db.ns1.svc.cluster.local', 'A')), ['10.244.0.5']);
  });
});
