// The product's streaming clients (src/kube/streams) against a cluster (simulated by default, see
// test/helpers/cluster.ts): exec with stdin EOF and exit codes, attach, logs follow, port-forward to httpd.
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { attachToPod } from '../../src/kube/streams/attach.ts';
import {
  KubeStatusError,
  LogStreamUnsupportedError,
  PortForwardError,
  RemoteCommandError,
  UpgradeFailedError,
} from '../../src/kube/streams/errors.ts';
import { execInPod, openExec } from '../../src/kube/streams/exec.ts';
import { parseTimestampedLine } from '../../src/kube/streams/log-lines.ts';
import { podLogs } from '../../src/kube/streams/logs.ts';
import { forwardPort } from '../../src/kube/streams/port-forward.ts';
import { getCluster, type TestCluster } from '../helpers/cluster.ts';

function collect(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c);
      cb();
    },
  }) as Writable & { text(): string };
  w.text = () => Buffer.concat(chunks).toString();
  return w;
}

async function readAll(r: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('kube/streams against a cluster', () => {
  let c: TestCluster;
  let kc: KubeConfig;
  let ns: string;

  const kubectl = async (args: string[]) => {
    const r = await c.kubectl(args, { timeoutMs: 90_000 });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: exit ${r.code}\n${r.stderr}${r.stdout}`);
    return r;
  };
  const runPod = async (name: string, command: string[]) => {
    await kubectl(['run', name, '--image=busybox', '--restart=Never', '--', ...command]);
  };
  const ready = (name: string) => kubectl(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=60s']);

  before(async () => {
    c = await getCluster();
    ns = c.namespace;
    kc = new KubeConfig();
    kc.loadFromFile(c.kubeconfig);
    await runPod('sleeper', ['sleep', '3600']);
    await ready('sleeper');
  });
  after(async () => {
    await c?.stop();
  });

  it('exec: stdin until EOF (v5 half-close), stdout/stderr apart, exit code 3', async () => {
    const stdin = new PassThrough();
    const stdout = collect();
    const stderr = collect();
    const run = execInPod({
      kc,
      namespace: ns,
      pod: 'sleeper',
      command: ['sh', '-c', 'cat; echo err >&2; exit 3'],
      stdin,
      stdout,
      stderr,
      tty: false,
    });
    stdin.write('hello\n');
    stdin.end('world\n');
    assert.deepEqual(await run, { exitCode: 3 });
    assert.equal(stdout.text(), 'hello\nworld\n');
    assert.equal(stderr.text(), 'err\n');
  });

  it('exec: the session negotiates v5 and reports exit 0', async () => {
    const s = await openExec({
      kc,
      namespace: ns,
      pod: 'sleeper',
      command: ['echo', 'hi'],
      stdin: false,
      stdout: true,
      stderr: true,
      tty: false,
    });
    assert.equal(s.protocol, 'v5.channel.k8s.io');
    assert.equal(s.canHalfClose, true);
    const [out, result] = await Promise.all([readAll(s.stdout), s.done]);
    assert.equal(out, 'hi\n');
    assert.equal(result.exitCode, 0);
  });

  it('exec: a TTY with an initial size', async () => {
    const stdout = collect();
    const stdin = new PassThrough(); // the terminal is stdin: stty asks it for the size
    const r = await execInPod({
      kc,
      namespace: ns,
      pod: 'sleeper',
      // Kubernetes has no size at exec creation: the resize frame races the process start.
      command: ['sh', '-c', 'sleep 0.5; stty size'],
      stdin,
      stdout,
      tty: true,
      initialSize: { width: 100, height: 40 },
    });
    stdin.destroy();
    assert.equal(r.exitCode, 0);
    assert.equal(stdout.text(), '40 100\r\n');
  });

  it('exec: errors keep the Kubernetes message', async () => {
    await assert.rejects(
      execInPod({ kc, namespace: ns, pod: 'no-such-pod', command: ['true'], stdout: collect(), tty: false }),
      (err: unknown) => err instanceof UpgradeFailedError && err.httpStatus === 404 && /not found/.test(err.message),
    );
    await assert.rejects(
      execInPod({
        kc,
        namespace: ns,
        pod: 'sleeper',
        container: 'nope',
        command: ['true'],
        tty: false,
        stdout: collect(),
      }),
      (err: unknown) => err instanceof KubeStatusError && /nope/.test(err.message),
    );
    // A missing binary: the runtime fails the exec (InternalError) or the shell reports 126/127.
    const outcome = await execInPod({
      kc,
      namespace: ns,
      pod: 'sleeper',
      command: ['no-such-binary'],
      stdout: collect(),
      stderr: collect(),
      tty: false,
    }).then(
      (r) => r.exitCode,
      (err: unknown) => err,
    );
    assert.ok(
      outcome instanceof RemoteCommandError || (typeof outcome === 'number' && outcome >= 126),
      `got ${String(outcome)}`,
    );
  });

  it('logs: follow streams lines until the container stops; timestamps parse', async () => {
    await runPod('counter', ['sh', '-c', 'for i in 1 2 3; do echo line $i; sleep 1; done']);
    await ready('counter');
    const body = await podLogs({ kc, namespace: ns, pod: 'counter', follow: true, timestamps: true });
    const text = await readAll(body);
    const lines = text.split('\n').filter(Boolean);
    assert.deepEqual(
      lines.map((l) => parseTimestampedLine(l)?.line),
      ['line 1', 'line 2', 'line 3'],
    );
    for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
  });

  it('logs: stream=Stdout|Stderr where the server supports it; with tailLines it is refused', async () => {
    await runPod('split', ['sh', '-c', 'echo out; echo err >&2']);
    await kubectl(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/split', '--timeout=60s']);
    const all = await readAll(await podLogs({ kc, namespace: ns, pod: 'split' }));
    assert.equal([...all.split('\n')].sort().join(','), ',err,out');
    try {
      assert.equal(await readAll(await podLogs({ kc, namespace: ns, pod: 'split', stream: 'Stdout' })), 'out\n');
      assert.equal(await readAll(await podLogs({ kc, namespace: ns, pod: 'split', stream: 'Stderr' })), 'err\n');
      await assert.rejects(
        podLogs({ kc, namespace: ns, pod: 'split', stream: 'Stdout', tailLines: 1 }),
        (err: unknown) => err instanceof LogStreamUnsupportedError && err.why === 'tailLines',
      );
    } catch (err) {
      // A real cluster with PodLogsQuerySplitStreams off (the default) refuses the parameter instead.
      if (!(c.kind === 'real' && err instanceof LogStreamUnsupportedError && err.why === 'disabled')) throw err;
    }
  });

  it('logs: an unknown container is a 400 with the server message', async () => {
    await assert.rejects(podLogs({ kc, namespace: ns, pod: 'sleeper', container: 'nope' }), (err: unknown) => {
      assert.ok(err instanceof KubeStatusError);
      assert.equal(err.httpStatus, 400);
      assert.match(err.message, /nope/);
      return true;
    });
  });

  it('attach: stdin to the main process, Success when it exits', async () => {
    await c.api.request('POST', `/api/v1/namespaces/${ns}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'reader' },
      spec: {
        restartPolicy: 'Never',
        containers: [
          { name: 'main', image: 'busybox', stdin: true, command: ['sh', '-c', 'read x; echo got $x; exit 4'] },
        ],
      },
    });
    await ready('reader');
    const stdin = new PassThrough();
    const stdout = collect();
    const run = attachToPod({ kc, namespace: ns, pod: 'reader', stdin, stdout, stderr: collect(), tty: false });
    stdin.write('hi\n');
    const r = await run;
    assert.equal(r.exitCode, undefined, 'attach reports Success without an exit code');
    assert.equal(stdout.text(), 'got hi\n');
  });

  it('port-forward: an HTTP request to busybox httpd; a closed port is a PortForwardError', async () => {
    await runPod('web', [
      'sh',
      '-c',
      'mkdir -p /www && echo hello-httpd > /www/index.html && httpd -f -p 8080 -h /www',
    ]);
    await ready('web');
    let response = '';
    for (let attempt = 0; attempt < 20; attempt++) {
      // httpd may take a moment after Ready (no readiness probe)
      const sock = await forwardPort({ kc, namespace: ns, pod: 'web', port: 8080 });
      sock.end('GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n');
      response = await readAll(sock).catch((err: unknown) => `ERR ${err}`);
      if (!response.startsWith('ERR')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(response, /^HTTP\/1\.[01] 200/);
    assert.match(response, /hello-httpd\n$/);

    const closed = await forwardPort({ kc, namespace: ns, pod: 'web', port: 9 });
    closed.write('x');
    await assert.rejects(
      readAll(closed),
      (err: unknown) => err instanceof PortForwardError && /refused|9/.test(err.message),
    );
  });
});
