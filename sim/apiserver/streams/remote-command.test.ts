// The simulator's exec/attach stream handling against a stand-in process (no Docker): a TTY size is applied before
// the stdin that follows it, also when both arrive before the process has started, a failed resize is logged and
// does not hold up stdin, and sizes with a zero side are skipped as the kubelet's runtime skips them.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { Pod } from '../../kubelet/types.ts';
import { type RemoteProcess, SUCCESS_STATUS, serveRemoteCommand } from './remote-command.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const pod = {
  metadata: { name: 'p', namespace: 'default' },
  spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox' }] },
  status: {
    containerStatuses: [
      {
        name: 'c',
        state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: 'busybox',
        imageID: '',
        containerID: 'docker://abc',
      },
    ],
  },
} as unknown as Pod;

/**
 * What the process sees, in order. `resize` takes `resizeMs` (dockerd holds an exec resize until the process has
 * started) and fails while `failResizes` is positive.
 */
class FakeProcess {
  readonly events: string[] = [];
  resizeMs = 0;
  startMs = 0;
  failResizes = 0;
  readonly socket: Duplex;

  constructor() {
    this.socket = new Duplex({
      read() {},
      write: (chunk: Buffer, _enc, cb) => {
        this.events.push(`stdin ${chunk.toString()}`);
        cb();
      },
      final: (cb) => {
        this.events.push('stdin closed');
        cb();
      },
    });
  }

  async start(): Promise<RemoteProcess> {
    await sleep(this.startMs);
    this.events.push('started');
    return {
      socket: this.socket,
      tty: true,
      resize: async (width, height) => {
        this.events.push(`resize ${width}x${height}`);
        await sleep(this.resizeMs);
        if (this.failResizes > 0) {
          this.failResizes--;
          throw new Error('timeout waiting for exec session ready');
        }
        this.events.push(`size ${width}x${height}`);
      },
      finish: async () => SUCCESS_STATUS,
    };
  }

  /** Waits until an event matching `pattern` has happened. */
  async seen(pattern: RegExp): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!this.events.some((e) => pattern.test(e))) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} in ${JSON.stringify(this.events)}`);
      await sleep(5);
    }
  }

  exit(): void {
    this.socket.push(null);
  }
}

describe('remote command streams (a stand-in process)', () => {
  let server: http.Server;
  let url: string;
  let proc: FakeProcess;
  const logged: string[] = [];

  before(async () => {
    server = http.createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      serveRemoteCommand(
        {
          kind: 'exec',
          failurePrefix: 'error executing command in container',
          start: () => proc.start(),
          log: (m) => logged.push(m),
        },
        { pod, query },
        req,
        socket,
        head,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/exec?command=sh&stdin=true&stdout=true&tty=true`;
  });
  after(() => server.close());

  /** Opens the exec, sends `frames` at once, and returns the socket and its end. */
  async function open(frames: Buffer[]): Promise<{ ws: WebSocket; closed: Promise<string> }> {
    const ws = new WebSocket(url, ['v5.channel.k8s.io']);
    let status = '';
    ws.on('message', (data: Buffer) => {
      if (data[0] === 3) status += data.subarray(1).toString();
    });
    const closed = new Promise<string>((resolve) => ws.on('close', () => resolve(status)));
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    for (const f of frames) ws.send(f);
    return { ws, closed };
  }
  const resize = (width: number, height: number) =>
    Buffer.concat([Buffer.of(4), Buffer.from(JSON.stringify({ Width: width, Height: height }))]);
  const stdin = (text: string) => Buffer.concat([Buffer.of(0), Buffer.from(text)]);

  it('applies the first size before the stdin sent behind it, though both came before the process started', async () => {
    proc = new FakeProcess();
    proc.startMs = 100;
    proc.resizeMs = 100;
    // What badidea sends for `docker exec -it` with `stty size` typed ahead: the size, then the keys.
    const { ws, closed } = await open([resize(100, 20), stdin('stty size\n')]);
    await proc.seen(/^stdin stty size/);
    ws.send(resize(120, 30));
    ws.send(stdin('stty size\n'));
    ws.send(Buffer.of(255, 0));
    await proc.seen(/^stdin closed/);
    proc.exit();
    assert.deepEqual(JSON.parse(await closed), SUCCESS_STATUS);
    assert.deepEqual(proc.events, [
      'started',
      'resize 100x20',
      'size 100x20',
      'stdin stty size\n',
      'resize 120x30',
      'size 120x30',
      'stdin stty size\n',
      'stdin closed',
    ]);
  });

  it('logs a resize that fails, and the stdin behind it still goes', async () => {
    proc = new FakeProcess();
    proc.failResizes = 1;
    logged.length = 0;
    const { closed } = await open([resize(100, 20), stdin('x\n'), Buffer.of(255, 0)]);
    await proc.seen(/^stdin closed/);
    proc.exit();
    await closed;
    assert.deepEqual(proc.events, ['started', 'resize 100x20', 'stdin x\n', 'stdin closed']);
    assert.deepEqual(logged, [
      'kubelet: exec in container c: resize to 100x20 failed: timeout waiting for exec session ready',
    ]);
  });

  it('skips sizes with a zero side', async () => {
    proc = new FakeProcess();
    const { closed } = await open([resize(0, 0), resize(100, 0), stdin('x\n'), Buffer.of(255, 0)]);
    await proc.seen(/^stdin closed/);
    proc.exit();
    await closed;
    assert.deepEqual(proc.events, ['started', 'stdin x\n', 'stdin closed']);
  });
});
