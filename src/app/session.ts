import { lookup } from 'node:dns/promises';
import { errorMessage, UserFacingError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { TOOL_VERSION } from '../core/version.js';
import type { Config } from '../model/config.js';
import { Evaluation, type ProbeResult } from '../model/evaluate.js';
import { unfinishedMessage } from '../model/live.js';
import type { ProbeId, ProbeSnapshot } from '../model/probe.js';
import { buildReport, type Report } from '../model/report.js';
import { createSharedAnalysis } from '../model/shared-analysis.js';
import { Store, type StoreSnapshot } from '../model/store.js';
import type { KubeTuning } from '../probes/kube/collection.js';
import {
  KubeApiError,
  type KubeConnection,
  KubeNetworkError,
  loadKubeConnection,
} from '../probes/kube/connection.js';
import { Backoff, withRetries } from '../probes/kube/retry.js';
import type { AskSecret, ProbeContext, ProbeSource, Resolver } from '../probes/types.js';
import type { ProbeViews } from '../views/types.js';
import { createEvaluators, createViews, probeSources } from './probe-registry.js';
import { timedEvaluators } from './timed-evaluators.js';

export interface SessionOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly config: Config;
  readonly log: Logger;
  /** Keep watching after the first sync (TUI) or stop after it (report). */
  readonly live: boolean;
  /** Only these probes (default: all). */
  readonly probes?: readonly ProbeId[];
  readonly resolve?: Resolver;
  /** See ProbeContext.dumpDir. */
  readonly dumpDir?: string;
  /** See ProbeContext.askSecret: the TUI's password prompt; unset in `report`. */
  readonly askSecret?: AskSecret;
  /**
   * Probe sources that replace the built-in one of the same id (tests pass probes built with their
   * own options, e.g. `createPortgroupsProbe({ maxObjects: 5 })`), instead of mutating module state.
   */
  readonly sources?: readonly ProbeSource[];
  /** Backoff and staleness of the watches (tests shrink them). */
  readonly kubeTuning?: KubeTuning;
  /** An open connection to use instead of reading a kubeconfig file (fleet mode: a workload cluster's Secret). */
  readonly connection?: KubeConnection;
  /** Tries of `/version` at start when the server is busy (429/5xx) or resets (default 5). */
  readonly versionAttempts?: number;
}

/**
 * At start, a busy server (429, 5xx) or a reset connection is worth waiting for; a refused
 * connection, a bad certificate or a 401 is not (one line, exit 2, at once).
 */
function retryableAtStart(err: unknown): boolean {
  if (err instanceof KubeApiError) return err.statusCode === 429 || err.statusCode >= 500;
  return err instanceof KubeNetworkError && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
}

/**
 * A running set of probes over one cluster: the store they fill and the evaluation the screens and
 * reports read. The TUI and `report` both stand on this, so they can never disagree.
 */
export class Session {
  readonly store = new Store();
  /** This session's evaluators and views, with their caches (shared by nothing else in the process). */
  private readonly analysis = createSharedAnalysis();
  private readonly evaluation = new Evaluation(
    timedEvaluators(createEvaluators(this.analysis), () => this.options.log),
  );
  readonly views: ProbeViews = createViews(this.analysis);
  private readonly controller = new AbortController();
  private ctx: ProbeContext | undefined;
  private firstSync: Promise<void> | undefined;
  /** When the probes were started: each probe's sync duration in reports counts from here. */
  private startedAt: Date | undefined;
  /** After expire(): the store as it was at the deadline; what probes publish while they unwind does not count. */
  private frozenSnapshot: StoreSnapshot | undefined;

  private constructor(
    readonly kube: KubeConnection,
    readonly options: SessionOptions,
  ) {}

  /** Connects and proves the API server answers; a UserFacingError (exit 2) when it does not. */
  static async open(options: SessionOptions): Promise<Session> {
    const kube =
      options.connection ??
      loadKubeConnection({
        kubeconfig: options.kubeconfig,
        context: options.context,
        log: options.log,
      });
    try {
      await withRetries(() => kube.version(), {
        attempts: options.versionAttempts ?? 5,
        backoff: new Backoff({ initialMs: options.kubeTuning?.backoffInitialMs }),
        retryable: retryableAtStart,
        onRetry: (err, waitMs) =>
          options.log.warn(`/version: ${errorMessage(err)}; retrying in ${(waitMs / 1000).toFixed(1)} s`),
      });
    } catch (err) {
      kube.close();
      if (err instanceof UserFacingError) throw err;
      const reason = errorMessage(err);
      throw new UserFacingError(`API server ${kube.server} did not answer /version: ${reason}`);
    }
    return new Session(kube, options);
  }

  get config(): Config {
    return this.options.config;
  }

  /** Starts every selected probe; resolves when each has published its first full sync. */
  start(): Promise<void> {
    if (this.firstSync) return this.firstSync;
    this.startedAt = new Date();
    this.ctx = {
      config: this.options.config,
      kube: this.kube,
      store: this.store,
      log: this.options.log,
      signal: this.controller.signal,
      live: this.options.live,
      namespace: this.options.namespace,
      resolve: this.options.resolve ?? defaultResolver,
      dumpDir: this.options.dumpDir,
      askSecret: this.options.askSecret,
      kubeTuning: this.options.kubeTuning,
    };
    const ctx = this.ctx;
    const selected = this.sources().filter((p) => !this.options.probes || this.options.probes.includes(p.id));
    for (const p of selected) this.store.set(p.id, { status: 'loading' });
    this.firstSync = Promise.all(
      selected.map((p) =>
        p.start(ctx).catch((err: unknown) => {
          // A probe must never reject; if one does, it is a bug shown on that probe only.
          const reason = errorMessage(err);
          this.options.log.error(`probe ${p.id} crashed: ${reason}`);
          this.store.set(p.id, {
            status: 'error',
            message: `probe crashed (a bug in airgap-top): ${reason}`,
          });
        }),
      ),
    ).then(() => undefined);
    return this.firstSync;
  }

  /** Re-runs a one-shot probe (SSH sweep, vCenter); watch-based probes are always current. */
  async rerun(id: ProbeId): Promise<boolean> {
    const probe = this.sources().find((p) => p.id === id);
    if (!probe?.rerun || !this.ctx) return false;
    await probe.rerun(this.ctx);
    return true;
  }

  /** A probe's own `:` command (TUI `:expect FILE`): the status line, or rejects with why not. */
  async command(id: ProbeId, name: string, args: readonly string[]): Promise<string> {
    const probe = this.sources().find((p) => p.id === id);
    if (!probe?.command || !this.ctx) throw new Error(`${id} takes no :${name}`);
    return probe.command(this.ctx, name, args);
  }

  /** The built-in probes, each replaced by the option's source of the same id, if any. */
  private sources(): readonly ProbeSource[] {
    const replaced = this.options.sources ?? [];
    return probeSources().map((p) => replaced.find((r) => r.id === p.id) ?? p);
  }

  /**
   * The report's deadline has come: every probe that has not finished its first sync becomes an
   * error saying what it was doing ("did not finish listing pods within 5 s: 1200 of ? read"),
   * and every request, watch and wait in flight is aborted, so nothing keeps the process alive.
   */
  expire(seconds: number): ProbeId[] {
    const unfinished: ProbeId[] = [];
    for (const [id, snap] of Object.entries(this.store.snapshot) as [ProbeId, ProbeSnapshot][]) {
      if (snap.status !== 'loading') continue;
      unfinished.push(id);
      this.store.set(id, { status: 'error', message: unfinishedMessage(snap.progress, seconds) });
    }
    this.frozenSnapshot = this.store.snapshot;
    this.controller.abort();
    return unfinished;
  }

  results(now: Date = new Date()): ProbeResult[] {
    return this.evaluation.run(this.frozenSnapshot ?? this.store.snapshot, this.options.config, now);
  }

  /**
   * The report of the current store. `cluster` names the cluster when it is not the one connected
   * to (a dump served by the local simulator is the bundle's cluster). `judgedAt` is the moment
   * ages and expiry dates are measured from when it is not `now` (a dump: when it was collected).
   */
  report(
    now: Date = new Date(),
    cluster?: { readonly context?: string; readonly server?: string },
    judgedAt: Date = now,
  ): Report {
    return buildReport(this.results(judgedAt), {
      generatedAt: now,
      startedAt: this.startedAt,
      toolVersion: TOOL_VERSION,
      context: cluster ? cluster.context : this.kube.contextName,
      server: cluster ? cluster.server : this.kube.server,
      privateRegistries: this.options.config.registry.private,
      profile: this.options.config.registry.profile,
      namespace: this.options.namespace,
    });
  }

  close(): void {
    this.controller.abort();
    this.kube.close();
  }
}

const defaultResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true });
  return answers.map((a) => a.address);
};
