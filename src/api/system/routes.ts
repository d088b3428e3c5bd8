import type { Route } from '../context.ts';
import type { SystemBackend } from './backend.ts';
import { diskUsageHandler, infoHandler, pingHandler, versionHandler } from './handlers.ts';

export interface SystemRoutesOptions {
  serverVersion: string;
  gitCommit: string;
}

export function systemRoutes(backend: SystemBackend, o: SystemRoutesOptions): Route[] {
  const ping = pingHandler();
  return [
    { method: 'GET', path: '/_ping', handler: ping },
    { method: 'HEAD', path: '/_ping', handler: ping },
    { method: 'GET', path: '/version', handler: versionHandler(backend, o.serverVersion, o.gitCommit) },
    { method: 'GET', path: '/info', handler: infoHandler(backend, o.serverVersion) },
    { method: 'GET', path: '/system/df', handler: diskUsageHandler(backend), minVersion: '1.25' },
  ];
}
