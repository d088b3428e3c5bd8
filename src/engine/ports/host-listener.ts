// One published host port: a TCP listener on badidea's host whose connections are carried to a container port.
// close() stops listening and drops the connections it carries (as Docker's proxy does when a container stops).

import net from 'node:net';

export class BindError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export class HostListener {
  readonly hostIp: string;
  #port: number;
  readonly #server: net.Server;
  readonly #connections = new Set<net.Socket>();
  #closed = false;

  private constructor(hostIp: string, port: number, server: net.Server) {
    this.hostIp = hostIp;
    this.#port = port;
    this.#server = server;
  }

  get port(): number {
    return this.#port;
  }

  /** Connections being carried now. */
  get connections(): number {
    return this.#connections.size;
  }

  /** Listens on hostIp:port (0: a free port); rejects with a BindError (EADDRINUSE, EACCES, EADDRNOTAVAIL …). */
  static open(hostIp: string, port: number, onConnection: (socket: net.Socket) => void): Promise<HostListener> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
      let listener: HostListener | undefined;
      const onError = (err: NodeJS.ErrnoException) => {
        server.close();
        reject(new BindError(err.code ?? 'EUNKNOWN', err.message));
      };
      server.once('error', onError);
      server.on('connection', (socket) => {
        if (!listener || listener.#closed) {
          socket.destroy();
          return;
        }
        const l = listener;
        l.#connections.add(socket);
        socket.once('close', () => l.#connections.delete(socket));
        onConnection(socket);
      });
      server.listen({ host: hostIp, port, exclusive: true }, () => {
        server.off('error', onError);
        server.on('error', () => {});
        const address = server.address() as net.AddressInfo;
        listener = new HostListener(hostIp, address.port, server);
        resolve(listener);
      });
    });
  }

  /** Stops listening (at once) and destroys every carried connection. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of this.#connections) s.destroy();
    return closed;
  }
}
