// Exec routes. Exec start may take over the connection (hijack).

import type { Route } from '../context.ts';
import type { ExecBackend } from './backend.ts';
import { execCreateHandler, execInspectHandler, execResizeHandler, execStartHandler } from './handlers.ts';

export function execRoutes(backend: ExecBackend): Route[] {
  return [
    { method: 'POST', path: '/containers/{id}/exec', handler: execCreateHandler(backend) },
    { method: 'POST', path: '/exec/{id}/start', handler: execStartHandler(backend), hijack: true },
    { method: 'POST', path: '/exec/{id}/resize', handler: execResizeHandler(backend) },
    { method: 'GET', path: '/exec/{id}/json', handler: execInspectHandler(backend) },
  ];
}
