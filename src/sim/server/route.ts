import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, notFound } from '../api.js';
import { apiVersionOf } from '../resources.js';
import { renderAt } from '../store.js';
import type { SimContext } from './context.js';
import { groupDocument, resourceList, serveDiscovery } from './discovery.js';
import { methodNotAllowed, PARTIAL, sendJson, TABLE_CONTENT, TABLE_MEDIA } from './http.js';
import { listQuery, partial, serveList, tableBody } from './list.js';
import { serveWatch } from './watch.js';
import { serveCreate, serveDelete, servePatch, serveUpdate, type WriteTarget } from './writes.js';

function noSuchPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

/** Serves one request; returns the verb it served (kubeVerb() names it for the log up front). */
export async function route(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  method: string,
): Promise<string> {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const accept = String(req.headers.accept ?? '');
  if (method === 'GET' && serveDiscovery(res, ctx.registry, ctx.url, path, accept)) return 'get';
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 2) {
    group = '';
    version = segments[1] as string;
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 2) {
    group = segments[1] as string;
    if (segments.length === 2) {
      const doc = groupDocument(ctx.registry, group);
      if (!doc || method !== 'GET') throw noSuchPath();
      sendJson(res, 200, doc);
      return 'get';
    }
    version = segments[2] as string;
    rest = segments.slice(3);
  } else {
    throw noSuchPath();
  }
  const served = ctx.registry.at(group, version);
  if (served.length === 0) throw noSuchPath();
  if (rest.length === 0) {
    if (method !== 'GET') throw methodNotAllowed();
    sendJson(res, 200, resourceList(apiVersionOf(group, version), served));
    return 'get';
  }
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    ctx.registry.get(group, rest[2] as string)?.namespaced
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource] = rest as [string, string | undefined, string | undefined];
  const type = ctx.registry.get(group, plural);
  if (!type?.versions.includes(version) || rest.length > 3) throw noSuchPath();
  if (subresource !== undefined && !(subresource === 'status' && type.statusSubresource)) throw noSuchPath();
  const apiVersion = apiVersionOf(group, version);
  const q = url.searchParams;
  const dryRun = q.getAll('dryRun').includes('All');
  const target: WriteTarget = { type, apiVersion, namespace, name, subresource, dryRun, q };
  switch (method) {
    case 'GET': {
      if (name !== undefined && !watchPath) {
        const entry = ctx.store.get(type, namespace, name);
        if (!entry) throw notFound(type, name);
        if (TABLE_MEDIA.test(accept))
          sendJson(res, 200, tableBody(type, apiVersion, [entry], String(entry.rv), q), TABLE_CONTENT);
        else if (PARTIAL.test(accept)) sendJson(res, 200, partial(entry.object));
        else sendJson(res, 200, renderAt(entry, apiVersion));
        return 'get';
      }
      const query = listQuery(namespace, q, name);
      if (watchPath || q.get('watch') === 'true' || q.get('watch') === '1') {
        serveWatch(ctx, req, res, type, apiVersion, query, q, accept);
        return 'watch';
      }
      serveList(res, ctx.store, ctx.snapshots, type, apiVersion, query, q, accept);
      return 'list';
    }
    case 'POST':
      return serveCreate(ctx, req, res, target);
    case 'PUT':
      return serveUpdate(ctx, req, res, target);
    case 'PATCH':
      return servePatch(ctx, req, res, target);
    case 'DELETE':
      return serveDelete(ctx, req, res, target);
    default:
      throw methodNotAllowed();
  }
}

/** The Kubernetes verb of a request (get, list, watch, create, update, patch, delete, deletecollection). */
export function kubeVerb(method: string, url: URL): string {
  const segments = url.pathname.split('/').filter((s) => s !== '');
  let rest: string[] | undefined;
  if (segments[0] === 'api' && segments.length >= 2) rest = segments.slice(2);
  else if (segments[0] === 'apis' && segments.length >= 3) rest = segments.slice(3);
  let watchPath = false;
  if (rest?.[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  // /namespaces/NS/<resource>... is namespaced; /namespaces/NS/status|finalize is the namespace itself.
  if (rest?.[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize')
    rest = rest.slice(2);
  const named = rest !== undefined && rest.length >= 2;
  switch (method) {
    case 'GET': {
      if (!rest || rest.length === 0) return 'get';
      const q = url.searchParams.get('watch');
      if (watchPath || q === 'true' || q === '1') return 'watch';
      return named ? 'get' : 'list';
    }
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}
