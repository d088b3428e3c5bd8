// Watch over HTTP: 200, chunked application/json, one newline-terminated {"type","object"} per event;
// an expired resourceVersion is an ERROR event with the 410 Status, then the stream ends. Bookmarks
// when asked (allowWatchBookmarks), and the server-side timeout (timeoutSeconds, else 30–60 min).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFieldSelector } from '../store/field-selector.ts';
import { parseLabelSelector } from '../store/label-selector.ts';
import type { MemoryStore } from '../store/memory-store.ts';
import { groupVersion, type ResourceInfo } from '../store/resources.ts';
import { badRequest } from './status.ts';
import { toTable, wantsTable } from './table.ts';

export interface WatchTiming {
  /** Milliseconds between BOOKMARK events (real: about a minute). */
  bookmarkIntervalMs: number;
  /** Default watch lifetime when timeoutSeconds is absent (real: random 30–60 min). */
  defaultTimeoutMs: () => number;
}

export function serveWatch(
  store: MemoryStore,
  info: ResourceInfo,
  namespace: string | undefined,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
  timing: WatchTiming,
  onClose: (close: () => void) => () => void,
): void {
  const labelSelector = query.get('labelSelector') ?? undefined;
  const fieldSelector = query.get('fieldSelector') ?? undefined;
  parseLabelSelector(labelSelector);
  parseFieldSelector(info.key, fieldSelector);
  const bookmarks = query.get('allowWatchBookmarks') === 'true' || query.get('allowWatchBookmarks') === '1';
  const sendInitialEvents = query.get('sendInitialEvents') === 'true';
  const timeoutSeconds = query.get('timeoutSeconds');
  const table = wantsTable(req);
  const rv = query.get('resourceVersion');
  if (rv && !/^\d+$/.test(rv))
    throw badRequest(`resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing "${rv}": invalid syntax`);
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  req.socket.setNoDelay(true);
  let done = false;
  let stop = () => {};
  const timers: NodeJS.Timeout[] = [];
  const finish = () => {
    if (done) return;
    done = true;
    stop();
    for (const t of timers) clearTimeout(t);
    unregister();
    res.end();
  };
  const unregister = onClose(() => {
    finish();
    res.destroy();
  });
  req.on('close', finish);
  res.on('error', finish);
  stop = store.watch(
    info.key,
    namespace,
    {
      labelSelector,
      fieldSelector,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      sendInitialEvents,
      allowWatchBookmarks: bookmarks,
    },
    (e) => {
      if (done) return;
      const object =
        table && e.type !== 'ERROR' && e.type !== 'BOOKMARK'
          ? toTable(info, [e.object], { resourceVersion: e.object.metadata.resourceVersion }, store.now())
          : e.object;
      res.write(`${JSON.stringify({ type: e.type, object })}\n`);
      if (e.type === 'ERROR') setImmediate(finish);
    },
  );
  if (done) stop();
  const ms = timeoutSeconds ? Number(timeoutSeconds) * 1000 : timing.defaultTimeoutMs();
  if (Number.isFinite(ms) && ms > 0) timers.push(setTimeout(finish, ms));
  if (bookmarks) {
    const tick = () => {
      if (done) return;
      res.write(
        `${JSON.stringify({
          type: 'BOOKMARK',
          object: {
            kind: info.kind,
            apiVersion: groupVersion(info),
            metadata: { resourceVersion: store.resourceVersion(), creationTimestamp: null },
          },
        })}\n`,
      );
      timers.push(setTimeout(tick, timing.bookmarkIntervalMs));
    };
    timers.push(setTimeout(tick, timing.bookmarkIntervalMs));
  }
}
