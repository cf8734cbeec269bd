import { randomUUID } from 'node:crypto';
import { apiVersionOf, type ResourceType, resourceKey } from './resources.js';

export type KObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: KMetadata;
};

export type KMetadata = Record<string, unknown> & {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
};

/**
 * One stored object version, serialised once: lists and watch events are string concatenation, so
 * serving 10,000 pods costs a join, not 10,000 JSON.stringify calls. `tail` is the JSON after the
 * leading `{"apiVersion":"...",` so the object can be served at any version of its group for free.
 */
export interface StoredObject {
  readonly object: KObject;
  readonly tail: string;
  readonly rv: number;
  /** namespace/name ('' namespace for cluster-scoped). */
  readonly key: string;
}

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly rv: number;
  readonly type: StoreEventType;
  readonly resource: string;
  readonly entry: StoredObject;
  /** The version before a MODIFIED/DELETED, for selector transitions. */
  readonly previous: StoredObject | undefined;
}

export type StoreListener = (event: StoreEvent) => void;

export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** Kubernetes timestamps are RFC 3339 at second precision. */
export function kubeTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function serialise(object: KObject): { tail: string } {
  const json = JSON.stringify(object);
  const prefix = `{"apiVersion":${JSON.stringify(object.apiVersion)},`;
  if (!json.startsWith(prefix)) throw new Error('object must start with apiVersion');
  return { tail: json.slice(prefix.length) };
}

export function renderAt(entry: StoredObject, apiVersion: string): string {
  return `{"apiVersion":${JSON.stringify(apiVersion)},${entry.tail}`;
}

/** Puts apiVersion, kind, metadata first (the serialisation trick above needs apiVersion first). */
export function canonical(type: ResourceType, object: KObject): KObject {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = object;
  return {
    apiVersion: apiVersionOf(type.group, type.versions[0] ?? 'v1'),
    kind: type.kind,
    metadata: metadata ?? {},
    ...rest,
  };
}

/**
 * The simulator's etcd: objects per resource type, one global resourceVersion counter, and a bounded
 * history of events so watches can resume from a resourceVersion (older than the history = 410 Gone).
 */
export class ObjectStore {
  private revision = 0;
  private readonly tables = new Map<string, Map<string, StoredObject>>();
  private readonly sortedCache = new Map<string, StoredObject[]>();
  private readonly history: StoreEvent[] = [];
  private historyStart = 0;
  /** Events at or below this resourceVersion are gone from the history. */
  private compacted = 0;
  private readonly listeners = new Map<string, Set<StoreListener>>();
  private uidSource: () => string = randomUUID;

  constructor(private readonly historyLimit = 10_000) {}

  get resourceVersion(): number {
    return this.revision;
  }

  get compactedResourceVersion(): number {
    return this.compacted;
  }

  setUidSource(source: () => string): void {
    this.uidSource = source;
  }

  newUid(): string {
    return this.uidSource();
  }

  /** Forgets the history up to now: a watch from any older resourceVersion gets 410 Gone. */
  compact(): void {
    this.compacted = this.revision;
    this.history.length = 0;
    this.historyStart = 0;
  }

  list(type: ResourceType): StoredObject[] {
    const key = resourceKey(type);
    const cached = this.sortedCache.get(key);
    if (cached) return cached;
    const table = this.tables.get(key);
    const sorted = table
      ? [...table.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      : [];
    this.sortedCache.set(key, sorted);
    return sorted;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.tables.get(resourceKey(type))?.get(objectKey(type.namespaced ? namespace : undefined, name));
  }

  /**
   * Stores a complete object (metadata already defaulted by the caller except resourceVersion) and
   * emits ADDED or MODIFIED.
   */
  put(type: ResourceType, object: KObject, options: { record?: boolean } = {}): StoredObject {
    const meta = object.metadata as KMetadata;
    const name = meta.name as string;
    const key = objectKey(type.namespaced ? meta.namespace : undefined, name);
    const rk = resourceKey(type);
    let table = this.tables.get(rk);
    if (!table) {
      table = new Map();
      this.tables.set(rk, table);
    }
    const previous = table.get(key);
    this.revision += 1;
    const stored = canonical(type, {
      ...object,
      metadata: { ...meta, resourceVersion: String(this.revision) },
    });
    const entry: StoredObject = { object: stored, tail: serialise(stored).tail, rv: this.revision, key };
    table.set(key, entry);
    this.sortedCache.delete(rk);
    this.emit(
      { rv: this.revision, type: previous ? 'MODIFIED' : 'ADDED', resource: rk, entry, previous },
      options.record,
    );
    return entry;
  }

  remove(type: ResourceType, namespace: string | undefined, name: string): StoredObject | undefined {
    const rk = resourceKey(type);
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const table = this.tables.get(rk);
    const previous = table?.get(key);
    if (!table || !previous) return undefined;
    table.delete(key);
    this.sortedCache.delete(rk);
    this.revision += 1;
    const gone = canonical(type, {
      ...previous.object,
      metadata: { ...(previous.object.metadata as KMetadata), resourceVersion: String(this.revision) },
    });
    const entry: StoredObject = { object: gone, tail: serialise(gone).tail, rv: this.revision, key };
    this.emit({ rv: this.revision, type: 'DELETED', resource: rk, entry, previous });
    return entry;
  }

  /**
   * Events of one resource after `rv`, or 'gone' when the history no longer reaches back that far.
   */
  eventsSince(type: ResourceType, rv: number): StoreEvent[] | 'gone' {
    if (rv < this.compacted) return 'gone';
    const rk = resourceKey(type);
    const events: StoreEvent[] = [];
    // History is ordered by rv: binary search for the first event after rv.
    let lo = this.historyStart;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.history[mid] as StoreEvent).rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.history.length; i++) {
      const e = this.history[i] as StoreEvent;
      if (e.resource === rk) events.push(e);
    }
    return events;
  }

  subscribe(type: ResourceType, listener: StoreListener): () => void {
    const rk = resourceKey(type);
    let set = this.listeners.get(rk);
    if (!set) {
      set = new Set();
      this.listeners.set(rk, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  private emit(event: StoreEvent, record = true): void {
    if (record) {
      this.history.push(event);
      if (this.history.length - this.historyStart > this.historyLimit) {
        const dropped = this.history[this.historyStart] as StoreEvent;
        this.compacted = dropped.rv;
        this.historyStart += 1;
        // Shift the array now and then rather than on every event.
        if (this.historyStart > 1024) {
          this.history.splice(0, this.historyStart);
          this.historyStart = 0;
        }
      }
    } else {
      // Not recorded (initial scenario load): a watch from before this point must relist.
      this.compacted = this.revision;
    }
    const set = this.listeners.get(event.resource);
    if (set) for (const listener of set) listener(event);
  }
}
