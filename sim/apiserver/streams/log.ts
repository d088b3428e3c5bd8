// pods/{name}/log: PodLogOptions validation (API server), container choice and
// validateContainerLogStatus (kubelet_pods.go), then the container's log as the kubelet's
// kuberuntime/logs ReadLogs streams it: RFC3339NanoFixed timestamps, since/tail/limitBytes,
// the stream=Stdout|Stderr|All split, follow until the container stops.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pod } from '../../kubelet/types.ts';
import { fixedNanoTimestamp, readLogs } from '../../runtime/container-io.ts';
import type { DockerRuntime } from '../../runtime/docker-runtime.ts';
import type { PodTarget } from '../pod-subresources.ts';
import { badRequest, type FieldError, invalid, isStatusError, type StatusError } from '../status.ts';
import { containerStatusOf, dockerId, queryBool, validateContainer } from './target.ts';

export interface LogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  sinceSeconds?: number;
  sinceTime?: number;
  tailLines?: number;
  limitBytes?: number;
  stream: 'All' | 'Stdout' | 'Stderr';
}

function intParam(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`unable to parse "${v}" as an integer for ${key}`);
  return Number(v);
}

/** Parses and validates the query (ValidatePodLogOptions → 422). */
export function parseLogOptions(pod: Pod, q: URLSearchParams): LogOptions {
  const errors: FieldError[] = [];
  const tailLines = intParam(q, 'tailLines');
  const limitBytes = intParam(q, 'limitBytes');
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const sinceTimeRaw = q.get('sinceTime');
  let sinceTime: number | undefined;
  if (sinceTimeRaw) {
    sinceTime = Date.parse(sinceTimeRaw);
    if (Number.isNaN(sinceTime))
      throw badRequest(`parsing time "${sinceTimeRaw}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
  }
  const stream = (q.get('stream') ?? 'All') as LogOptions['stream'];
  if (tailLines !== undefined && tailLines < 0) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'tailLines',
      body: `Invalid value: ${tailLines}: must be greater than or equal to 0`,
    });
  }
  if (limitBytes !== undefined && limitBytes < 1) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'limitBytes',
      body: `Invalid value: ${limitBytes}: must be greater than 0`,
    });
  }
  if (sinceSeconds !== undefined && sinceTime !== undefined) {
    errors.push({
      type: 'FieldValueForbidden',
      field: '',
      body: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
    });
  } else if (sinceSeconds !== undefined && sinceSeconds < 1) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'sinceSeconds',
      body: `Invalid value: ${sinceSeconds}: must be greater than 0`,
    });
  }
  if (!['All', 'Stdout', 'Stderr'].includes(stream)) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'stream',
      body: `Unsupported value: "${stream}": supported values: "All", "Stderr", "Stdout"`,
    });
  } else if (stream !== 'All' && tailLines !== undefined) {
    errors.push({
      type: 'FieldValueForbidden',
      field: '',
      body: 'Forbidden: `tailLines` and specific `stream` are mutually exclusive for now',
    });
  }
  if (errors.length) throw invalid({ kind: 'PodLogOptions' }, pod.metadata.name ?? '', errors);
  return {
    container: validateContainer(pod, q.get('container')),
    follow: queryBool(q, 'follow'),
    previous: queryBool(q, 'previous'),
    timestamps: queryBool(q, 'timestamps'),
    sinceSeconds,
    sinceTime,
    tailLines,
    limitBytes,
    stream,
  };
}

/** kubelet validateContainerLogStatus: which instance's log, or the 400 the kubelet answers. */
export function logContainerId(pod: Pod, container: string, previous: boolean): string {
  const podName = pod.metadata.name;
  const cs = containerStatusOf(pod, container);
  if (!cs) throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`);
  const { running, terminated, waiting } = cs.state;
  const last = cs.lastState.terminated;
  if (previous) {
    if (!last?.containerID)
      throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    return dockerId(last.containerID);
  }
  if (running) return dockerId(cs.containerID);
  if (terminated) {
    if (terminated.containerID) return dockerId(terminated.containerID);
    if (last?.containerID) return dockerId(last.containerID);
    throw badRequest(`container "${container}" in pod "${podName}" is terminated`);
  }
  if (last) {
    if (!last.containerID) throw badRequest(`container "${container}" in pod "${podName}" is terminated`);
    return dockerId(last.containerID);
  }
  if (waiting) {
    if (waiting.reason === 'ErrImagePull') {
      throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`);
    }
    if (waiting.reason === 'ImagePullBackOff') {
      throw badRequest(
        `container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`,
      );
    }
    throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${waiting.reason}`);
  }
  throw badRequest(`container "${container}" in pod "${podName}" is waiting to start - no logs yet`);
}

function sendStatus(res: ServerResponse, err: StatusError): void {
  const body = JSON.stringify(err.status);
  res.writeHead(err.code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function serveLog(runtime: DockerRuntime, target: PodTarget, req: IncomingMessage, res: ServerResponse): void {
  const pod = target.pod as Pod;
  let opts: LogOptions;
  let id: string;
  try {
    opts = parseLogOptions(pod, target.query);
    if (!pod.spec.nodeName) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end();
      return;
    }
    id = logContainerId(pod, opts.container, opts.previous);
  } catch (err) {
    if (isStatusError(err)) {
      sendStatus(res, err);
      return;
    }
    throw err;
  }
  const spec = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === opts.container);
  void streamLog(runtime, id, opts, !!spec?.tty, req, res);
}

async function streamLog(
  runtime: DockerRuntime,
  id: string,
  opts: LogOptions,
  tty: boolean,
  req: IncomingMessage,
  res: ServerResponse,
) {
  let since: number | undefined;
  if (opts.sinceSeconds !== undefined) since = Date.now() / 1000 - opts.sinceSeconds;
  if (opts.sinceTime !== undefined) since = Math.max(since ?? 0, opts.sinceTime / 1000);
  let iter: AsyncGenerator<import('../../runtime/container-io.ts').LogRecord>;
  try {
    iter = readLogs(runtime, id, { follow: opts.follow, since, tail: opts.tailLines, tty });
    const first = await iter.next();
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    let remaining = opts.limitBytes ?? Number.POSITIVE_INFINITY;
    let closed = false;
    req.on('close', () => {
      closed = true;
      void iter.return(undefined);
    });
    res.on('close', () => {
      closed = true;
      void iter.return(undefined);
    });
    let r = first;
    while (!r.done && !closed && remaining > 0) {
      const rec = r.value;
      const wanted = opts.stream === 'All' || (opts.stream === 'Stdout') === (rec.stream === 'stdout');
      if (wanted) {
        let out = opts.timestamps
          ? Buffer.concat([Buffer.from(`${fixedNanoTimestamp(rec.time)} `), rec.data])
          : rec.data;
        if (out.length > remaining) out = out.subarray(0, remaining);
        remaining -= out.length;
        res.write(out);
      }
      if (remaining <= 0) break;
      r = await iter.next();
    }
    await iter.return(undefined);
    res.end();
  } catch (err) {
    if (!res.headersSent) {
      const body = JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `Internal error occurred: ${(err as Error).message}`,
        reason: 'InternalError',
        code: 500,
      });
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(body);
    } else res.end();
  }
}
