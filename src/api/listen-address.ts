// Listen addresses as Docker writes them: tcp://HOST:PORT and unix:///path.

import { isIP } from 'node:net';

export type ListenAddress =
  | { kind: 'tcp'; host: string; port: number; url: string }
  | { kind: 'unix'; path: string; url: string };

export function parseListenAddress(text: string): ListenAddress {
  const s = text.trim();
  if (s.startsWith('unix://')) {
    const path = s.slice('unix://'.length);
    if (!path.startsWith('/')) throw new Error(`invalid listen address ${text}: unix socket path must be absolute`);
    return { kind: 'unix', path, url: `unix://${path}` };
  }
  const m = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})\/?$/.exec(s);
  if (!m) throw new Error(`invalid listen address ${text}: expected tcp://HOST:PORT or unix:///path`);
  const host = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  if (m[1].startsWith('[') && isIP(host) !== 6) throw new Error(`invalid listen address ${text}: bad IPv6 address`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`invalid listen address ${text}: port out of range`);
  const hostPart = isIP(host) === 6 ? `[${host}]` : host;
  return { kind: 'tcp', host, port, url: `tcp://${hostPart}:${port}` };
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}
