// Container stream routes: logs, attach (hijack), resize, top, stats.

import type { Route } from '../context.ts';
import type { ContainerStreamsBackend } from './streams-backend.ts';
import { attachHandler, logsHandler, resizeHandler, statsHandler, topHandler } from './streams-handlers.ts';

export function containerStreamRoutes(backend: ContainerStreamsBackend): Route[] {
  return [
    { method: 'GET', path: '/containers/{id}/logs', handler: logsHandler(backend) },
    { method: 'POST', path: '/containers/{id}/attach', handler: attachHandler(backend), hijack: true },
    { method: 'POST', path: '/containers/{id}/resize', handler: resizeHandler(backend) },
    { method: 'GET', path: '/containers/{id}/top', handler: topHandler(backend) },
    { method: 'GET', path: '/containers/{id}/stats', handler: statsHandler(backend) },
  ];
}
