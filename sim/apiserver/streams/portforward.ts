// pods/{name}/portforward over WebSocket (kubelet portforward/websocket.go): port i of the query
// gets data channel 2i and error channel 2i+1, each opened with the 2-byte little-endian port;
// one TCP connection per port to podIP:port, opened at once; when every pod side has ended (or
// the client goes) the WebSocket closes.
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Pod } from '../../kubelet/types.ts';
import type { PodTarget } from '../pod-subresources.ts';
import { type ChannelConn, negotiate, PORTFORWARD_PROTOCOLS, rejectProtocol, upgrade } from './channels.ts';
import { rejectWithStatus, rejectWithText } from './http-errors.ts';
import { noHost } from './target.ts';

/** The kubelet's parsePorts: errors are its plain-text 400s. */
export function parsePorts(query: URLSearchParams): number[] | string {
  const raw = query.getAll('ports').flatMap((p) => p.split(','));
  if (raw.length === 0 || (raw.length === 1 && raw[0] === '')) return 'query parameter "ports" is required';
  const ports: number[] = [];
  for (const s of raw) {
    const p = s.trim();
    if (!/^\d+$/.test(p) || Number(p) > 65535)
      return `unable to parse "${p}" as a port: strconv.ParseUint: parsing "${p}": invalid syntax`;
    const n = Number(p);
    if (n < 1) return `port "${p}" must be > 0`;
    ports.push(n);
  }
  return ports;
}

function portPrefix(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port);
  return b;
}

export function servePortForward(target: PodTarget, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const pod = target.pod as Pod;
  const hostErr = noHost(pod);
  if (hostErr) {
    rejectWithStatus(socket, hostErr);
    return;
  }
  const ports = parsePorts(target.query);
  if (typeof ports === 'string') {
    rejectWithText(socket, 400, ports);
    return;
  }
  const protocol = negotiate(req, PORTFORWARD_PROTOCOLS);
  if (!protocol) {
    rejectProtocol(socket, req, PORTFORWARD_PROTOCOLS);
    return;
  }
  const podIP = pod.status?.podIP;
  upgrade(req, socket, head, protocol, (conn) => forward(conn, pod, podIP, ports));
}

function forward(conn: ChannelConn, pod: Pod, podIP: string | undefined, ports: number[]): void {
  const sockets: (net.Socket | undefined)[] = [];
  let open = ports.length;
  const doneOne = () => {
    open--;
    if (open <= 0) conn.close();
  };
  ports.forEach((port, i) => {
    conn.send(2 * i, portPrefix(port));
    conn.send(2 * i + 1, portPrefix(port));
    const fail = (msg: string) => {
      conn.send(2 * i + 1, `error forwarding port ${port} to pod ${pod.metadata.uid}, uid : ${msg}`);
    };
    if (!podIP) {
      fail('failed to find sandbox IP: pod is not running');
      sockets.push(undefined);
      doneOne();
      return;
    }
    const s = net.connect({ host: podIP, port });
    sockets.push(s);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      doneOne();
    };
    s.on('data', (chunk: Buffer) => conn.send(2 * i, chunk));
    s.on('error', (err: NodeJS.ErrnoException) => {
      fail(
        `failed to connect to localhost:${port} inside namespace of pod: dial tcp 127.0.0.1:${port}: connect: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`,
      );
      end();
    });
    s.on('end', end);
    s.on('close', end);
  });
  conn.onMessage((channel, data) => {
    if (channel % 2 !== 0) return;
    const s = sockets[channel / 2];
    if (s && !s.destroyed && data.length) s.write(data);
  });
  conn.ws.on('close', () => {
    for (const s of sockets) s?.destroy();
  });
}
