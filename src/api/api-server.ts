// Everything HTTP, assembled: the router from the route tables, the dispatcher, one server per listen
// address, and a graceful shutdown that also closes hijacked streams.

import type { Duplex } from 'node:stream';
import type { Logger } from '../log.ts';
import { type AuthOptions, createAuthenticator } from './auth.ts';
import type { Route } from './context.ts';
import { SocketTakeover } from './http/socket-takeover.ts';
import type { ListenAddress } from './listen-address.ts';
import { type Listener, startListener, type TlsMaterial } from './listeners.ts';
import { Router } from './router.ts';
import { createDispatcher } from './server.ts';

export interface ApiServerOptions {
  listen: readonly ListenAddress[];
  tls?: TlsMaterial;
  auth: AuthOptions;
  log: Logger;
  serverVersion: string;
  maxBodyBytes: number;
  /** Route tables, one per resource (src/api/<resource>/routes.ts). */
  routes: readonly (readonly Route[])[];
}

export interface ApiServer {
  listeners: Listener[];
  /** Stops accepting, lets requests and streams finish for up to timeoutMs, then closes what is left. */
  shutdown(timeoutMs: number): Promise<void>;
}

export async function startApiServer(o: ApiServerOptions): Promise<ApiServer> {
  const router = new Router();
  for (const table of o.routes) router.add(table);
  const takeover = new SocketTakeover();
  const hijacks = new Set<Duplex>();
  const dispatcher = createDispatcher({
    router,
    authenticate: createAuthenticator(o.auth),
    log: o.log,
    serverVersion: o.serverVersion,
    maxBodyBytes: o.maxBodyBytes,
    takeover,
    hijacks,
  });
  const listeners: Listener[] = [];
  try {
    for (const address of o.listen) listeners.push(await startListener(address, { dispatcher, takeover, tls: o.tls }));
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close()));
    throw err;
  }
  return {
    listeners,
    async shutdown(timeoutMs) {
      const closed = Promise.all(listeners.map((l) => l.close()));
      const streamsDone = new Promise<void>((resolve) => {
        const check = () => (hijacks.size === 0 ? resolve() : setTimeout(check, 50).unref());
        check();
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const result = await Promise.race([Promise.all([closed, streamsDone]), timeout]);
      clearTimeout(timer);
      if (result === 'timeout') {
        o.log.warn('shutdown timeout: closing open connections and streams', { streams: hijacks.size });
        for (const l of listeners) l.server.closeAllConnections();
        for (const s of hijacks) s.destroy();
        await closed;
      }
    },
  };
}
