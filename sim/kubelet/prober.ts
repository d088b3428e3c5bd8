// Container probes after pkg/kubelet/prober (worker.go, prober.go): one worker per probe kind and
// container instance, periodSeconds/initialDelaySeconds/timeoutSeconds, consecutive thresholds,
// the startup probe gating the others, and exec / httpGet / tcpSocket actions.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { demultiplexer, startExec } from '../runtime/container-io.ts';
import type { DockerRuntime } from '../runtime/docker-runtime.ts';
import type { Container, Probe } from './types.ts';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbeOutcome {
  ok: boolean;
  output: string;
}

function resolvePort(port: number | string, c: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = (c.ports ?? []).find((p) => p.name === port);
  return named?.containerPort ?? 0;
}

async function execProbe(runtime: DockerRuntime, id: string, cmd: string[], timeoutMs: number): Promise<ProbeOutcome> {
  const h = await startExec(runtime, id, { cmd, stdin: false, stdout: true, stderr: true, tty: false });
  const chunks: Buffer[] = [];
  const feed = demultiplexer(false, (_s, payload) => chunks.push(payload));
  h.socket.on('data', feed);
  const ended = new Promise<boolean>((resolve) => {
    h.socket.on('end', () => resolve(true));
    h.socket.on('close', () => resolve(true));
    h.socket.on('error', () => resolve(true));
  });
  const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs));
  const finished = await Promise.race([ended, timer]);
  h.socket.destroy();
  const output = Buffer.concat(chunks).toString('utf8');
  if (!finished) return { ok: false, output: `command ${JSON.stringify(cmd.join(' '))} timed out` };
  const code = await h.exitCode();
  return { ok: code === 0, output };
}

function httpProbe(
  p: NonNullable<Probe['httpGet']>,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const scheme = (p.scheme ?? 'HTTP').toLowerCase();
  const path = p.path ?? '/';
  const url = `${scheme}://${host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const h of p.httpHeaders ?? []) headers[h.name] = h.value;
    const mod = scheme === 'https' ? https : http;
    const req = mod.get(url, { headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      if (code >= 200 && code < 400) resolve({ ok: true, output: '' });
      else resolve({ ok: false, output: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({
        ok: false,
        output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      });
    });
    req.on('error', (err) => resolve({ ok: false, output: `Get "${url}": ${err.message}` }));
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (o: ProbeOutcome) => {
      s.destroy();
      resolve(o);
    };
    s.setTimeout(timeoutMs, () => done({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` }));
    s.on('connect', () => done({ ok: true, output: '' }));
    s.on('error', (err) => done({ ok: false, output: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}

export async function runProbe(
  runtime: DockerRuntime,
  probe: Probe,
  c: Container,
  containerId: string,
  podIP: string,
): Promise<ProbeOutcome> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  try {
    if (probe.exec) return await execProbe(runtime, containerId, probe.exec.command ?? [], timeoutMs);
    if (probe.httpGet) {
      return await httpProbe(probe.httpGet, probe.httpGet.host || podIP, resolvePort(probe.httpGet.port, c), timeoutMs);
    }
    if (probe.tcpSocket)
      return await tcpProbe(probe.tcpSocket.host || podIP, resolvePort(probe.tcpSocket.port, c), timeoutMs);
    if (probe.grpc) return await tcpProbe(podIP, probe.grpc.port, timeoutMs);
  } catch (err) {
    return { ok: false, output: (err as Error).message };
  }
  return { ok: true, output: '' };
}

export interface ProbeCallbacks {
  /** A probe's result changed (after its threshold). */
  onResult(kind: ProbeKind, ok: boolean): void;
  /** Every failed attempt (the kubelet's Unhealthy event). */
  onFailure(kind: ProbeKind, output: string): void;
  /** Whether the startup probe has succeeded (or there is none). */
  started(): boolean;
}

const LABEL: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

export function probeLabel(kind: ProbeKind): string {
  return LABEL[kind];
}

/** The probe workers of one container instance. */
export class ContainerProbes {
  #timers: NodeJS.Timeout[] = [];
  #stopped = false;

  constructor(
    runtime: DockerRuntime,
    c: Container,
    containerId: string,
    podIP: string,
    cb: ProbeCallbacks,
    /** Scales probe periods (tests); 1 = real seconds. */
    timeScale = 1,
  ) {
    const kinds: [ProbeKind, Probe | undefined][] = [
      ['startup', c.startupProbe],
      ['liveness', c.livenessProbe],
      ['readiness', c.readinessProbe],
    ];
    for (const [kind, probe] of kinds) {
      if (!probe) continue;
      const period = (probe.periodSeconds ?? 10) * 1000 * timeScale;
      const successThreshold = probe.successThreshold ?? 1;
      const failureThreshold = probe.failureThreshold ?? 3;
      let lastResult: boolean | undefined;
      let count = 0;
      let busy = false;
      const tick = async () => {
        if (this.#stopped || busy) return;
        if (kind !== 'startup' && !cb.started()) return;
        if (kind === 'startup' && lastResult === true) return;
        busy = true;
        const outcome = await runProbe(runtime, probe, c, containerId, podIP);
        busy = false;
        if (this.#stopped) return;
        if (!outcome.ok) cb.onFailure(kind, outcome.output);
        if (lastResult === outcome.ok) count++;
        else {
          lastResult = outcome.ok;
          count = 1;
        }
        const threshold = outcome.ok ? successThreshold : failureThreshold;
        if (count === threshold) cb.onResult(kind, outcome.ok);
        // After a liveness/startup failure the container is killed; the worker's job is done.
        if (!outcome.ok && count >= failureThreshold && kind !== 'readiness') this.stop();
      };
      const delay = (probe.initialDelaySeconds ?? 0) * 1000 * timeScale;
      const first = setTimeout(() => {
        void tick();
        this.#timers.push(setInterval(() => void tick(), period));
      }, delay);
      this.#timers.push(first);
    }
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
  }
}
