// Volume routes (fixed paths first).

import type { Route } from '../context.ts';
import type { VolumesBackend } from './backend.ts';
import { createHandler, deleteHandler, inspectHandler, listHandler, pruneHandler, updateHandler } from './handlers.ts';

export function volumeRoutes(backend: VolumesBackend): Route[] {
  return [
    { method: 'GET', path: '/volumes', handler: listHandler(backend) },
    { method: 'POST', path: '/volumes/create', handler: createHandler(backend) },
    { method: 'POST', path: '/volumes/prune', handler: pruneHandler(backend), minVersion: '1.25' },
    { method: 'GET', path: '/volumes/{name}', handler: inspectHandler(backend) },
    { method: 'PUT', path: '/volumes/{name}', handler: updateHandler(), minVersion: '1.42' },
    { method: 'DELETE', path: '/volumes/{name}', handler: deleteHandler(backend) },
  ];
}
