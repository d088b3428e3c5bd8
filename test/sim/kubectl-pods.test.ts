// kubectl 1.32 against the cluster: run, logs, exec (stdin, exit codes), get -w, delete, wait.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getCluster, type TestCluster } from '../helpers/cluster.ts';

describe('kubectl: pods', () => {
  let c: TestCluster;
  before(async () => {
    c = await getCluster();
  });
  after(async () => {
    await c?.stop();
  });

  const ok = async (args: string[], options?: Parameters<TestCluster['kubectl']>[1]) => {
    const r = await c.kubectl(args, options);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: exit ${r.code}\n${r.stderr}${r.stdout}`);
    return r;
  };

  it('run --restart=Never, then logs', async () => {
    const run = await ok(['run', 'hi', '--image=busybox', '--restart=Never', '--', 'echo', 'hi']);
    assert.match(run.stdout, /pod\/hi created/);
    await ok(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/hi', '--timeout=120s']);
    const logs = await ok(['logs', 'hi']);
    assert.equal(logs.stdout, 'hi\n');
  });

  it('wait --for=condition=Ready, exec -i with stdin, and exec exit codes', async () => {
    await ok(['run', 'sleeper', '--image=busybox', '--restart=Never', '--', 'sleep', '3600']);
    const wait = await ok(['wait', '--for=condition=Ready', 'pod/sleeper', '--timeout=120s']);
    assert.match(wait.stdout, /pod\/sleeper condition met/);
    const cat = await ok(['exec', '-i', 'sleeper', '--', 'sh', '-c', 'tr a-z A-Z'], {
      stdin: 'hello stdin\n',
      timeoutMs: 30_000,
    });
    assert.equal(cat.stdout, 'HELLO STDIN\n');
    const three = await c.kubectl(['exec', 'sleeper', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(three.code, 3, three.stderr);
    assert.equal(three.stdout, 'out\n');
    assert.match(three.stderr, /err/);
    const missing = await c.kubectl(['exec', 'sleeper', '--', 'no-such-command']);
    assert.notEqual(missing.code, 0);
  });

  it('get pods -w shows the phase changes', async () => {
    const seen: string[] = [];
    const controller = new AbortController();
    let buf = '';
    const watch = c.kubectl(['get', 'pods', '-w', '--field-selector=metadata.name=phases'], {
      signal: controller.signal,
      timeoutMs: 90_000,
      onStdout(chunk) {
        buf += chunk;
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const line of lines) {
          const status = line.trim().split(/\s+/)[2];
          if (status && status !== 'STATUS' && seen.at(-1) !== status) seen.push(status);
          if (status === 'Completed') controller.abort();
        }
      },
    });
    // Let the watch start before the pod exists, as a person would.
    await new Promise((r) => setTimeout(r, 1500));
    await ok(['run', 'phases', '--image=busybox', '--restart=Never', '--', 'sleep', '2']);
    await watch;
    assert.ok(seen.includes('Completed'), `statuses seen: ${seen.join(' → ')}`);
    const order = ['Pending', 'ContainerCreating', 'Running', 'Completed'].filter((s) => seen.includes(s));
    assert.deepEqual(
      seen.filter((s) => order.includes(s)),
      order,
      `statuses seen: ${seen.join(' → ')}`,
    );
    assert.ok(seen.includes('Running'), `statuses seen: ${seen.join(' → ')}`);
    assert.ok(seen.includes('Pending') || seen.includes('ContainerCreating'), `statuses seen: ${seen.join(' → ')}`);
  });

  it('delete waits for graceful termination', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'graceful' },
      spec: {
        terminationGracePeriodSeconds: 20,
        containers: [
          {
            name: 'main',
            image: 'busybox',
            command: ['sh', '-c', "trap 'echo terminating; sleep 2; exit 0' TERM; while true; do sleep 0.2; done"],
          },
        ],
      },
    };
    await ok(['apply', '-f', '-'], { stdin: JSON.stringify(pod) });
    await ok(['wait', '--for=condition=Ready', 'pod/graceful', '--timeout=120s']);
    const del = await ok(['delete', 'pod', 'graceful']);
    assert.match(del.stdout, /pod "graceful" deleted/);
    assert.ok(del.ms >= 2000, `delete returned after ${Math.round(del.ms)} ms, before the 2 s shutdown ended`);
    assert.ok(del.ms < 19_000, `delete took ${Math.round(del.ms)} ms: the container's TERM trap was not honoured`);
    const gone = await c.kubectl(['get', 'pod', 'graceful']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /NotFound|not found/);
  });

  it('reports a failing container: exit code and phase Failed', async () => {
    await ok(['run', 'fails', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'exit 7']);
    await ok(['wait', '--for=jsonpath={.status.phase}=Failed', 'pod/fails', '--timeout=120s']);
    const code = await ok([
      'get',
      'pod',
      'fails',
      '-o',
      'jsonpath={.status.containerStatuses[0].state.terminated.exitCode}',
    ]);
    assert.equal(code.stdout, '7');
    const get = await ok(['get', 'pod', 'fails']);
    assert.match(get.stdout, /fails\s+0\/1\s+Error\s+0/);
  });
});
