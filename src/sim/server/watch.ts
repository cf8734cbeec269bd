import type { IncomingMessage, ServerResponse } from 'node:http';
import { statusObject } from '../api.js';
import type { ResourceType } from '../resources.js';
import { renderAt, type StoredObject, type StoreEvent } from '../store.js';
import type { SimContext } from './context.js';
import { TABLE_CONTENT, TABLE_MEDIA } from './http.js';
import { filter, type ListQuery, matches, tableBody } from './list.js';

/**
 * A watch: the initial ADDED events (or the history since resourceVersion, 410 when compacted),
 * then every change the query selects, optional BOOKMARKs, closed on timeoutSeconds, on a fault
 * (cutWatchesAfter) or when the simulator closes.
 */
export function serveWatch(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  type: ResourceType,
  apiVersion: string,
  query: ListQuery,
  q: URLSearchParams,
  accept: string,
): void {
  const { store, faults } = ctx;
  const asTable = TABLE_MEDIA.test(accept);
  res.writeHead(200, {
    'Content-Type': asTable ? TABLE_CONTENT : 'application/json',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
  let closed = false;
  let unsubscribe: (() => void) | undefined;
  let bookmarkTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    if (timeoutTimer) clearTimeout(timeoutTimer);
    stream.done();
    ctx.watchClosers.delete(close);
    res.end();
  };
  const stream = faults.register(close);
  ctx.watchClosers.add(close);
  req.on('close', close);
  res.on('close', close);
  let firstTable = true;
  const send = (kind: string, entry: StoredObject) => {
    if (closed) return;
    let objectJsonText: string;
    if (asTable) {
      objectJsonText = JSON.stringify(
        tableBody(type, apiVersion, [entry], String(entry.rv), q, undefined, undefined, firstTable),
      );
      firstTable = false;
    } else objectJsonText = renderAt(entry, apiVersion);
    res.write(`{"type":"${kind}","object":${objectJsonText}}\n`);
    if (stream.spend()) close();
  };
  const sendError = (status: ReturnType<typeof statusObject>) => {
    res.write(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
    close();
  };
  if (faults.takeGone(req.headers['user-agent'])) {
    sendError(
      statusObject(
        410,
        'Expired',
        `too old resource version: ${q.get('resourceVersion') ?? ''} (${store.resourceVersion})`,
      ),
    );
    return;
  }
  const rvParam = q.get('resourceVersion') ?? '';
  const initialEvents = q.get('sendInitialEvents') === 'true';
  const bookmarks = q.get('allowWatchBookmarks') === 'true';
  const deliver = (event: StoreEvent) => {
    const now = matches(type, query, event.entry);
    const before = event.previous !== undefined && matches(type, query, event.previous);
    if (event.type === 'DELETED') {
      if (before) send('DELETED', event.entry);
    } else if (event.type === 'ADDED') {
      if (now) send('ADDED', event.entry);
    } else if (now && before) send('MODIFIED', event.entry);
    else if (now) send('ADDED', event.entry);
    else if (before) send('DELETED', event.entry);
  };
  if (rvParam === '' || rvParam === '0' || initialEvents) {
    for (const entry of filter(store, type, query)) send('ADDED', entry);
    if (initialEvents && !closed) {
      res.write(
        `${JSON.stringify({
          type: 'BOOKMARK',
          object: {
            kind: type.kind,
            apiVersion,
            metadata: {
              resourceVersion: String(store.resourceVersion),
              annotations: { 'k8s.io/initial-events-end': 'true' },
            },
          },
        })}\n`,
      );
    }
  } else {
    const rv = Number(rvParam);
    if (!Number.isFinite(rv)) {
      sendError(statusObject(400, 'BadRequest', `invalid resource version: ${rvParam}`));
      return;
    }
    const events = store.eventsSince(type, rv);
    if (events === 'gone') {
      sendError(
        statusObject(
          410,
          'Expired',
          `too old resource version: ${rvParam} (${store.compactedResourceVersion + 1})`,
        ),
      );
      return;
    }
    for (const e of events) deliver(e);
  }
  if (closed) return;
  unsubscribe = store.subscribe(type, deliver);
  if (bookmarks) {
    bookmarkTimer = setInterval(() => {
      if (closed) return;
      res.write(
        `${JSON.stringify({ type: 'BOOKMARK', object: { kind: type.kind, apiVersion, metadata: { resourceVersion: String(store.resourceVersion) } } })}\n`,
      );
    }, ctx.bookmarkIntervalMs);
    bookmarkTimer.unref();
  }
  const timeoutSeconds = Number(q.get('timeoutSeconds') ?? 0);
  if (timeoutSeconds > 0) {
    timeoutTimer = setTimeout(close, timeoutSeconds * 1000);
    timeoutTimer.unref();
  }
}
