import type { Route } from '../context.ts';
import { type ArchiveBackend, getArchiveHandler, headArchiveHandler, putArchiveHandler } from './archive-handlers.ts';

/** docker cp: stat (HEAD), read (GET) and write (PUT) a path of a container as a tar stream. */
export function archiveRoutes(backend: ArchiveBackend): Route[] {
  return [
    { method: 'HEAD', path: '/containers/{id}/archive', handler: headArchiveHandler(backend) },
    { method: 'GET', path: '/containers/{id}/archive', handler: getArchiveHandler(backend) },
    { method: 'PUT', path: '/containers/{id}/archive', handler: putArchiveHandler(backend) },
  ];
}
