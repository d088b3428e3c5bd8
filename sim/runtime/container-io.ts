// Streams in and out of containers through the Docker Engine API: logs (demultiplexed, with the
// daemon's timestamps), exec and attach (hijacked connections) and one-shot stats.
import type { Duplex, Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { DockerRuntime } from './docker-runtime.ts';

export type StdStream = 'stdout' | 'stderr';

export interface LogRecord {
  stream: StdStream;
  /** The daemon's RFC3339Nano timestamp (trailing zeros trimmed, as Go prints it). */
  time: string;
  /** The line including its trailing newline, if it had one. */
  data: Buffer;
}

export interface LogReadOptions {
  follow: boolean;
  /** Unix seconds, may carry a fraction. */
  since?: number;
  tail?: number;
  tty: boolean;
}

/**
 * Splits Docker's multiplexed stream (8-byte header: stream type, 3 zero bytes, big-endian size).
 * With a TTY the stream is raw and everything is stdout.
 */
export function demultiplexer(
  tty: boolean,
  onFrame: (stream: StdStream, payload: Buffer) => void,
): (chunk: Buffer) => void {
  if (tty) return (chunk) => onFrame('stdout', chunk);
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const type = pending[0];
      const payload = pending.subarray(8, 8 + size);
      pending = pending.subarray(8 + size);
      onFrame(type === 2 ? 'stderr' : 'stdout', payload);
    }
  };
}

/** Reads a container's log as records; ends when the log does (or, with follow, when the container stops). */
export async function* readLogs(
  runtime: DockerRuntime,
  id: string,
  options: LogReadOptions,
): AsyncGenerator<LogRecord> {
  const opts: Docker.ContainerLogsOptions = { stdout: true, stderr: true, timestamps: true };
  if (options.since !== undefined) opts.since = options.since;
  if (options.tail !== undefined) opts.tail = options.tail;
  const container = runtime.docker.getContainer(id);
  const raw = options.follow
    ? ((await container.logs({ ...opts, follow: true })) as Readable)
    : ((await container.logs({ ...opts, follow: false })) as Buffer);
  const queue: LogRecord[] = [];
  let lineBuf: { stream: StdStream; buf: Buffer } | undefined;
  const emitLines = (stream: StdStream, payload: Buffer) => {
    // Without a TTY each frame is one log message; with a TTY lines must be split here.
    let buf = lineBuf && lineBuf.stream === stream ? Buffer.concat([lineBuf.buf, payload]) : payload;
    lineBuf = undefined;
    for (;;) {
      const nl = buf.indexOf(10);
      if (nl < 0) break;
      pushMessage(stream, buf.subarray(0, nl + 1));
      buf = buf.subarray(nl + 1);
    }
    if (buf.length) {
      if (options.tty) lineBuf = { stream, buf };
      else pushMessage(stream, buf);
    }
  };
  const pushMessage = (stream: StdStream, msg: Buffer) => {
    const sp = msg.indexOf(32);
    if (sp < 0) return;
    queue.push({ stream, time: msg.subarray(0, sp).toString('latin1'), data: msg.subarray(sp + 1) });
  };
  const feed = demultiplexer(options.tty, emitLines);
  if (Buffer.isBuffer(raw)) {
    feed(raw);
    if (lineBuf) pushMessage(lineBuf.stream, lineBuf.buf);
    yield* queue;
    return;
  }
  let done = false;
  let wake: (() => void) | undefined;
  raw.on('data', (chunk: Buffer) => {
    feed(chunk);
    wake?.();
  });
  const finish = () => {
    done = true;
    wake?.();
  };
  raw.on('end', finish);
  raw.on('close', finish);
  raw.on('error', finish);
  try {
    for (;;) {
      while (queue.length) yield queue.shift()!;
      if (done) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    if (lineBuf) pushMessage(lineBuf.stream, lineBuf.buf);
    while (queue.length) yield queue.shift()!;
  } finally {
    raw.destroy();
  }
}

/** Go's RFC3339Nano as Docker prints it → Kubernetes' RFC3339NanoFixed (always 9 fractional digits). */
export function fixedNanoTimestamp(time: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(time);
  if (!m) return time;
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  if (m[3] === 'Z') return `${m[1]}.${frac}Z`;
  // Convert an offset to UTC (Docker uses UTC, but be safe).
  const d = new Date(`${m[1]}${m[3]}`);
  return `${d.toISOString().slice(0, 19)}.${frac}Z`;
}

export interface ExecOptions {
  cmd: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface ExecHandle {
  /** The hijacked connection: write stdin to it, read (multiplexed unless tty) output from it. */
  socket: Duplex;
  /** Applied once the process exists (see resizeExec); rejects with dockerd's error when it cannot be. */
  resize(width: number, height: number): Promise<void>;
  /** The exit code, once the output has ended. */
  exitCode(): Promise<number>;
}

/** How long an exec resize that dockerd could not apply yet is tried again (see resizeExec). */
export const EXEC_RESIZE_PATIENCE_MS = 30_000;

/**
 * Resizes an exec's TTY, waiting for its process if need be. The kubelet applies the first size once the process
 * has started (containerd's CRI exec: Start, then the resize channel is read), so no size is lost. dockerd holds a
 * resize of an exec that has not started yet, but only for 10 s ("timeout waiting for exec session ready"), and a
 * start can take longer under load: a failed resize is tried again while the exec has not ended, until
 * `patienceMs` has passed, and then rejects with dockerd's error. A resize of an ended process is moot: it
 * resolves.
 */
export async function resizeExec(
  exec: Pick<Docker.Exec, 'resize' | 'inspect'>,
  width: number,
  height: number,
  patienceMs = EXEC_RESIZE_PATIENCE_MS,
): Promise<void> {
  const deadline = Date.now() + patienceMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await exec.resize({ w: width, h: height });
      return;
    } catch (err) {
      const info = await exec.inspect().catch(() => undefined);
      if (info && !info.Running && info.ExitCode !== null) return;
      if (!info || Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, Math.min(10 * attempt, 250)));
    }
  }
}

export async function startExec(runtime: DockerRuntime, id: string, options: ExecOptions): Promise<ExecHandle> {
  const exec = await runtime.docker.getContainer(id).exec({
    Cmd: options.cmd,
    AttachStdin: options.stdin,
    AttachStdout: options.stdout,
    AttachStderr: options.stderr,
    Tty: options.tty,
  });
  const socket = (await exec.start({ hijack: true, stdin: options.stdin, Tty: options.tty })) as unknown as Duplex;
  return {
    socket,
    resize: (w, h) => resizeExec(exec, w, h),
    exitCode: async () => {
      for (let i = 0; i < 50; i++) {
        const info = await exec.inspect();
        if (!info.Running && info.ExitCode !== null) return info.ExitCode;
        await new Promise((r) => setTimeout(r, 20));
      }
      return (await exec.inspect()).ExitCode ?? 0;
    },
  };
}

export interface AttachHandle {
  socket: Duplex;
  resize(width: number, height: number): Promise<void>;
}

export async function startAttach(
  runtime: DockerRuntime,
  id: string,
  options: { stdin: boolean; stdout: boolean; stderr: boolean },
): Promise<AttachHandle> {
  const container = runtime.docker.getContainer(id);
  const socket = (await container.attach({
    stream: true,
    stdin: options.stdin,
    stdout: options.stdout,
    stderr: options.stderr,
    hijack: true,
  })) as unknown as Duplex;
  return {
    socket,
    resize: async (w, h) => {
      await container.resize({ w, h });
    },
  };
}

export interface ContainerUsage {
  cpuNanoCores: number;
  memoryWorkingSetBytes: number;
  /** Seconds between the two samples the CPU rate came from. */
  windowSeconds: number;
  timestamp: string;
}

interface RawStats {
  read: string;
  preread: string;
  cpu_stats: { cpu_usage: { total_usage: number } };
  precpu_stats: { cpu_usage: { total_usage: number } };
  memory_stats: { usage?: number; stats?: Record<string, number> };
}

/** `docker stats --no-stream`: CPU rate between the daemon's two samples, memory working set. */
export async function containerUsage(runtime: DockerRuntime, id: string): Promise<ContainerUsage> {
  const s = (await runtime.docker.getContainer(id).stats({ stream: false })) as unknown as RawStats;
  const read = Date.parse(s.read);
  const preread = Date.parse(s.preread);
  const windowMs = preread > 0 && read > preread ? read - preread : 1000;
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const stats = s.memory_stats?.stats ?? {};
  const inactive = stats.inactive_file ?? stats.total_inactive_file ?? 0;
  const usage = s.memory_stats?.usage ?? 0;
  return {
    cpuNanoCores: Math.max(0, Math.round((cpuDelta / (windowMs * 1e6)) * 1e9)),
    memoryWorkingSetBytes: Math.max(0, usage - inactive),
    windowSeconds: windowMs / 1000,
    timestamp: new Date(read || Date.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}
