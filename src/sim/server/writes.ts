import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, notFound } from '../api.js';
import { jsonPatch, mergePatch, strategicMergePatch } from '../patch.js';
import type { ResourceType } from '../resources.js';
import { type KMetadata, type KObject, renderAt, type StoredObject } from '../store.js';
import type { SimContext } from './context.js';
import { methodNotAllowed, parseObjectBody, readBody, sendJson } from './http.js';
import { filter, listBody, listQuery } from './list.js';

/** The resource a write goes to, as the route parsed it from the path and query. */
export interface WriteTarget {
  readonly type: ResourceType;
  readonly apiVersion: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
  readonly dryRun: boolean;
  readonly q: URLSearchParams;
}

/** POST to a collection. */
export async function serveCreate(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  t: WriteTarget,
): Promise<string> {
  if (t.name !== undefined) throw methodNotAllowed();
  const body = parseObjectBody(await readBody(req), String(req.headers['content-type'] ?? ''));
  checkKind(t.type, body);
  const result = ctx.api.create(t.type, body, {
    namespace: t.namespace,
    dryRun: t.dryRun,
    requireNamespace: true,
  });
  sendJson(res, 201, objectJson(result, t.apiVersion));
  return 'create';
}

/** PUT of one object (or its status). */
export async function serveUpdate(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  t: WriteTarget,
): Promise<string> {
  if (t.name === undefined) throw methodNotAllowed();
  const body = parseObjectBody(await readBody(req), String(req.headers['content-type'] ?? ''));
  checkKind(t.type, body);
  const result = ctx.api.update(t.type, t.namespace, t.name, body, {
    subresource: t.subresource,
    dryRun: t.dryRun,
  });
  sendJson(res, 200, objectJson(result, t.apiVersion));
  return 'update';
}

/** PATCH: server-side apply (YAML), JSON patch, merge patch or strategic merge patch. */
export async function servePatch(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  t: WriteTarget,
): Promise<string> {
  const { type, namespace, name, subresource, dryRun, apiVersion } = t;
  if (name === undefined) throw methodNotAllowed();
  const contentType =
    String(req.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim() ?? '';
  const text = await readBody(req);
  const existing = ctx.store.get(type, namespace, name);
  if (contentType === 'application/apply-patch+yaml') {
    const applied = parseObjectBody(text, 'yaml');
    if (!existing) {
      const created = ctx.api.create(type, applied, { namespace, dryRun, requireNamespace: true });
      sendJson(res, 201, objectJson(created, apiVersion));
      return 'patch';
    }
    const merged = strategicMergePatch(existing.object, applied) as KObject;
    const result = ctx.api.update(type, namespace, name, merged, { subresource, dryRun });
    sendJson(res, 200, objectJson(result, apiVersion));
    return 'patch';
  }
  if (!existing) throw notFound(type, name);
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'BadRequest', 'the patch is not valid JSON');
  }
  let patched: unknown;
  if (contentType === 'application/json-patch+json') patched = jsonPatch(existing.object, patch);
  else if (contentType === 'application/merge-patch+json') patched = mergePatch(existing.object, patch);
  else if (contentType === 'application/strategic-merge-patch+json')
    patched = strategicMergePatch(existing.object, patch);
  else
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
    );
  const next = patched as KObject;
  // A patch without a resourceVersion never conflicts.
  const patchMeta = ((patch as KObject | null)?.metadata ?? {}) as KMetadata;
  if (!Array.isArray(patch) && patchMeta.resourceVersion === undefined) {
    next.metadata = { ...(next.metadata as KMetadata), resourceVersion: undefined };
  }
  const result = ctx.api.update(type, namespace, name, next, { subresource, dryRun });
  sendJson(res, 200, objectJson(result, apiVersion));
  return 'patch';
}

/** DELETE of one object, or of every object the selectors pick (deletecollection). */
export async function serveDelete(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  t: WriteTarget,
): Promise<string> {
  const { type, namespace, name, dryRun, apiVersion } = t;
  if (name === undefined) {
    const query = listQuery(namespace, t.q, undefined);
    const victims = filter(ctx.store, type, query);
    const deleted = victims.map((e) =>
      ctx.api.delete(
        type,
        (e.object.metadata as KMetadata).namespace,
        String((e.object.metadata as KMetadata).name),
        { dryRun },
      ),
    );
    sendJson(res, 200, listBody(type, apiVersion, deleted, String(ctx.store.resourceVersion)));
    return 'deletecollection';
  }
  const body = await readBody(req);
  let force = false;
  if (body.trim()) {
    try {
      const options = JSON.parse(body) as { gracePeriodSeconds?: number };
      force = options.gracePeriodSeconds === 0 && type.kind === 'Pod';
    } catch {
      /* DeleteOptions are optional */
    }
  }
  const result = ctx.api.delete(type, namespace, name, { dryRun, force });
  sendJson(res, 200, renderAt(result, apiVersion));
  return 'delete';
}

function checkKind(type: ResourceType, body: KObject): void {
  if (body.kind !== undefined && body.kind !== type.kind) {
    throw new ApiError(
      400,
      'BadRequest',
      `the object provided is unrecognized (must be of type ${type.kind}): kind ${String(body.kind)}`,
    );
  }
}

function objectJson(result: StoredObject | KObject, apiVersion: string): string {
  if ('tail' in result && 'rv' in result) return renderAt(result as StoredObject, apiVersion);
  return JSON.stringify({ ...(result as KObject), apiVersion });
}
