import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateCreateRequest } from './create-request.ts';
import type { Pod } from './kube-types.ts';
import {
  encodePublished,
  PORTS_ANNOTATION,
  parseHostPort,
  portAllocatedMessage,
  publishedPortsOf,
  requestedPorts,
  serviceFor,
  serviceNameFor,
} from './ports.ts';
import type { ContainerRecord } from './record.ts';

const ID = 'a'.repeat(64);

function record(config: ContainerRecord['config'], hostConfig: ContainerRecord['hostConfig']): ContainerRecord {
  return {
    id: ID,
    name: 'web_1',
    created: '2024-01-01T00:00:00Z',
    generation: 0,
    config,
    hostConfig,
    networkingConfig: {},
    imageId: 'sha256:x',
    imageRef: 'busybox',
    stoppedByUser: false,
  };
}

const pod = (annotations: Record<string, string>, uid = 'u1', name = 'p1'): Pod =>
  ({ metadata: { name, uid, annotations }, spec: { containers: [] } }) as unknown as Pod;

describe('requestedPorts', () => {
  it('-p 8080:80, -p 127.0.0.1::81, -p 8000-8010:82, HostPort "0"', () => {
    const r = requestedPorts(
      record(
        {},
        {
          PortBindings: {
            '80/tcp': [{ HostIp: '', HostPort: '8080' }],
            '81': [{ HostIp: '127.0.0.1', HostPort: '' }],
            '82/tcp': [{ HostPort: '8000-8010' }],
            '83/tcp': [{ HostPort: '0' }],
          },
        },
      ),
    );
    assert.deepEqual(
      r
        .map((x) => [x.key, x.hostIp, x.hostPortLow, x.hostPortHigh])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [
        ['80/tcp', '', 8080, 8080],
        ['81/tcp', '127.0.0.1', 0, 0],
        ['82/tcp', '', 8000, 8010],
        ['83/tcp', '', 0, 0],
      ],
    );
  });

  it('-P: every exposed port without a binding gets a free port (the image EXPOSE is in the merged config)', () => {
    const r = requestedPorts(
      record(
        { ExposedPorts: { '80/tcp': {}, '443/tcp': {}, '53/udp': {} } },
        { PublishAllPorts: true, PortBindings: { '80/tcp': [{ HostPort: '8080' }] } },
      ),
    );
    assert.deepEqual(
      r.map((x) => [x.key, x.hostPortLow]),
      [
        ['80/tcp', 8080],
        ['443/tcp', 0],
        ['53/udp', 0],
      ],
    );
  });

  it('an empty binding list still publishes (on a free port)', () => {
    const r = requestedPorts(record({}, { PortBindings: { '80/tcp': [] } }));
    assert.equal(r.length, 1);
    assert.equal(r[0].hostPortLow, 0);
  });
});

describe('parseHostPort', () => {
  it('parses single ports, ranges and random', () => {
    assert.deepEqual(parseHostPort(''), [0, 0]);
    assert.deepEqual(parseHostPort('0'), [0, 0]);
    assert.deepEqual(parseHostPort('8080'), [8080, 8080]);
    assert.deepEqual(parseHostPort('8000-8010'), [8000, 8010]);
    assert.throws(() => parseHostPort('9-1'));
    assert.throws(() => parseHostPort('70000'));
  });
});

describe('the ports annotation', () => {
  it('round-trips into NetworkSettings.Ports', () => {
    const p = pod({
      [PORTS_ANNOTATION]: encodePublished({
        token: 't',
        bindings: [
          { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8080 },
          { containerPort: 80, protocol: 'tcp', hostIp: '::1', hostPort: 8080 },
        ],
      }),
    });
    assert.deepEqual(publishedPortsOf(p), {
      '80/tcp': [
        { HostIp: '127.0.0.1', HostPort: '8080' },
        { HostIp: '::1', HostPort: '8080' },
      ],
    });
  });

  it('ignores a damaged annotation', () => {
    assert.equal(publishedPortsOf(pod({ [PORTS_ANNOTATION]: '{nope' })), undefined);
    assert.equal(publishedPortsOf(pod({})), undefined);
  });
});

describe('messages', () => {
  it("dockerd's port is already allocated", () => {
    assert.equal(
      portAllocatedMessage('web', ID, '0.0.0.0', 8080),
      `driver failed programming external connectivity on endpoint web (${ID}): Bind for 0.0.0.0:8080 failed: port is already allocated`,
    );
    assert.match(portAllocatedMessage('web', ID, '::', 8080), /Bind for \[::\]:8080 failed/);
  });
});

describe('create validation of PortBindings', () => {
  const create = (PortBindings: unknown) =>
    validateCreateRequest({ Image: 'busybox', HostConfig: { PortBindings } }, { name: '' });
  it('refuses UDP and SCTP bindings with a clear message', () => {
    assert.throws(
      () => create({ '53/udp': [{ HostPort: '53' }] }),
      /publishing UDP ports \(-p 53:53\/udp\) is not possible/,
    );
    assert.throws(() => create({ '9/sctp': [{ HostPort: '' }] }), /SCTP/);
  });
  it('refuses a HostIp that is not an IP', () => {
    assert.throws(() => create({ '80/tcp': [{ HostIp: 'example.com', HostPort: '80' }] }), /invalid IP address/);
  });
  it('accepts TCP bindings, random and ranges', () => {
    create({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8000-8010' }], '81': [{ HostPort: '0' }] });
  });
});

describe('the Service', () => {
  it('selects the container, offers every exposed or bound port, is owned by its pods', () => {
    const s = serviceFor(
      record({ ExposedPorts: { '80/tcp': {}, '53/udp': {} } }, { PortBindings: { '8080/tcp': [{ HostPort: '' }] } }),
      [pod({}, 'u1', 'p1'), pod({}, 'u2', 'p2')],
    );
    assert.ok(s);
    assert.equal(s.metadata.name, 'web-1');
    assert.deepEqual(s.spec.selector, { 'badidea.dev/id': ID.slice(0, 63) });
    assert.deepEqual(
      s.spec.ports.map((p) => `${p.name}:${p.port}/${p.protocol}`),
      ['udp-53:53/UDP', 'tcp-80:80/TCP', 'tcp-8080:8080/TCP'],
    );
    assert.deepEqual(
      s.metadata.ownerReferences.map((o) => o.uid),
      ['u1', 'u2'],
    );
    assert.equal(s.metadata.labels['badidea.dev/managed'], 'true');
  });
  it('no ports, no Service; names start with a letter', () => {
    assert.equal(serviceFor(record({}, {}), []), undefined);
    assert.equal(serviceNameFor({ ...record({}, {}), name: '1abc' }), 'c-1abc');
  });
});
