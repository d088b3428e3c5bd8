// Cluster DNS over UDP and TCP, on an address the pods reach (the cluster network's gateway, port 53).
// Answers from the watch-fed cluster view; forwards nothing.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type Packet } from 'dns-packet';
import type { ClusterView } from '../services/view.ts';
import { answer, RCODE } from './answer.ts';

export interface DnsServerOptions {
  view: ClusterView;
  host: string;
  /** 53 for pods; 0 picks a free port (the same one for UDP and TCP). */
  port: number;
  zone?: string;
  log?: (msg: string) => void;
}

export interface DnsServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

const UDP_DEFAULT_SIZE = 512;
const EDNS_SIZE = 1232;

/** Builds the response bytes for one query message; maxSize truncates (TC) for UDP. */
export function respond(view: ClusterView, zone: string, msg: Buffer, maxSize: number | undefined): Buffer | undefined {
  let query: Packet;
  try {
    query = dnsPacket.decode(msg);
  } catch {
    if (msg.length < 12) return undefined;
    // FORMERR with the id echoed.
    const out = Buffer.alloc(12);
    msg.copy(out, 0, 0, 2);
    out.writeUInt16BE(0x8000 | RCODE.FORMERR, 2);
    return out;
  }
  if (query.type === 'response') return undefined;
  const opt = query.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  const rd = query.flags !== undefined ? query.flags & dnsPacket.RECURSION_DESIRED : 0;
  const response: Packet = {
    id: query.id,
    type: 'response',
    flags: rd | dnsPacket.RECURSION_AVAILABLE,
    questions: query.questions,
    answers: [],
    authorities: [],
    additionals: [],
  };
  const question = query.questions?.[0];
  const opcode = (msg.readUInt16BE(2) >> 11) & 0xf;
  let rcode: number = RCODE.NOERROR;
  if (opcode !== 0) rcode = RCODE.NOTIMP;
  else if (!question || (query.questions?.length ?? 0) !== 1) rcode = RCODE.FORMERR;
  else if (question.class && question.class !== 'IN' && question.class !== 'ANY') rcode = RCODE.REFUSED;
  else {
    const r = answer(view, zone, question.name, question.type);
    rcode = r.rcode;
    if (r.authoritative) response.flags = (response.flags ?? 0) | dnsPacket.AUTHORITATIVE_ANSWER;
    response.answers = r.answers;
    response.authorities = r.authorities;
    response.additionals = r.additionals;
  }
  response.flags = (response.flags ?? 0) | rcode;
  if (opt) {
    response.additionals = [
      ...(response.additionals ?? []),
      { type: 'OPT', name: '.', udpPayloadSize: EDNS_SIZE, flags: 0, options: [] } as unknown as Answer,
    ];
  }
  let out = dnsPacket.encode(response);
  const limit = maxSize === undefined ? undefined : opt ? Math.min(EDNS_SIZE, opt.udpPayloadSize ?? 512) : maxSize;
  if (limit !== undefined && out.length > limit) {
    response.flags = (response.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE;
    response.answers = [];
    response.authorities = [];
    response.additionals = (response.additionals ?? []).filter((a) => a.type === 'OPT');
    out = dnsPacket.encode(response);
  }
  return out;
}

export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const zone = options.zone ?? 'cluster.local';
  const log = options.log ?? (() => {});
  const udp = dgram.createSocket({ type: 'udp4', reuseAddr: false });
  udp.on('message', (msg, rinfo) => {
    try {
      const out = respond(options.view, zone, msg, UDP_DEFAULT_SIZE);
      if (out) udp.send(out, rinfo.port, rinfo.address);
    } catch (err) {
      log(`dns: ${(err as Error).message}`);
    }
  });
  udp.on('error', (err) => log(`dns: udp: ${err.message}`));
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(options.port, options.host, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  const port = udp.address().port;

  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setTimeout(10_000, () => socket.destroy());
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        try {
          const out = respond(options.view, zone, msg, undefined);
          if (out) {
            const head = Buffer.alloc(2);
            head.writeUInt16BE(out.length);
            socket.write(Buffer.concat([head, out]));
          }
        } catch (err) {
          log(`dns: ${(err as Error).message}`);
          socket.destroy();
        }
      }
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, options.host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    udp.close();
    throw err;
  }
  return {
    host: options.host,
    port,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([
        new Promise<void>((resolve) => tcp.close(() => resolve())),
        new Promise<void>((resolve) => udp.close(() => resolve())),
      ]);
    },
  };
}
