// Image routes. Names may contain '/' (`/images/testcontainers/ryuk:0.14.0/json`), so `{name*}` spans slashes;
// fixed paths come first.

import type { Route } from '../context.ts';
import type { ImagesBackend } from './backend.ts';
import {
  authHandler,
  createHandler,
  deleteHandler,
  historyHandler,
  inspectHandler,
  listHandler,
  notPossible,
  pruneHandler,
  tagHandler,
} from './handlers.ts';

export function imageRoutes(backend: ImagesBackend): Route[] {
  return [
    { method: 'POST', path: '/images/create', handler: createHandler(backend) },
    { method: 'GET', path: '/images/json', handler: listHandler(backend) },
    { method: 'POST', path: '/images/prune', handler: pruneHandler(backend), minVersion: '1.25' },
    { method: 'POST', path: '/images/load', handler: notPossible('load') },
    { method: 'GET', path: '/images/get', handler: notPossible('save') },
    { method: 'GET', path: '/images/search', handler: notPossible('search') },
    { method: 'POST', path: '/build', handler: notPossible('build') },
    { method: 'POST', path: '/build/prune', handler: notPossible('build'), minVersion: '1.31' },
    { method: 'POST', path: '/commit', handler: notPossible('commit') },
    { method: 'POST', path: '/auth', handler: authHandler(backend) },
    { method: 'GET', path: '/images/{name*}/json', handler: inspectHandler(backend) },
    { method: 'GET', path: '/images/{name*}/history', handler: historyHandler(backend) },
    { method: 'GET', path: '/images/{name*}/get', handler: notPossible('save') },
    { method: 'POST', path: '/images/{name*}/tag', handler: tagHandler(backend) },
    { method: 'POST', path: '/images/{name*}/push', handler: notPossible('push') },
    { method: 'DELETE', path: '/images/{name*}', handler: deleteHandler(backend) },
  ];
}
