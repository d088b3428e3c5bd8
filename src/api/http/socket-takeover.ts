// Taking a connection away from node's HTTP server in the middle of a keep-alive session, for attach and
// exec start requests that did NOT ask for `Upgrade: tcp` (dockerode, testcontainers): dockerd hijacks those
// too and answers "200 OK" with a raw stream delimited by the connection close.
//
// node only hands over a socket for upgrade requests. For the others we do what its upgrade path does:
// remove the listeners the HTTP server put on the socket (recorded when the connection arrived, so we remove
// exactly those and nothing TLS added), detach the response, and let our own 'data' listener make node
// stop feeding the socket to its parser (node's documented socket.on('data') behaviour on server sockets).

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

const EVENTS = ['data', 'end', 'close', 'drain', 'error', 'timeout', 'resume', 'pause'] as const;
type Listener = (...args: unknown[]) => void;

export class SocketTakeover {
  readonly #before = new WeakMap<Duplex, Map<string, Listener[]>>();
  readonly #owned = new WeakMap<Duplex, [string, Listener][]>();

  /**
   * Records which socket listeners the HTTP server adds. `event` is the one node's HTTP connection listener
   * runs on: 'connection' for http.Server, 'secureConnection' for https.Server. Call right after creating it.
   */
  watch(server: Server, event: 'connection' | 'secureConnection'): void {
    server.prependListener(event, (socket: Duplex) => {
      this.#before.set(socket, snapshot(socket));
    });
    server.on(event, (socket: Duplex) => {
      const before = this.#before.get(socket);
      this.#before.delete(socket);
      if (!before) return;
      const added: [string, Listener][] = [];
      const after = snapshot(socket);
      for (const ev of EVENTS) {
        const old = before.get(ev) ?? [];
        for (const fn of after.get(ev) ?? []) if (!old.includes(fn)) added.push([ev, fn]);
      }
      this.#owned.set(socket, added);
    });
  }

  /** Detaches the request's socket from the HTTP server. The request must be complete (body read). */
  take(req: IncomingMessage, res: ServerResponse): Duplex {
    const socket = req.socket;
    const owned = this.#owned.get(socket);
    if (!owned) throw new Error('socket takeover: connection not recorded (SocketTakeover.watch was not called)');
    for (const [ev, fn] of owned) socket.removeListener(ev, fn);
    this.#owned.delete(socket);
    res.detachSocket(socket);
    socket.setTimeout(0);
    return socket;
  }
}

function snapshot(socket: Duplex): Map<string, Listener[]> {
  const m = new Map<string, Listener[]>();
  for (const ev of EVENTS) m.set(ev, socket.listeners(ev) as Listener[]);
  return m;
}
