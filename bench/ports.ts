// Published ports: throughput and added latency through each way of reaching a pod (direct TCP to the pod IP,
// the Kubernetes port-forward API) against a direct connection to the pod IP from the benchmark itself.
//
//   node bench/ports.ts        a simulated cluster (as the tests), or BADIDEA_TEST_REAL_CLUSTER=1 for KUBECONFIG's
//
// For each mode: badidea with --port-mode MODE, `docker run -d -p 127.0.0.1:PORT:80 busybox httpd` serving a
// BENCH_MB file (default 64 MiB) and a small page. Throughput: GET of the big file, best of BENCH_ROUNDS (default
// 3). Latency: BENCH_REQUESTS (default 200) sequential GETs of the small page, each on a new connection (busybox
// httpd has no keep-alive), p50/p90; the direct baseline is the same against podIP:80 (pod IPs must be reachable
// from here, as in the simulated cluster). One JSON line per mode. The machine's load shows in the numbers.

import http from 'node:http';
import net from 'node:net';
import { docker, startBadidea } from '../test/helpers/badidea.ts';
import { getCluster } from '../test/helpers/cluster.ts';
import { MIRROR } from '../test/helpers/containers.ts';

const MB = Number(process.env.BENCH_MB ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** One GET on a new connection: bytes received and milliseconds to the end of the body. */
function get(host: string, port: number, path: string): Promise<{ bytes: number; ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get({ host, port, path, agent: false, timeout: 120_000 }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => {
        bytes += d.length;
      });
      res.on('end', () => resolve({ bytes, ms: performance.now() - t0, status: res.statusCode ?? 0 }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function until<T>(fn: () => Promise<T>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2));
};

async function throughput(host: string, port: number): Promise<number> {
  let best = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const r = await get(host, port, '/big');
    if (r.bytes !== MB * 1024 * 1024) throw new Error(`got ${r.bytes} bytes of ${MB} MiB (status ${r.status})`);
    best = Math.max(best, r.bytes / 1024 ** 2 / (r.ms / 1000));
  }
  return Number(best.toFixed(1));
}

async function latencies(host: string, port: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < REQUESTS; i++) ms.push((await get(host, port, '/index.html')).ms);
  return ms;
}

const cluster = await getCluster();
try {
  for (const mode of ['direct', 'port-forward'] as const) {
    const server = await startBadidea({
      kubeconfig: cluster.kubeconfig,
      namespace: cluster.namespace,
      args: ['--registry-mirror', MIRROR, '--port-mode', mode],
      startTimeoutMs: 120_000,
    });
    try {
      // A fresh server answers 503 while its cache loads: retry the pull for a while.
      await until(async () => {
        const pull = await docker(['pull', 'busybox'], server.env, 180_000);
        if (pull.code !== 0) throw new Error(`docker pull: ${pull.stderr}`);
      });
      const port = await freePort();
      const name = `bench-${mode}`;
      const script = `mkdir -p /www && echo ok > /www/index.html && head -c ${MB}m /dev/zero > /www/big && exec httpd -f -p 80 -h /www`;
      const run = await docker(
        ['run', '-d', '--name', name, '-p', `127.0.0.1:${port}:80`, 'busybox', 'sh', '-c', script],
        server.env,
        180_000,
      );
      if (run.code !== 0) throw new Error(`docker run: ${run.stderr}`);
      const podIp = (
        await docker(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', name], server.env)
      ).stdout.trim();
      await until(() =>
        get('127.0.0.1', port, '/big').then((r) => (r.bytes === MB * 1024 * 1024 ? r : Promise.reject())),
      );

      const viaPort = await throughput('127.0.0.1', port);
      const direct = await throughput(podIp, 80);
      const latPort = await latencies('127.0.0.1', port);
      const latDirect = await latencies(podIp, 80);
      console.log(
        JSON.stringify({
          bench: 'published port',
          mode,
          MiB: MB,
          throughputMiBps: viaPort,
          directPodIpMiBps: direct,
          requests: REQUESTS,
          latencyMsP50: pct(latPort, 50),
          latencyMsP90: pct(latPort, 90),
          directPodIpLatencyMsP50: pct(latDirect, 50),
          directPodIpLatencyMsP90: pct(latDirect, 90),
          addedLatencyMsP50: Number((pct(latPort, 50) - pct(latDirect, 50)).toFixed(2)),
        }),
      );
      await docker(['rm', '-f', name], server.env, 120_000);
    } finally {
      await server.stop();
    }
  }
} finally {
  await cluster.stop();
}
