// Container lifecycle routes. Fixed paths come before `{id}` patterns. Logs, attach, exec, resize, top and stats
// are in streams-routes.ts; archive (docker cp) in archive-routes.ts.

import type { Route } from '../context.ts';
import type { ContainersBackend } from './backend.ts';
import {
  createHandler,
  inspectHandler,
  killHandler,
  listHandler,
  pruneHandler,
  refuseHandler,
  removeHandler,
  renameHandler,
  restartHandler,
  startHandler,
  stopHandler,
  updateHandler,
  waitHandler,
} from './handlers.ts';

type Refuser = { refuse(ref: string, what: 'pause' | 'unpause' | 'export' | 'changes'): never };

export function containerRoutes(backend: ContainersBackend & Refuser): Route[] {
  return [
    { method: 'POST', path: '/containers/create', handler: createHandler(backend) },
    { method: 'GET', path: '/containers/json', handler: listHandler(backend) },
    { method: 'POST', path: '/containers/prune', handler: pruneHandler(backend), minVersion: '1.25' },
    { method: 'GET', path: '/containers/{id}/json', handler: inspectHandler(backend) },
    { method: 'POST', path: '/containers/{id}/start', handler: startHandler(backend) },
    { method: 'POST', path: '/containers/{id}/stop', handler: stopHandler(backend) },
    { method: 'POST', path: '/containers/{id}/restart', handler: restartHandler(backend) },
    { method: 'POST', path: '/containers/{id}/kill', handler: killHandler(backend) },
    { method: 'POST', path: '/containers/{id}/wait', handler: waitHandler(backend) },
    { method: 'POST', path: '/containers/{id}/rename', handler: renameHandler(backend) },
    { method: 'POST', path: '/containers/{id}/update', handler: updateHandler(backend) },
    { method: 'POST', path: '/containers/{id}/pause', handler: refuseHandler(backend, 'pause') },
    { method: 'POST', path: '/containers/{id}/unpause', handler: refuseHandler(backend, 'unpause') },
    { method: 'GET', path: '/containers/{id}/export', handler: refuseHandler(backend, 'export') },
    { method: 'GET', path: '/containers/{id}/changes', handler: refuseHandler(backend, 'changes') },
    { method: 'DELETE', path: '/containers/{id}', handler: removeHandler(backend) },
  ];
}
