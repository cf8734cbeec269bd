import type { LiveState } from '../../model/probe.js';
import type { KubeConnection } from './connection.js';
import {
  type CollectionSpec,
  type CollectionStatus,
  DEFAULT_PAGE_SIZE,
  type ListSpec,
  ListWatch,
  Sink,
} from './list-watch.js';

export type {
  CollectionSpec,
  CollectionStatus,
  KubeObject,
  KubeTuning,
} from './list-watch.js';

/**
 * One collection as a probe reads it: its own slim records and notifications, over a list/watch it
 * may share with other probes (`sharedCollection`). `new Collection` always has a list of its own.
 */
export class Collection<T> {
  private readonly sink: Sink<T>;
  private engine: ListWatch;
  private stopped = false;
  private firstSyncResolve!: () => void;
  /** Resolves when the first list finished (ready, error or not-found), or when stopped. */
  readonly firstSync: Promise<void>;

  constructor(
    private readonly conn: KubeConnection,
    private readonly spec: CollectionSpec<T>,
    shared?: ListWatch,
  ) {
    this.sink = new Sink(spec);
    this.firstSync = new Promise((resolve) => {
      this.firstSyncResolve = resolve;
    });
    this.engine = this.attach(shared ?? new ListWatch(conn, spec));
  }

  get items(): Map<string, T> {
    return this.sink.items;
  }
  get status(): CollectionStatus {
    return this.engine.status;
  }
  /** Why the last list/watch failed, in words a person can act on. */
  get error(): string | undefined {
    return this.engine.error;
  }
  get live(): LiveState {
    return this.engine.live;
  }
  /** The last successful list or event: never moved by a reconnect attempt. */
  get updatedAt(): Date | undefined {
    return this.engine.updatedAt;
  }
  /** Objects read so far by the list under way (progress, and the timeout message). */
  get listed(): number {
    return this.engine.listed;
  }
  /** Counters for tests and the bench (of the list/watch, shared or not). */
  get stats(): ListWatch['stats'] {
    return this.engine.stats;
  }
  get path(): string {
    return this.spec.path;
  }

  onChange(listener: () => void): () => void {
    this.sink.listeners.add(listener);
    return () => this.sink.listeners.delete(listener);
  }

  /** Lists then watches until `stop()`. With `watch: false` it stops after the first list. */
  start(options: { watch: boolean } = { watch: true }): void {
    if (this.stopped) return;
    const mode = options.watch ? 'live' : 'once';
    if (this.engine.mode === undefined) {
      this.engine.start(options);
      return;
    }
    if (this.engine.mode === mode) return;
    // Shared with a consumer that reads it the other way (a watch against one list): a list of its own.
    this.leaveEngine();
    this.engine = this.attach(new ListWatch(this.conn, this.spec));
    this.engine.start(options);
  }

  /** Stops for good; a shared list/watch goes on while another consumer still reads it. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.leaveEngine();
    this.firstSyncResolve();
  }

  values(): T[] {
    return [...this.sink.items.values()];
  }

  /** Joins a list/watch as one of its sinks; its first sync is ours while it is our engine. */
  private attach(engine: ListWatch): ListWatch {
    engine.sinks.push(this.sink as Sink<unknown>);
    void engine.firstSync.then(() => {
      if (engine === this.engine) this.firstSyncResolve();
    });
    return engine;
  }

  private leaveEngine(): void {
    const sinks = this.engine.sinks;
    const at = sinks.indexOf(this.sink as Sink<unknown>);
    if (at >= 0) sinks.splice(at, 1);
    this.sink.cancelNotify();
    if (sinks.length === 0) {
      this.engine.stop();
      const byKey = SHARED.get(this.conn);
      const key = sharedKey(this.spec);
      if (byKey?.get(key) === this.engine) byKey.delete(key);
    }
  }
}

/** Per connection: the list/watch each (path, selectors, page size) is read by, while it can take consumers. */
const SHARED = new WeakMap<KubeConnection, Map<string, ListWatch>>();

function sharedKey(spec: ListSpec): string {
  return JSON.stringify([
    spec.path,
    spec.labelSelector ?? '',
    spec.fieldSelector ?? '',
    spec.pageSize ?? DEFAULT_PAGE_SIZE,
  ]);
}

/**
 * A collection that shares its list and watch with every other shared collection of the same path,
 * selectors and page size on this connection, as long as that list has not yet handed out an object
 * (a later consumer would miss those, so it gets a list of its own). Each keeps its own transform.
 */
export function sharedCollection<T>(conn: KubeConnection, spec: CollectionSpec<T>): Collection<T> {
  let byKey = SHARED.get(conn);
  if (!byKey) {
    byKey = new Map();
    SHARED.set(conn, byKey);
  }
  const key = sharedKey(spec);
  const existing = byKey.get(key);
  if (existing && !existing.stopped && !existing.transformed) {
    conn.log?.debug(`kube list ${spec.path}: shared with another probe`);
    return new Collection(conn, spec, existing);
  }
  const engine = new ListWatch(conn, spec);
  byKey.set(key, engine);
  return new Collection(conn, spec, engine);
}
