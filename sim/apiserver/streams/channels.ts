// The Kubernetes WebSocket channel protocols (k8s.io/streaming wsstream/conn.go): every message is
// a channel byte and a payload (binary), or an ASCII channel digit and base64 payload (base64
// variants). The server picks the first protocol the client offers that it supports; "" (no
// Sec-WebSocket-Protocol) is the old binary protocol.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { rejectWithText } from './http-errors.ts';

export interface ProtocolInfo {
  name: string;
  /** 1 for channel.k8s.io and "", 4, 5. */
  version: number;
  base64: boolean;
}

export const EXEC_PROTOCOLS: ProtocolInfo[] = [
  { name: 'v5.channel.k8s.io', version: 5, base64: false },
  { name: 'v4.channel.k8s.io', version: 4, base64: false },
  { name: 'v4.base64.channel.k8s.io', version: 4, base64: true },
  { name: 'channel.k8s.io', version: 1, base64: false },
  { name: 'base64.channel.k8s.io', version: 1, base64: true },
];

export const PORTFORWARD_PROTOCOLS: ProtocolInfo[] = [
  { name: 'v4.channel.k8s.io', version: 4, base64: false },
  { name: 'v4.base64.channel.k8s.io', version: 4, base64: true },
];

const NO_PROTOCOL: ProtocolInfo = { name: '', version: 1, base64: false };

function offered(req: IncomingMessage): string[] {
  const h = req.headers['sec-websocket-protocol'];
  if (!h) return [];
  return (Array.isArray(h) ? h.join(',') : h)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The negotiated protocol, or undefined (the caller answers 403 as x/net/websocket does). */
export function negotiate(req: IncomingMessage, supported: ProtocolInfo[]): ProtocolInfo | undefined {
  const list = offered(req);
  if (list.length === 0) return NO_PROTOCOL;
  for (const p of list) {
    const hit = supported.find((s) => s.name === p);
    if (hit) return hit;
  }
  return undefined;
}

export function rejectProtocol(socket: Duplex, req: IncomingMessage, supported: ProtocolInfo[]): void {
  rejectWithText(
    socket,
    403,
    `requested protocol(s) are not supported: [${offered(req).join(' ')}]; supports [${supported.map((s) => s.name).join(' ')}]`,
  );
}

export class ChannelConn {
  readonly ws: WebSocket;
  readonly protocol: ProtocolInfo;

  constructor(ws: WebSocket, protocol: ProtocolInfo) {
    this.ws = ws;
    this.protocol = protocol;
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  send(channel: number, data: Buffer | string = Buffer.alloc(0)): void {
    if (!this.open) return;
    const payload = typeof data === 'string' ? Buffer.from(data) : data;
    if (this.protocol.base64) this.ws.send(`${String.fromCharCode(48 + channel)}${payload.toString('base64')}`);
    else this.ws.send(Buffer.concat([Buffer.from([channel]), payload]), { binary: true });
  }

  /** Decoded client messages: (channel, payload). */
  onMessage(handler: (channel: number, data: Buffer) => void): void {
    this.ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const buf = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
      if (buf.length === 0) return;
      if (this.protocol.base64 && !isBinary) {
        const text = buf.toString('latin1');
        handler(text.charCodeAt(0) - 48, Buffer.from(text.slice(1), 'base64'));
      } else handler(buf[0], buf.subarray(1));
    });
  }

  close(code = 1000, reason = ''): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }
}

/** Completes the upgrade with the negotiated protocol. */
export function upgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  protocol: ProtocolInfo,
  onConn: (conn: ChannelConn) => void,
): void {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: () => (protocol.name ? protocol.name : false),
  });
  wss.handleUpgrade(req, socket, head, (ws) => {
    onConn(new ChannelConn(ws, protocol));
    wss.close();
  });
}
