import { errorMessage } from '../../core/errors.js';
import { continueTokenFromHead } from '../../model/list-head.js';
import type { LiveState } from '../../model/probe.js';
import { elapsed, type KubeConnection, type RawWatchEvent } from './connection.js';
import { describeListError, KubeApiError } from './errors.js';
import { Backoff, isAbort, isTransient, retryDelayMs, sleep } from './retry.js';

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

/** How a collection retries and when it calls its data stale; the session sets it, tests shrink it. */
export interface KubeTuning {
  /** A watch down this long makes the data stale (default 30 s). */
  readonly staleAfterMs?: number;
  /** A watch open this long was healthy: the backoff starts again from its shortest wait (default 10 s). */
  readonly healthyAfterMs?: number;
  /** First and longest backoff wait (default 500 ms doubling to 30 s, with jitter). */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** One-shot mode (report): tries per list before the collection is in error (default 5). */
  readonly listAttempts?: number;
}

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
  readonly tuning?: KubeTuning;
}

export type CollectionStatus = 'loading' | 'ready' | 'error' | 'not-found';

/** Objects per list page when the spec names none (kubectl's default chunk size). */
export const DEFAULT_PAGE_SIZE = 500;

/** What a list/watch asks the API server: the same for every consumer that shares it. */
export type ListSpec = Pick<
  CollectionSpec<unknown>,
  'path' | 'labelSelector' | 'fieldSelector' | 'pageSize' | 'tuning'
>;

/** The server answered 410 Gone (to a watch or a continue token): the collection must be read again. */
class Expired extends Error {}

/** One list page as the API server sends it (items are dropped as they are read). */
interface PageBody {
  items?: KubeObject[];
  metadata?: { continue?: string; resourceVersion?: string };
}

/** A page asked for, possibly ahead of need. */
interface PageRequest {
  /** The continue token it was asked with (undefined: the first page). */
  readonly token: string | undefined;
  /** The page's text, parsed when called (KubeApiError if it is not JSON). */
  readonly result: Promise<() => PageBody>;
  /** Calls back once with the continue token the page's head names (never, if it names none). */
  onNextToken(listener: (token: string) => void): void;
  /** Aborts it (a guess not confirmed, or a list that ended). */
  cancel(): void;
}

/** One consumer of a list/watch: its own transform, records and notifications. */
export class Sink<T> {
  readonly items = new Map<string, T>();
  readonly listeners = new Set<() => void>();
  notifyTimer: NodeJS.Timeout | undefined;

  constructor(readonly spec: CollectionSpec<T>) {}

  notify(immediate: boolean): void {
    if (immediate) {
      this.cancelNotify();
      for (const l of this.listeners) l();
      return;
    }
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      for (const l of this.listeners) l();
    }, this.spec.coalesceMs ?? 50);
  }

  cancelNotify(): void {
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.notifyTimer = undefined;
  }
}

/**
 * A live, consistent cache of one collection: list (paged), then watch from that resourceVersion,
 * applying each event keyed by uid. A 410 Gone relists and replaces the cache. Every restart, after
 * an error or a clean close, waits one jittered backoff (a watch the server closes at once counts as
 * a failure), so a broken server is never hammered; 429/5xx honour Retry-After (bounded).
 *
 * One ListWatch can feed several consumers (sinks), each with its own transform: probes that read
 * the same collection (ReplicaSets for images and readiness, Machines for topology and IPAM) share
 * one list and one watch instead of asking the API server twice.
 */
export class ListWatch {
  status: CollectionStatus = 'loading';
  /** Why the last list/watch failed, in words a person can act on. */
  error: string | undefined;
  live: LiveState = { state: 'listing' };
  /** The last successful list or event: never moved by a reconnect attempt. */
  updatedAt: Date | undefined;
  /** Objects read so far by the list under way (progress, and the timeout message). */
  listed = 0;
  /** Counters for tests and the bench. */
  readonly stats = { lists: 0, watches: 0, events: 0, relistsAfterGone: 0, retries: 0 };
  /** The consumers; a sink joins only before any object was transformed (it would miss those). */
  readonly sinks: Sink<unknown>[] = [];
  /** started: with which mode; transformed: an object went through the sinks' transforms. */
  mode: 'live' | 'once' | undefined;
  transformed = false;
  stopped = false;

  private resourceVersion = '';
  private staleTimer: NodeJS.Timeout | undefined;
  private healthyTimer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private readonly backoff: Backoff;
  /** When the source went away (first failure since the last success); undefined while healthy. */
  private downSince: Date | undefined;
  private firstSyncResolve!: () => void;
  /** Resolves when the first list finished (ready, error or not-found). */
  readonly firstSync: Promise<void>;

  constructor(
    private readonly conn: KubeConnection,
    private readonly spec: ListSpec,
  ) {
    this.firstSync = new Promise((resolve) => {
      this.firstSyncResolve = resolve;
    });
    this.backoff = new Backoff({
      initialMs: spec.tuning?.backoffInitialMs,
      maxMs: spec.tuning?.backoffMaxMs,
    });
  }

  /** Lists then watches until `stop()`. With `watch: false` it stops after the first list. */
  start(options: { watch: boolean }): void {
    this.mode = options.watch ? 'live' : 'once';
    const run = options.watch ? this.runLive() : this.runOnce();
    run.catch((err: unknown) => {
      // Only an aborted wait gets here; anything else would be a bug, shown as this collection's error.
      if (!isAbort(err) && !this.stopped) this.fail(err);
      this.firstSyncResolve();
    });
  }

  /** Stops for good: aborts the request or watch in flight and every wait. */
  stop(): void {
    this.stopped = true;
    this.abort.abort();
    for (const sink of this.sinks) sink.cancelNotify();
    for (const t of [this.staleTimer, this.healthyTimer]) if (t) clearTimeout(t);
    this.firstSyncResolve();
  }

  /** The connection's logger: every list, page, watch and reconnect is a line (pages at debug). */
  private get log() {
    return this.conn.log;
  }

  private get staleAfterMs(): number {
    return this.spec.tuning?.staleAfterMs ?? 30_000;
  }

  /** Report mode: one list, retried on transient failures a few times, then ready or error. */
  private async runOnce(): Promise<void> {
    const attempts = this.spec.tuning?.listAttempts ?? 5;
    for (let attempt = 1; !this.stopped; attempt += 1) {
      try {
        await this.list(attempts);
        this.firstSyncResolve();
        return;
      } catch (err) {
        if (this.stopped || isAbort(err)) return;
        if (this.notFound(err)) {
          this.firstSyncResolve();
          return;
        }
        // Pages already retried transient failures; an expired continue token reads again from the start.
        if (!(err instanceof Expired) || attempt >= attempts) {
          this.fail(err);
          this.firstSyncResolve();
          return;
        }
        this.stats.retries += 1;
        const wait = retryDelayMs(err, this.backoff);
        this.log?.info(
          `kube list ${this.spec.path}: the continue token expired (410); listing again in ${seconds(wait)}`,
        );
        await sleep(wait, this.abort.signal);
      }
    }
  }

  /** TUI mode: list, watch, and come back after every failure or close, through one backoff. */
  private async runLive(): Promise<void> {
    let needList = true;
    while (!this.stopped) {
      let failure: unknown;
      try {
        if (needList) {
          await this.list(this.spec.tuning?.listAttempts ?? 5);
          this.firstSyncResolve();
          needList = false;
        }
        const outcome = await this.watchOnce();
        if (outcome === 'healthy-close') {
          // A watch that lived its time: resume at once, from where it was.
          this.log?.debug(`kube watch ${this.spec.path}: closed by the server after its timeout; resuming`);
          this.backoff.reset();
          continue;
        }
        failure = outcome === 'early-close' ? new Error('the server closed the watch right away') : undefined;
      } catch (err) {
        if (this.stopped || isAbort(err)) return;
        failure = err;
      }
      if (failure instanceof Expired) {
        needList = true;
        this.stats.relistsAfterGone += 1;
        this.setLive({ state: 'relisting', detail: 'the watch expired (410 Gone)' });
      } else {
        if (needList && this.notFound(failure)) {
          this.firstSyncResolve();
          return;
        }
        if (needList) this.fail(failure);
        else this.error = describeListError(failure, this.spec.path, 'watch');
        this.markDown(failure);
        if (needList) this.firstSyncResolve();
      }
      this.stats.retries += 1;
      const wait = retryDelayMs(failure, this.backoff);
      this.log?.info(
        `kube watch ${this.spec.path}: ${failure instanceof Expired ? 'expired (410 Gone), relisting' : `ended (${errorMessage(failure)}), reconnecting`} in ${seconds(wait)}`,
      );
      await sleep(wait, this.abort.signal);
    }
  }

  /**
   * Reads the whole collection, page by page. A transient failure of one page retries that page
   * with the same continue token; a 410 on a continue token (it expired) throws Expired, so the
   * caller reads again from the start. The next page is asked as soon as this page's head names its
   * continue token (one page ahead at most), so the server's time and the transfer overlap with
   * reading this one; a guess the parsed page does not confirm is cancelled and asked again.
   */
  private async list(attemptsPerPage: number): Promise<void> {
    // While the source is down the state stays reconnecting/stale until a list succeeds.
    if (!this.downSince) this.setLive(this.live.state === 'relisting' ? this.live : { state: 'listing' });
    // One map per sink, made as sinks are met (one may join while the first page is on its way).
    const fresh: Map<string, unknown>[] = [];
    let continueToken: string | undefined;
    let rv = '';
    this.listed = 0;
    const started = performance.now();
    let pages = 0;
    this.log?.info(`kube list ${this.spec.path}: started`);
    let current = this.requestPage(undefined, attemptsPerPage);
    let ahead: PageRequest | undefined;
    try {
      do {
        current.onNextToken((token) => {
          if (!this.stopped) ahead = this.requestPage(token, attemptsPerPage);
        });
        // Parsed only now: a page asked ahead waits as text, not as objects.
        const page = (await current.result)();
        this.stats.lists += 1;
        const items = page.items ?? [];
        const sinks = this.sinks;
        if (items.length > 0) this.transformed = true;
        for (let i = 0; i < items.length; i++) {
          const obj = items[i] as KubeObject;
          // Dropped from the page as soon as its slim record exists: a collection during the rest of
          // the page then does not copy (or promote to the old generation) the objects already read.
          items[i] = undefined as unknown as KubeObject;
          const key = keyOf(obj);
          for (let j = 0; j < sinks.length; j++) {
            const slim = (sinks[j] as Sink<unknown>).spec.transform(obj);
            if (slim === undefined) continue;
            let records = fresh[j];
            if (!records) {
              records = new Map();
              fresh[j] = records;
            }
            records.set(key, slim);
          }
        }
        this.listed += items.length;
        pages += 1;
        this.log?.debug(
          `kube list ${this.spec.path}: page ${pages}, ${page.items?.length ?? 0} objects (${this.listed} so far)`,
        );
        continueToken = page.metadata?.continue || undefined;
        rv = page.metadata?.resourceVersion ?? rv;
        if (continueToken && this.status === 'loading') this.notify(false);
        const next: PageRequest | undefined = ahead;
        ahead = undefined;
        if (next && next.token !== continueToken) next.cancel();
        if (continueToken)
          current = next?.token === continueToken ? next : this.requestPage(continueToken, attemptsPerPage);
      } while (continueToken && !this.stopped);
    } finally {
      // A list that failed or stopped leaves no request behind.
      ahead?.cancel();
    }
    if (this.stopped) return;
    this.log?.info(
      `kube list ${this.spec.path}: ${this.listed} objects in ${pages} page${pages === 1 ? '' : 's'}, ${elapsed(started)}`,
    );
    this.sinks.forEach((sink, j) => {
      replaceAll(sink, fresh[j] ?? new Map());
    });
    this.resourceVersion = rv;
    this.status = 'ready';
    this.error = undefined;
    this.updatedAt = new Date();
    this.markUp();
    this.setLive({ state: 'listing' }, false);
    this.notify(true);
  }

  /** One page asked (with its retries), cancellable, telling the continue token its head names. */
  private requestPage(token: string | undefined, attempts: number): PageRequest {
    const query = new URLSearchParams();
    query.set('limit', String(this.spec.pageSize ?? DEFAULT_PAGE_SIZE));
    if (token) query.set('continue', token);
    if (this.spec.labelSelector) query.set('labelSelector', this.spec.labelSelector);
    if (this.spec.fieldSelector) query.set('fieldSelector', this.spec.fieldSelector);
    // Cancelled with the collection too (a listener removed when the page settles, so a live
    // collection's relists do not pile up listeners on its signal).
    const cancel = new AbortController();
    const signal = cancel.signal;
    const stop = () => cancel.abort();
    if (this.abort.signal.aborted) stop();
    else this.abort.signal.addEventListener('abort', stop, { once: true });
    let named: string | undefined;
    let listener: ((token: string) => void) | undefined;
    const tell = () => {
      if (named === undefined || !listener) return;
      const l = listener;
      listener = undefined;
      l(named);
    };
    const result = this.page(`${this.spec.path}?${query}`, attempts, token !== undefined, signal, (head) => {
      named ??= continueTokenFromHead(head);
      tell();
    });
    // Awaited by list(), or cancelled: a cancelled guess's rejection is nobody's error.
    result.then(
      () => this.abort.signal.removeEventListener('abort', stop),
      () => this.abort.signal.removeEventListener('abort', stop),
    );
    return {
      token,
      result,
      onNextToken: (l) => {
        listener = l;
        tell();
      },
      cancel: () => cancel.abort(),
    };
  }

  private async page(
    path: string,
    attempts: number,
    continued: boolean,
    signal: AbortSignal,
    onHead: (head: string) => void,
  ): Promise<() => PageBody> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.conn.getJsonLater<PageBody>(path, signal, undefined, onHead);
      } catch (err) {
        if (continued && err instanceof KubeApiError && err.statusCode === 410)
          throw new Expired(err.message);
        if (this.stopped || signal.aborted || isAbort(err) || !isTransient(err) || attempt >= attempts)
          throw err;
        this.stats.retries += 1;
        this.markDown(err);
        const wait = retryDelayMs(err, this.backoff);
        this.log?.info(
          `kube list ${this.spec.path}: ${errorMessage(err)}; retrying the page in ${seconds(wait)}`,
        );
        await sleep(wait, signal);
      }
    }
  }

  /**
   * One watch from the last resourceVersion. 'healthy-close': the server ended a stream that had
   * stayed open a while (normal); 'early-close': it ended it at once, which counts as a failure.
   */
  private async watchOnce(): Promise<'healthy-close' | 'early-close'> {
    const healthyAfterMs = this.spec.tuning?.healthyAfterMs ?? 10_000;
    const timeoutSeconds = 240 + Math.floor(Math.random() * 120);
    const query: Record<string, string> = {
      allowWatchBookmarks: 'true',
      resourceVersion: this.resourceVersion,
      // Servers close watches after a while anyway; a jittered timeout spreads reconnects.
      timeoutSeconds: String(timeoutSeconds),
    };
    if (this.spec.labelSelector) query.labelSelector = this.spec.labelSelector;
    if (this.spec.fieldSelector) query.fieldSelector = this.spec.fieldSelector;
    this.stats.watches += 1;
    this.log?.debug(
      `kube watch ${this.spec.path}: opening from resourceVersion ${this.resourceVersion || '(none)'}`,
    );
    let openedAt = 0;
    let gone: string | undefined;
    try {
      await this.conn.watch(
        this.spec.path,
        query,
        {
          onOpen: () => {
            openedAt = Date.now();
            this.log?.info(
              `kube watch ${this.spec.path}: open (resourceVersion ${this.resourceVersion || '(none)'})`,
            );
            if (this.status === 'ready') this.error = undefined;
            // Reconnected: say so at once, not at the next event.
            this.setLive({ state: 'watching' });
            this.healthyTimer = setTimeout(() => {
              this.backoff.reset();
              this.markUp();
            }, healthyAfterMs);
            this.healthyTimer.unref();
          },
          onEvent: (event) => {
            if (gone !== undefined) return;
            if (event.type === 'ERROR') {
              if (event.object.code === 410) gone = event.object.message ?? '410 Gone';
              else this.error = `watch error: ${event.object.message ?? 'unknown'}`;
              return;
            }
            this.markUp();
            this.apply(event);
          },
        },
        this.abort.signal,
        (timeoutSeconds + 30) * 1000,
      );
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 410) throw new Expired(err.message);
      throw err;
    } finally {
      if (this.healthyTimer) clearTimeout(this.healthyTimer);
      this.healthyTimer = undefined;
    }
    if (gone !== undefined) throw new Expired(gone);
    return Date.now() - openedAt >= healthyAfterMs ? 'healthy-close' : 'early-close';
  }

  private apply(event: RawWatchEvent): void {
    const obj = event.object as KubeObject;
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (event.type === 'BOOKMARK') return;
    if (event.type !== 'ADDED' && event.type !== 'MODIFIED' && event.type !== 'DELETED') return;
    this.stats.events += 1;
    this.transformed = true;
    const key = keyOf(obj);
    for (const sink of this.sinks) {
      const previous = sink.items.get(key);
      if (event.type === 'DELETED') {
        sink.items.delete(key);
        sink.spec.onEvent?.('DELETED', undefined, previous);
      } else {
        const slim = sink.spec.transform(obj);
        if (slim === undefined) sink.items.delete(key);
        else sink.items.set(key, slim);
        sink.spec.onEvent?.(event.type, slim, previous);
      }
    }
    this.updatedAt = new Date();
    this.notify(false);
  }

  /** 404 on the first list: the server does not serve this collection (not an outage). */
  private notFound(err: unknown): boolean {
    if (!(err instanceof KubeApiError && err.statusCode === 404) || this.status !== 'loading') return false;
    this.status = 'not-found';
    this.error = `${this.spec.path} is not served by this API server`;
    this.log?.info(`kube list ${this.spec.path}: not served (404)`);
    this.notify(true);
    return true;
  }

  private fail(err: unknown): void {
    // Data already read stays (marked by the live state); a first list that failed is an error.
    if (this.sinks.every((sink) => sink.items.size === 0) && this.status !== 'ready') this.status = 'error';
    this.error = describeListError(err, this.spec.path, 'list');
    this.log?.warn(`kube list ${this.spec.path}: failed: ${this.error}`);
    this.notify(true);
  }

  /** The source answered: the outage, if any, is over. */
  private markUp(): void {
    this.downSince = undefined;
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = undefined;
  }

  /** The source failed: reconnecting now, stale once it has been down longer than the threshold. */
  private markDown(err: unknown): void {
    this.downSince ??= new Date();
    const reason = errorMessage(err);
    const since = this.downSince.toISOString();
    const downMs = Date.now() - this.downSince.getTime();
    if (downMs >= this.staleAfterMs) {
      this.setLive({ state: 'stale', detail: reason, since });
      return;
    }
    this.setLive({ state: 'reconnecting', detail: reason, since });
    if (!this.staleTimer) {
      this.staleTimer = setTimeout(() => {
        this.staleTimer = undefined;
        if (this.downSince && this.live.state !== 'watching')
          this.setLive({ state: 'stale', detail: this.live.detail, since: this.downSince.toISOString() });
      }, this.staleAfterMs - downMs);
      this.staleTimer.unref();
    }
  }

  /** Every change of the live state is a notification: the screen must not wait for the next event. */
  private setLive(live: LiveState, notify = true): void {
    const same =
      live.state === this.live.state && live.detail === this.live.detail && live.since === this.live.since;
    this.live = live;
    if (!same && notify) this.notify(true);
  }

  private notify(immediate: boolean): void {
    if (this.stopped) return;
    for (const sink of this.sinks) sink.notify(immediate);
  }
}

/** A relist replaces the cache: objects deleted while we were away disappear, none are doubled. */
function replaceAll<T>(sink: Sink<T>, fresh: Map<string, T>): void {
  for (const [key, previous] of sink.items) {
    if (!fresh.has(key)) sink.spec.onEvent?.('DELETED', undefined, previous);
  }
  for (const [key, next] of fresh) {
    const previous = sink.items.get(key);
    if (previous === undefined) sink.spec.onEvent?.('ADDED', next, undefined);
    else sink.spec.onEvent?.('MODIFIED', next, previous);
  }
  sink.items.clear();
  for (const [key, value] of fresh) sink.items.set(key, value);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function keyOf(obj: KubeObject): string {
  const m = obj.metadata;
  return m?.uid ?? `${m?.namespace ?? ''}/${m?.name ?? ''}`;
}
