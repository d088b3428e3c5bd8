import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { sh, startTestNode, type TestNode } from '../../kubelet/test-node.ts';
import type { Pod } from '../../kubelet/types.ts';

/** A stand-in for the API server's routing: pods/{name}/{log|exec|attach|portforward} → the kubelet. */
function serve(node: TestNode): Promise<{ url: string; close(): void }> {
  const route = (url: string) => {
    const u = new URL(url, 'http://x');
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/([a-z]+)$/.exec(u.pathname);
    if (!m) return undefined;
    const pod = node.store.get('pods', m[1], m[2]);
    return pod ? { pod, query: u.searchParams, sub: m[3] } : undefined;
  };
  const server = http.createServer((req, res) => {
    const r = route(req.url ?? '');
    if (r?.sub !== 'log') {
      res.writeHead(404).end();
      return;
    }
    node.kubelet.log({ pod: r!.pod, query: r!.query }, req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    const r = route(req.url ?? '');
    if (!r) return socket.destroy();
    node.kubelet.upgrade(r.sub as 'exec', { pod: r.pod, query: r.query }, req, socket, head);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `127.0.0.1:${port}`, close: () => server.close() });
    }),
  );
}

interface Frames {
  byChannel: Map<number, Buffer[]>;
  text(ch: number): string;
  closed: Promise<void>;
  ws: WebSocket;
  opened: Promise<void>;
}

function connect(url: string, protocols: string[]): Frames {
  const ws = new WebSocket(url, protocols);
  const byChannel = new Map<number, Buffer[]>();
  ws.on('message', (data: Buffer) => {
    const list = byChannel.get(data[0]) ?? [];
    list.push(data.subarray(1));
    byChannel.set(data[0], list);
  });
  return {
    ws,
    byChannel,
    text: (ch) => Buffer.concat(byChannel.get(ch) ?? []).toString('utf8'),
    opened: new Promise((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('error', reject);
    }),
    closed: new Promise((resolve) => ws.on('close', () => resolve())),
  };
}

async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

describe('streaming subresources (real dockerd)', () => {
  let node: TestNode;
  let srv: { url: string; close(): void };
  before(async () => {
    node = await startTestNode();
    srv = await serve(node);
    node.createPod('shell', { containers: [sh('c', 'sleep 3600')] });
    node.createPod('logger', {
      containers: [
        sh('c', 'echo out1; sleep 0.1; echo err1 >&2; sleep 0.1; echo out2; sleep 0.1; echo err2 >&2; sleep 3600'),
      ],
    });
    node.createPod('net', {
      containers: [
        sh(
          'c',
          "printf '#!/bin/sh\\necho p8080\\n' > /tmp/g; chmod +x /tmp/g; nc -ll -p 8080 -e /tmp/g & nc -ll -p 9090 -e cat",
        ),
      ],
    });
    node.createPod('catter', {
      containers: [
        {
          name: 'c',
          image: 'busybox:latest',
          imagePullPolicy: 'IfNotPresent',
          command: ['cat'],
          stdin: true,
          stdinOnce: true,
        },
      ],
    });
    for (const n of ['shell', 'logger', 'net', 'catter']) await node.waitPod(n, (p) => p.status?.phase === 'Running');
  });
  after(async () => {
    srv?.close();
    await node?.close();
  });

  it('exec v5: stdin, half-close with [255,0], stdout/stderr, exit code Status', async () => {
    const q =
      'command=sh&command=-c&command=cat%3B%20echo%20e%20%3E%262%3B%20exit%203&stdin=true&stdout=true&stderr=true';
    const f = connect(`ws://${srv.url}/api/v1/namespaces/default/pods/shell/exec?${q}`, [
      'v5.channel.k8s.io',
      'v4.channel.k8s.io',
    ]);
    await f.opened;
    assert.equal(f.ws.protocol, 'v5.channel.k8s.io');
    f.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello')]));
    setTimeout(() => f.ws.send(Buffer.from([255, 0])), 200);
    await f.closed;
    assert.equal(f.text(1), 'hello');
    assert.equal(f.text(2), 'e\n');
    const status = JSON.parse(f.text(3));
    assert.equal(status.status, 'Failure');
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '3' }]);
    // the first frame was the empty "ready" frame on stdout
    assert.equal(f.byChannel.get(1)?.[0].length, 0);
  });

  it('exec v4: Success status, stderr dropped with tty', async () => {
    const q = 'command=echo&command=hi&stdout=1';
    const f = connect(`ws://${srv.url}/api/v1/namespaces/default/pods/shell/exec?${q}`, ['v4.channel.k8s.io']);
    await f.closed;
    assert.equal(f.text(1), 'hi\n');
    assert.deepEqual(JSON.parse(f.text(3)), { metadata: {}, status: 'Success' });
  });

  it('exec with a TTY: a command typed at once sees the size sent before it', async () => {
    // `docker exec -it c sh` with `stty size` typed ahead: badidea sends the size, then the keys, at once.
    const q = 'command=sh&stdin=true&stdout=true&tty=true';
    const f = connect(`ws://${srv.url}/api/v1/namespaces/default/pods/shell/exec?${q}`, ['v5.channel.k8s.io']);
    await f.opened;
    f.ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":100,"Height":20}')]));
    f.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('stty size; exit\n')]));
    await f.closed;
    assert.match(f.text(1), /\r\n20 100\r\n/);
    assert.deepEqual(JSON.parse(f.text(3)), { metadata: {}, status: 'Success' });
  });

  it('exec errors before the upgrade are HTTP Status', async () => {
    const r1 = await httpGet(`http://${srv.url}/api/v1/namespaces/default/pods/shell/log?container=nope`);
    assert.equal(r1.status, 400);
    assert.equal(JSON.parse(r1.body).message, 'container nope is not valid for pod shell');
    await new Promise<void>((resolve) => {
      const ws = new WebSocket(`ws://${srv.url}/api/v1/namespaces/default/pods/shell/exec?command=true`, [
        'v5.channel.k8s.io',
      ]);
      ws.on('unexpected-response', (_req, res) => {
        assert.equal(res.statusCode, 400);
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => {
          assert.equal(JSON.parse(body).message, 'you must specify at least 1 of stdin, stdout, stderr');
          resolve();
        });
      });
    });
  });

  it('logs: stream split, timestamps, tailLines, limitBytes', async () => {
    const base = `http://${srv.url}/api/v1/namespaces/default/pods/logger/log`;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await httpGet(base)).body, 'out1\nerr1\nout2\nerr2\n');
    assert.equal((await httpGet(`${base}?stream=Stdout`)).body, 'out1\nout2\n');
    assert.equal((await httpGet(`${base}?stream=Stderr`)).body, 'err1\nerr2\n');
    assert.equal((await httpGet(`${base}?tailLines=1`)).body, 'err2\n');
    assert.equal((await httpGet(`${base}?limitBytes=6`)).body, 'out1\ne');
    const ts = (await httpGet(`${base}?timestamps=true&stream=Stdout`)).body.split('\n')[0];
    assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z out1$/);
    const bad = await httpGet(`${base}?stream=Stdout&tailLines=1`);
    assert.equal(bad.status, 422);
    const prev = await httpGet(`${base}?previous=true`);
    assert.equal(prev.status, 400);
    assert.equal(JSON.parse(prev.body).message, 'previous terminated container "c" in pod "logger" not found');
  });

  it('logs: previous instance after a restart, and the waiting-to-start error', async () => {
    node.createPod('restarter', { containers: [sh('c', 'echo run-$RANDOM; exit 1')] });
    await node.waitPod('restarter', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
    const base = `http://${srv.url}/api/v1/namespaces/default/pods/restarter/log`;
    const prev = await httpGet(`${base}?previous=true`);
    assert.equal(prev.status, 200);
    assert.match(prev.body, /^run-\d+\n$/);
    node.createPod(
      'pullfail',
      { containers: [{ name: 'c', image: 'busybox:latest' }] },
      {
        annotations: { 'sim.badidea.dev/image-pull': 'fail' },
      },
    );
    await node.waitPod(
      'pullfail',
      (p) => !!p.status?.containerStatuses?.[0]?.state.waiting?.reason?.match(/ImagePull/),
    );
    const r = await httpGet(`http://${srv.url}/api/v1/namespaces/default/pods/pullfail/log`);
    assert.equal(r.status, 400);
    assert.match(JSON.parse(r.body).message, /^container "c" in pod "pullfail" is waiting to start: /);
  });

  it('port-forward v4 with two ports', async () => {
    const f = connect(`ws://${srv.url}/api/v1/namespaces/default/pods/net/portforward?ports=8080,9090`, [
      'v4.channel.k8s.io',
    ]);
    await f.opened;
    await new Promise((r) => setTimeout(r, 300));
    f.ws.send(Buffer.concat([Buffer.from([2]), Buffer.from('ping\n')]));
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !(f.text(0).includes('p8080') && f.text(2).includes('ping'))) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const port = (ch: number) => f.byChannel.get(ch)?.[0].readUInt16LE(0);
    assert.equal(port(0), 8080);
    assert.equal(port(1), 8080);
    assert.equal(port(2), 9090);
    assert.equal(port(3), 9090);
    assert.equal(Buffer.concat(f.byChannel.get(0)!.slice(1)).toString(), 'p8080\n');
    assert.equal(Buffer.concat(f.byChannel.get(2)!.slice(1)).toString(), 'ping\n');
    f.ws.close();
    await f.closed;
  });

  it('attach: stdin to the container process, output back, Success when it ends', async () => {
    const f = connect(
      `ws://${srv.url}/api/v1/namespaces/default/pods/catter/attach?stdin=true&stdout=true&stderr=true`,
      ['v5.channel.k8s.io'],
    );
    await f.opened;
    await new Promise((r) => setTimeout(r, 300));
    f.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('echo me\n')]));
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !f.text(1).includes('echo me')) await new Promise((r) => setTimeout(r, 50));
    assert.equal(f.text(1), 'echo me\n');
    f.ws.send(Buffer.from([255, 0]));
    await f.closed;
    assert.deepEqual(JSON.parse(f.text(3)), { metadata: {}, status: 'Success' });
  });

  it('exec into a container that is not running: v5 Status after the upgrade, v4 HTTP 500', async () => {
    node.createPod('done', { restartPolicy: 'Never', containers: [sh('c', 'true')] });
    await node.waitPod('done', (p) => p.status?.phase === 'Succeeded');
    const f = connect(`ws://${srv.url}/api/v1/namespaces/default/pods/done/exec?command=true&stdout=1`, [
      'v5.channel.k8s.io',
    ]);
    await f.closed;
    const st = JSON.parse(f.text(3));
    assert.equal(st.reason, 'InternalError');
    assert.equal(st.message, 'Internal error occurred: unable to upgrade connection: container not found ("c")');
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://${srv.url}/api/v1/namespaces/default/pods/done/exec?command=true&stdout=1`, [
        'v4.channel.k8s.io',
      ]);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    assert.equal(code, 500);
  });

  it('pod metrics from docker stats', async () => {
    const pod = node.getPod('shell') as Pod;
    const m = await node.kubelet.podMetrics(pod);
    assert.ok(m);
    assert.equal(m.containers[0].name, 'c');
    assert.match(m.containers[0].usage.cpu, /^\d+n$/);
    assert.match(m.containers[0].usage.memory, /^\d+Ki$/);
  });
});
