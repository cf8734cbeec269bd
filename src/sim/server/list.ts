import type { ServerResponse } from 'node:http';
import { ApiError } from '../api.js';
import type { ResourceRegistry, ResourceType } from '../resources.js';
import { apiVersionOf } from '../resources.js';
import {
  type FieldRequirement,
  type LabelRequirement,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../selectors.js';
import type { KMetadata, KObject, ObjectStore, StoredObject } from '../store.js';
import { tableColumns, tableRow } from '../table.js';
import { PARTIAL_LIST, sendJson, TABLE_CONTENT, TABLE_MEDIA, writeChunked } from './http.js';

export interface ListQuery {
  namespace: string | undefined;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

interface ListSnapshot {
  readonly entries: readonly StoredObject[];
  readonly rv: number;
  readonly created: number;
}

/** A continue token stays valid this long, as kube-apiserver's default compaction window. */
const SNAPSHOT_TTL_MS = 5 * 60_000;

/** The lists being paged (limit/continue): later pages read the snapshot the first page took. */
export class ListSnapshots {
  private readonly byId = new Map<string, ListSnapshot>();
  private counter = 0;

  /** The snapshot of a continue token's id, or undefined when unknown or expired. */
  get(id: string | undefined): ListSnapshot | undefined {
    const found = id ? this.byId.get(id) : undefined;
    return found && Date.now() - found.created <= SNAPSHOT_TTL_MS ? found : undefined;
  }

  add(snapshot: ListSnapshot): string {
    const id = String(++this.counter);
    this.byId.set(id, snapshot);
    this.prune();
    return id;
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, s] of this.byId) {
      if (now - s.created > SNAPSHOT_TTL_MS || this.byId.size > 64) this.byId.delete(id);
      else break;
    }
  }
}

function listKind(type: ResourceType): string {
  return `${type.kind}List`;
}

export function listQuery(
  namespace: string | undefined,
  q: URLSearchParams,
  name: string | undefined,
): ListQuery {
  const fields = parseFieldSelector(q.get('fieldSelector'));
  if (name !== undefined) fields.push({ path: ['metadata', 'name'], negate: false, value: name });
  return { namespace, labels: parseLabelSelector(q.get('labelSelector')), fields };
}

export function matches(type: ResourceType, query: ListQuery, entry: StoredObject): boolean {
  const meta = entry.object.metadata as KMetadata;
  if (type.namespaced && query.namespace !== undefined && meta.namespace !== query.namespace) return false;
  if (query.labels.length > 0 && !matchesLabels(query.labels, meta.labels)) return false;
  if (query.fields.length > 0 && !matchesFields(query.fields, entry.object)) return false;
  return true;
}

/** The stored objects of a type that the query selects (the store's own array when it selects all). */
export function filter(store: ObjectStore, type: ResourceType, query: ListQuery): StoredObject[] {
  const all = store.list(type);
  if (
    query.labels.length === 0 &&
    query.fields.length === 0 &&
    (query.namespace === undefined || !type.namespaced)
  )
    return all;
  return all.filter((e) => matches(type, query, e));
}

/** A list: JSON, Table or PartialObjectMetadataList, paged with limit/continue. */
export function serveList(
  res: ServerResponse,
  store: ObjectStore,
  snapshots: ListSnapshots,
  type: ResourceType,
  apiVersion: string,
  query: ListQuery,
  q: URLSearchParams,
  accept: string,
): void {
  const limit = Number(q.get('limit') ?? 0);
  const token = q.get('continue');
  let snapshot: ListSnapshot;
  let offset = 0;
  let snapshotId: string | undefined;
  if (token) {
    let parsed: { id?: string; offset?: number };
    try {
      parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
        id?: string;
        offset?: number;
      };
    } catch {
      throw new ApiError(400, 'BadRequest', 'continue key is not valid');
    }
    const found = snapshots.get(parsed.id);
    if (!found) {
      throw new ApiError(
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    }
    snapshot = found;
    snapshotId = parsed.id;
    offset = parsed.offset ?? 0;
  } else {
    snapshot = { entries: filter(store, type, query), rv: store.resourceVersion, created: Date.now() };
  }
  let page = snapshot.entries;
  let continueToken: string | undefined;
  let remaining: number | undefined;
  if (limit > 0 || offset > 0) {
    const end = limit > 0 ? offset + limit : snapshot.entries.length;
    page = snapshot.entries.slice(offset, end);
    if (end < snapshot.entries.length) {
      if (!snapshotId) snapshotId = snapshots.add(snapshot);
      continueToken = Buffer.from(JSON.stringify({ id: snapshotId, offset: end })).toString('base64url');
      remaining = snapshot.entries.length - end;
    }
  }
  const rv = String(snapshot.rv);
  if (TABLE_MEDIA.test(accept)) {
    sendJson(res, 200, tableBody(type, apiVersion, page, rv, q, continueToken, remaining), TABLE_CONTENT);
    return;
  }
  if (PARTIAL_LIST.test(accept)) {
    sendJson(res, 200, {
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: listMeta(rv, continueToken, remaining),
      items: page.map((e) => partial(e.object)),
    });
    return;
  }
  if (page === snapshot.entries && !token && snapshot.entries === store.list(type)) {
    const items = fullListItems(page, apiVersion);
    // The envelope carries the current resourceVersion; only the items are cached.
    const head = Buffer.from(
      `{"kind":"${listKind(type)}","apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(listMeta(rv))},"items":[`,
    );
    const tail = Buffer.from(']}');
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': head.length + items.length + tail.length,
      'Cache-Control': 'no-cache, private',
    });
    res.write(head);
    writeChunked(res, items, tail);
    return;
  }
  sendJson(res, 200, listBody(type, apiVersion, page, rv, continueToken, remaining));
}

/** A meta.k8s.io/v1 Table of the entries (what kubectl get asks for). */
export function tableBody(
  type: ResourceType,
  apiVersion: string,
  entries: readonly StoredObject[],
  rv: string,
  q: URLSearchParams,
  continueToken?: string,
  remaining?: number,
  withColumns = true,
): Record<string, unknown> {
  const includeObject = (q.get('includeObject') ?? 'Metadata') as 'None' | 'Metadata' | 'Object';
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta(rv, continueToken, remaining),
    ...(withColumns ? { columnDefinitions: tableColumns(type) } : { columnDefinitions: null }),
    rows: entries.map((e) => tableRow(type, e.object, apiVersion, includeObject, now)),
  };
}

/**
 * Whole-collection list bodies, encoded once per version of the collection: the sorted entry array
 * is replaced on every change, so it doubles as the cache key (a 10,000-pod list is ~20 MB).
 */
const fullListCache = new WeakMap<readonly StoredObject[], Map<string, Buffer>>();

function fullListItems(entries: readonly StoredObject[], apiVersion: string): Buffer {
  let byVersion = fullListCache.get(entries);
  if (!byVersion) {
    byVersion = new Map();
    fullListCache.set(entries, byVersion);
  }
  let items = byVersion.get(apiVersion);
  if (!items) {
    items = Buffer.from(itemsJson(apiVersion, entries));
    byVersion.set(apiVersion, items);
  }
  return items;
}

/** Collections this big are encoded right after start, before the first client asks. */
const PREWARM_MIN_ITEMS = 2000;

/** Encodes the whole-list bodies of large collections now (a watch cache does this in a real server). */
export function prewarmLists(registry: ResourceRegistry, store: ObjectStore): void {
  for (const type of registry.all()) {
    const entries = store.list(type);
    if (entries.length >= PREWARM_MIN_ITEMS)
      fullListItems(entries, apiVersionOf(type.group, type.versions[0] ?? 'v1'));
  }
}

function listMeta(rv: string, continueToken?: string, remaining?: number): Record<string, unknown> {
  const meta: Record<string, unknown> = { resourceVersion: rv };
  if (continueToken) meta.continue = continueToken;
  if (remaining !== undefined) meta.remainingItemCount = remaining;
  return meta;
}

export function listBody(
  type: ResourceType,
  apiVersion: string,
  entries: readonly StoredObject[],
  rv: string,
  continueToken?: string,
  remaining?: number,
): string {
  const head = `{"kind":"${listKind(type)}","apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(listMeta(rv, continueToken, remaining))},"items":[`;
  return `${head}${itemsJson(apiVersion, entries)}]}`;
}

function itemsJson(apiVersion: string, entries: readonly StoredObject[]): string {
  const prefix = `{"apiVersion":${JSON.stringify(apiVersion)},`;
  const parts = new Array<string>(entries.length);
  for (let i = 0; i < entries.length; i++) parts[i] = prefix + (entries[i] as StoredObject).tail;
  return parts.join(',');
}

export function partial(object: KObject): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata ?? {} };
}
