// Throughput of the exec client (src/kube/streams): 1 GiB of stdout through execInPod into a sink.
//
//   node bench/kube-streams.ts                 a channel-protocol server in a child process (client cost only)
//   KUBECONFIG=… BENCH_POD=ns/pod node bench/kube-streams.ts
//                                              a real or simulated cluster: `head -c 1G /dev/zero` in that pod
//
// BENCH_TLS=1 puts the child server behind TLS (as a real API server). BENCH_BYTES (default 1 GiB), BENCH_FRAME (server frame size, default 32 KiB: what Go's io.Copy writes),
// BENCH_ROUNDS (default 3; the first includes JIT warm-up). One JSON line per round. The machine's load shows in
// the numbers: compare clientCpuSeconds too.
import { fork } from 'node:child_process';
import { Writable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { execInPod } from '../src/kube/streams/exec.ts';

const BYTES = Number(process.env.BENCH_BYTES ?? 1024 ** 3);
const FRAME = Number(process.env.BENCH_FRAME ?? 32 * 1024);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function serve(): Promise<void> {
  const { startFakeApiServer } = await import('../src/kube/streams/fake-apiserver.test-util.ts');
  const fake = await startFakeApiServer({ tls: process.env.BENCH_TLS === '1' });
  fake.onUpgrade = (conn) => {
    const frame = Buffer.alloc(FRAME + 1, 0x61);
    frame[0] = 1;
    let left = BYTES;
    // Keep up to 4 MiB queued, then wait for drain: a server that honours backpressure without idling.
    const socket = (conn.ws as unknown as { _socket: import('node:net').Socket })._socket;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(FRAME, left);
        left -= n;
        conn.ws.send(n === FRAME ? frame : frame.subarray(0, n + 1));
        if (socket.writableLength > 4 * 1024 * 1024) return void socket.once('drain', pump);
      }
      conn.status({ metadata: {}, status: 'Success' });
    };
    pump();
  };
  process.send?.({ kubeconfig: fake.kc.exportConfig() });
}

async function measure(kc: KubeConfig, namespace: string, pod: string, command: string[]): Promise<void> {
  let received = 0;
  const sink = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _enc, cb) {
      received += chunk.length;
      cb();
    },
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { exitCode } = await execInPod({ kc, namespace, pod, command, stdout: sink, tty: false });
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const mib = received / 1024 ** 2;
  console.log(
    JSON.stringify({
      bench: 'kube-streams exec stdout',
      bytes: received,
      exitCode,
      seconds: Number(secs.toFixed(2)),
      MiBps: Number((mib / secs).toFixed(1)),
      clientCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
  if (received !== BYTES) throw new Error(`received ${received} of ${BYTES} bytes`);
}

if (process.argv[2] === '--serve') {
  await serve();
} else if (process.env.BENCH_POD) {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const [namespace, pod] = process.env.BENCH_POD.split('/');
  for (let i = 0; i < ROUNDS; i++) await measure(kc, namespace, pod, ['head', '-c', String(BYTES), '/dev/zero']);
} else {
  const child = fork(new URL(import.meta.url).pathname, ['--serve'], { stdio: 'inherit' });
  try {
    const { kubeconfig } = await new Promise<{ kubeconfig: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { kubeconfig: string }));
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfig);
    for (let i = 0; i < ROUNDS; i++) await measure(kc, 'bench', 'p', ['cat']);
  } finally {
    child.kill();
  }
}
