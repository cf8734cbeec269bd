import { errorMessage } from '../../core/errors.js';
import { KubeApiError, type KubeConnection } from './connection.js';

/** The minimal shape every Kubernetes object has. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly uid?: string;
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

export type CollectionEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CollectionSpec<T> {
  /** Collection path, e.g. `/api/v1/pods` or `/apis/ipam.cluster.x-k8s.io/v1beta1/ipaddressclaims`. */
  readonly path: string;
  /** Keeps only what checks and drill-down need; undefined drops the object. */
  readonly transform: (obj: KubeObject) => T | undefined;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Page size of the initial list. */
  readonly pageSize?: number;
  /** Coalescing window for change notifications (a flood of events makes one notification). */
  readonly coalesceMs?: number;
  /** Sees every applied event with the old and new slim record (for live signals such as flapping). */
  readonly onEvent?: (type: CollectionEventType, next: T | undefined, previous: T | undefined) => void;
}

export type CollectionStatus = 'loading' | 'ready' | 'error' | 'not-found';

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject & { code?: number; message?: string };
}

/**
 * A live, consistent cache of one collection: list (paged), then watch from that resourceVersion,
 * applying each event keyed by uid. A 410 Gone relists and replaces the cache; any other error or a
 * closed stream re-watches after a backoff (client-node's ListWatch does not restart after those).
 */
export class Collection<T> {
  readonly items = new Map<string, T>();
  status: CollectionStatus = 'loading';
  /** Why the last list/watch failed, in words a person can act on. */
  error: string | undefined;
  /** "watching", "reconnecting in 4s: ..." */
  live = 'listing';
  updatedAt: Date | undefined;
  /** Counters for tests and the bench. */
  readonly stats = { lists: 0, watches: 0, events: 0, relistsAfterGone: 0 };

  private resourceVersion = '';
  private readonly listeners = new Set<() => void>();
  private notifyTimer: NodeJS.Timeout | undefined;
  private abortWatch: AbortController | undefined;
  private stopped = false;
  private backoffMs = 0;
  private firstSyncResolve!: () => void;
  /** Resolves when the first list finished (ready, error or not-found). */
  readonly firstSync: Promise<void>;

  constructor(
    private readonly conn: KubeConnection,
    private readonly spec: CollectionSpec<T>,
  ) {
    this.firstSync = new Promise((resolve) => {
      this.firstSyncResolve = resolve;
    });
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Lists then watches until `stop()`. With `watch: false` it stops after the first list. */
  start(options: { watch: boolean } = { watch: true }): void {
    void this.relist(options.watch);
  }

  stop(): void {
    this.stopped = true;
    this.abortWatch?.abort();
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
  }

  values(): T[] {
    return [...this.items.values()];
  }

  private async relist(thenWatch: boolean): Promise<void> {
    if (this.stopped) return;
    this.live = 'listing';
    try {
      const fresh = new Map<string, T>();
      let continueToken: string | undefined;
      let rv = '';
      do {
        const query = new URLSearchParams();
        query.set('limit', String(this.spec.pageSize ?? 500));
        if (continueToken) query.set('continue', continueToken);
        if (this.spec.labelSelector) query.set('labelSelector', this.spec.labelSelector);
        if (this.spec.fieldSelector) query.set('fieldSelector', this.spec.fieldSelector);
        const page = await this.conn.getJson<{
          items?: KubeObject[];
          metadata?: { continue?: string; resourceVersion?: string };
        }>(`${this.spec.path}?${query}`);
        this.stats.lists += 1;
        for (const obj of page.items ?? []) {
          const slim = this.spec.transform(obj);
          if (slim !== undefined) fresh.set(keyOf(obj), slim);
        }
        continueToken = page.metadata?.continue || undefined;
        rv = page.metadata?.resourceVersion ?? rv;
      } while (continueToken && !this.stopped);
      this.replaceAll(fresh);
      this.resourceVersion = rv;
      this.status = 'ready';
      this.error = undefined;
      this.backoffMs = 0;
      this.updatedAt = new Date();
      this.notify(true);
      this.firstSyncResolve();
      if (thenWatch) this.startWatch();
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) {
        this.status = 'not-found';
        this.error = `${this.spec.path} is not served by this API server`;
        this.notify(true);
        this.firstSyncResolve();
        return;
      }
      this.status = this.items.size > 0 ? this.status : 'error';
      this.error = describeListError(err, this.spec.path);
      this.notify(true);
      this.firstSyncResolve();
      if (thenWatch) this.retryLater(() => this.relist(true), err);
    }
  }

  private startWatch(): void {
    if (this.stopped) return;
    this.live = 'watching';
    const query: Record<string, string> = {
      allowWatchBookmarks: 'true',
      resourceVersion: this.resourceVersion,
      // Servers close watches after a while anyway; a jittered timeout spreads reconnects.
      timeoutSeconds: String(240 + Math.floor(Math.random() * 120)),
    };
    if (this.spec.labelSelector) query.labelSelector = this.spec.labelSelector;
    if (this.spec.fieldSelector) query.fieldSelector = this.spec.fieldSelector;
    this.stats.watches += 1;
    let gone = false;
    this.conn.watch
      .watch(
        this.spec.path,
        query,
        (type: string, object: WatchEvent['object']) => {
          if (gone) return;
          if (type === 'ERROR') {
            gone = object.code === 410;
            if (!gone) this.error = `watch error: ${object.message ?? 'unknown'}`;
            return;
          }
          this.apply({ type: type as WatchEvent['type'], object });
        },
        (err: unknown) => {
          this.abortWatch = undefined;
          if (this.stopped) return;
          const status = (err as { statusCode?: number } | null)?.statusCode;
          if (gone || status === 410) {
            this.stats.relistsAfterGone += 1;
            this.live = 'relisting (watch expired)';
            this.notify(false);
            void this.relist(true);
            return;
          }
          if (err) {
            this.retryLater(() => this.startWatch(), err);
            return;
          }
          // The server closed a healthy stream: carry on from where we were.
          this.startWatch();
        },
      )
      .then((controller) => {
        if (this.stopped) controller.abort();
        else this.abortWatch = controller;
      })
      .catch((err: unknown) => this.retryLater(() => this.startWatch(), err));
  }

  private apply(event: WatchEvent): void {
    const obj = event.object;
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (event.type === 'BOOKMARK') return;
    this.stats.events += 1;
    const key = keyOf(obj);
    const previous = this.items.get(key);
    if (event.type === 'DELETED') {
      this.items.delete(key);
      this.spec.onEvent?.('DELETED', undefined, previous);
    } else {
      const slim = this.spec.transform(obj);
      if (slim === undefined) this.items.delete(key);
      else this.items.set(key, slim);
      this.spec.onEvent?.(event.type as CollectionEventType, slim, previous);
    }
    this.updatedAt = new Date();
    this.notify(false);
  }

  /** A relist replaces the cache: objects deleted while we were away disappear, none are doubled. */
  private replaceAll(fresh: Map<string, T>): void {
    for (const [key, previous] of this.items) {
      if (!fresh.has(key)) this.spec.onEvent?.('DELETED', undefined, previous);
    }
    for (const [key, next] of fresh) {
      const previous = this.items.get(key);
      if (previous === undefined) this.spec.onEvent?.('ADDED', next, undefined);
      else this.spec.onEvent?.('MODIFIED', next, previous);
    }
    this.items.clear();
    for (const [key, value] of fresh) this.items.set(key, value);
  }

  private retryLater(action: () => void, err: unknown): void {
    if (this.stopped) return;
    const retryAfter = err instanceof KubeApiError ? err.retryAfterSeconds : undefined;
    this.backoffMs = Math.min(30_000, this.backoffMs ? this.backoffMs * 2 : 500);
    const wait = retryAfter !== undefined ? Math.max(retryAfter * 1000, 100) : this.backoffMs;
    const reason = errorMessage(err);
    this.live = `reconnecting in ${Math.ceil(wait / 1000)}s: ${reason}`;
    this.notify(false);
    const timer = setTimeout(action, wait);
    timer.unref();
  }

  private notify(immediate: boolean): void {
    if (immediate) {
      if (this.notifyTimer) clearTimeout(this.notifyTimer);
      this.notifyTimer = undefined;
      for (const l of this.listeners) l();
      return;
    }
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      for (const l of this.listeners) l();
    }, this.spec.coalesceMs ?? 50);
  }
}

function keyOf(obj: KubeObject): string {
  const m = obj.metadata;
  return m?.uid ?? `${m?.namespace ?? ''}/${m?.name ?? ''}`;
}

function describeListError(err: unknown, path: string): string {
  if (err instanceof KubeApiError) {
    if (err.statusCode === 401)
      return `not authorised to read ${path}: the kubeconfig credentials were refused (401)`;
    if (err.statusCode === 403)
      return `forbidden to list ${path}: the user needs list and watch on it (RBAC)`;
    return err.message;
  }
  return errorMessage(err);
}
