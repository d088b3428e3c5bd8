// Published ports: the publisher (listeners driven by the pod cache), the dialer (direct or port-forward), and the
// default address ports are published on.

import { isIP } from 'node:net';

export { Dialer, type ForwardFn, type PortMode } from './dialer.ts';
export { type PortHooks, PortPublisher, type PortReservation } from './publisher.ts';

/**
 * Where a port without a HostIp is published: the address of the (first) TCP API listener, so a server listening
 * on loopback publishes on loopback and one on all interfaces publishes on all; 127.0.0.1 for unix sockets only.
 */
export function defaultPublishAddress(listen: readonly ({ kind: 'tcp'; host: string } | { kind: 'unix' })[]): string {
  const tcp = listen.find((l): l is { kind: 'tcp'; host: string } => l.kind === 'tcp');
  if (!tcp) return '127.0.0.1';
  if (tcp.host.toLowerCase() === 'localhost') return '127.0.0.1';
  return isIP(tcp.host) ? tcp.host : '0.0.0.0';
}
