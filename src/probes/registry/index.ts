import { readFileSync } from 'node:fs';
import { errorMessage } from '../../core/errors.js';
import type { ContainerdData } from '../../model/containerd/types.js';
import { readinessExtraImages } from '../../model/readiness/plan.js';
import { nextSweepDelay, sweepStreak } from '../../model/registry/pacing.js';
import type { PresenceData, PresencePlan } from '../../model/registry/presence.js';
import { PresenceCache } from '../../model/registry/presence-cache.js';
import { type RegistryCheckSettings, registryCheckSettings } from '../../model/registry/settings.js';
import { lookupVia } from '../lookup.js';
import type { ProbeContext, ProbeSource } from '../types.js';
import type { RegistryClient, RegistryClientOptions } from './client.js';
import { dumpCaFiles, planSweep, registryClientFor, sweepPlanned } from './sweep.js';

/**
 * The registry probe (I/O): once the pods are read (and, for a report, the nodes' containerd
 * configurations), it sweeps the registries as each node group would pull (sweep.ts), and publishes
 * the answers for the images probe to join into one verdict per container. Live, it sweeps again
 * when pods or node configurations change, and when the cache says answers are due; only new or
 * due (endpoint, repository, reference) triples are asked. It dials only what the configuration
 * and the nodes name, through the session's resolver (tests and the demo inject one), never a
 * public registry.
 */
export interface RegistryProbeOptions {
  /** Live mode: pod events gathered before a sweep (default 100 ms). */
  readonly debounceMs?: number;
  /** Extra client options (tests: sleep, retry bounds). */
  readonly client?: Omit<RegistryClientOptions, 'concurrency' | 'timeoutMs' | 'credentials'>;
}

/** CA files a node names and the containerd probe read over SFTP: `node-ca://NODE/PATH`. */
const NODE_CA = 'node-ca://';

/** Why the sweep does not run, or undefined when it does. */
function notApplicable(ctx: ProbeContext, settings: RegistryCheckSettings): string | undefined {
  if (!settings.enabled) {
    return ctx.config.registry.private.length === 0
      ? 'no private registry configured ([registry] private): nothing to ask'
      : '[registry] check is off (--no-registry-check): presence is not asked';
  }
  if (!ctx.store.get('images')) return 'needs the images probe (not selected)';
  return undefined;
}

/** CA lookups for the node's view: SFTP-read PEMs (live) or the dump's node directories. */
function nodeCaAccess(ctx: ProbeContext): {
  localCaFile: (node: string, nodePath: string) => string | undefined;
  readCaFile: (path: string) => string;
} {
  const fromDump = ctx.dumpDir ? dumpCaFiles(ctx.dumpDir) : undefined;
  const pemOf = (node: string, nodePath: string): string | undefined => {
    const record = ctx.store.get('containerd')?.data?.nodes.find((n) => n.node === node);
    return record?.certificates.find((c) => c.path === nodePath && c.pem)?.pem;
  };
  return {
    // Always the node's file: one that was not collected makes the check unverified, not "no CA".
    localCaFile: (node, nodePath) => (fromDump ? fromDump(node, nodePath) : `${NODE_CA}${node}${nodePath}`),
    readCaFile: (path) => {
      if (!path.startsWith(NODE_CA)) return readFileSync(path, 'utf8');
      const rest = path.slice(NODE_CA.length);
      const slash = rest.indexOf('/');
      const pem = slash > 0 ? pemOf(rest.slice(0, slash), rest.slice(slash)) : undefined;
      if (pem === undefined) throw new Error(`${path.slice(NODE_CA.length)} was not read from the node`);
      return pem;
    },
  };
}

/** Resolves once `ready` holds for the store, or the session ends. */
function waitFor(ctx: ProbeContext, ready: () => boolean): Promise<void> {
  if (ready() || ctx.signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      unsubscribe();
      ctx.signal.removeEventListener('abort', done);
      resolve();
    };
    const unsubscribe = ctx.store.subscribe(() => {
      if (ready()) done();
    });
    ctx.signal.addEventListener('abort', done);
  });
}

const settled = (ctx: ProbeContext, id: 'images' | 'containerd' | 'readiness') => {
  const snap = ctx.store.get(id);
  return snap === undefined || snap.status !== 'loading';
};

export function createRegistryProbe(options: RegistryProbeOptions = {}): ProbeSource<'registry'> {
  // Per session (each has its own context): one source object may serve several sessions at once.
  const sweepers = new WeakMap<ProbeContext, LiveSweeper>();
  return {
    id: 'registry',
    async start(ctx) {
      const settings = registryCheckSettings(ctx.config.registry);
      const why = notApplicable(ctx, settings);
      if (why) {
        ctx.store.set('registry', { status: 'not-applicable', message: why });
        return;
      }
      // A report judges the nodes' own view: wait for their configurations. Live, the central check
      // starts with the pods and the node view follows when the containerd sweep lands.
      // The readiness probe's templates and expect files join the same sweep: wait for them too.
      await waitFor(
        ctx,
        () => settled(ctx, 'images') && settled(ctx, 'readiness') && (ctx.live || settled(ctx, 'containerd')),
      );
      if (ctx.signal.aborted) return;
      const images = ctx.store.get('images');
      if (images?.status !== 'ready' || !images.data) {
        ctx.store.set('registry', {
          status: 'error',
          message: `cannot ask the registries: the images probe has no pods (${images?.message ?? images?.status ?? 'not run'})`,
        });
        return;
      }
      let client: RegistryClient;
      const progress = { done: 0 };
      const ca = nodeCaAccess(ctx);
      try {
        client = await registryClientFor(settings, {
          ...options.client,
          lookup: lookupVia(ctx.resolve),
          ...(ctx.config.registry.connectTo ? { connectTo: ctx.config.registry.connectTo } : {}),
          readCaFile: ca.readCaFile,
          log: ctx.log,
          onRequest: (event) => {
            if (event.kind === 'manifest') progress.done++;
            options.client?.onRequest?.(event);
          },
        });
      } catch (err) {
        ctx.store.set('registry', { status: 'error', message: errorMessage(err) });
        return;
      }
      const sweeper = new LiveSweeper(
        ctx,
        settings,
        client,
        ca.localCaFile,
        progress,
        options.debounceMs ?? 100,
      );
      sweepers.set(ctx, sweeper);
      await sweeper.sweep();
      if (ctx.live) sweeper.watch();
    },
    async rerun(ctx) {
      await sweepers.get(ctx)?.recheck();
    },
  };
}

/** One session's sweeps: one at a time, again when inputs change or answers are due. */
class LiveSweeper {
  private readonly cache: PresenceCache;
  private previous: PresenceData | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** A change of the inputs arrived while a sweep ran: one paced sweep follows it. */
  private changedWhileRunning = false;
  /** When the last sweep started and how long it took (what paces the next). */
  private last: { startedAt: number; durationMs: number; streak: number } | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private dueTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private seen: { images: unknown; containerd: unknown; readiness: unknown } = {
    images: undefined,
    containerd: undefined,
    readiness: undefined,
  };
  /** The last sweep's plan and the data objects it was planned from (reused while they are the same). */
  private planned:
    | { images: unknown; containerd: unknown; readiness: unknown; plan: PresencePlan }
    | undefined;

  constructor(
    private readonly ctx: ProbeContext,
    private readonly settings: RegistryCheckSettings,
    private readonly client: RegistryClient,
    private readonly localCaFile: (node: string, nodePath: string) => string | undefined,
    private readonly progress: { done: number },
    private readonly debounceMs: number,
  ) {
    this.cache = new PresenceCache({ recheckMinutes: settings.recheckMinutes });
  }

  /** Sweeps now (or right after the sweep under way). */
  sweep(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const startedAt = performance.now();
    const streak = sweepStreak(
      this.last
        ? { endedAt: this.last.startedAt + this.last.durationMs, streak: this.last.streak }
        : undefined,
      startedAt,
    );
    this.running = this.sweepOnce().finally(() => {
      this.running = undefined;
      this.last = { startedAt, durationMs: performance.now() - startedAt, streak };
      if (this.again && !this.ctx.signal.aborted) {
        this.again = false;
        void this.sweep();
        return;
      }
      if (this.changedWhileRunning) {
        this.changedWhileRunning = false;
        this.afterChange();
      }
      this.scheduleDue();
    });
    return this.running;
  }

  /**
   * A sweep for a change of the pods or node configurations: after the debounce, or paced by the
   * last sweep's length under a stream of changes (nextSweepDelay); one already under way is
   * followed by one such sweep when it ends.
   */
  private afterChange(): void {
    if (this.debounce || this.ctx.signal.aborted) return;
    if (this.running) {
      this.changedWhileRunning = true;
      return;
    }
    const delay = nextSweepDelay({
      now: performance.now(),
      debounceMs: this.debounceMs,
      ...(this.last
        ? {
            lastStartedAt: this.last.startedAt,
            lastDurationMs: this.last.durationMs,
            streak: this.last.streak,
          }
        : {}),
    });
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      if (this.running) this.changedWhileRunning = true;
      else void this.sweep();
    }, delay);
  }

  /** The `r` key: forget every answer and ask again. */
  async recheck(): Promise<void> {
    this.cache.clear();
    this.previous = undefined;
    this.planned = undefined;
    await this.sweep();
  }

  /** Live: sweeps when the pods or the node configurations change (debounced). */
  watch(): void {
    const onChange = () => {
      const images = this.ctx.store.get('images')?.data;
      const containerd = this.ctx.store.get('containerd')?.data;
      const readiness = this.ctx.store.get('readiness')?.data;
      if (
        images === this.seen.images &&
        containerd === this.seen.containerd &&
        readiness === this.seen.readiness
      )
        return;
      this.afterChange();
    };
    const unsubscribe = this.ctx.store.subscribe(onChange);
    // What changed while the first sweep was under way (the containerd sweep landing) counts too.
    onChange();
    this.ctx.signal.addEventListener('abort', () => {
      unsubscribe();
      clearTimeout(this.debounce);
      clearTimeout(this.dueTimer);
      clearInterval(this.progressTimer);
    });
  }

  private scheduleDue(): void {
    if (!this.ctx.live || this.ctx.signal.aborted) return;
    clearTimeout(this.dueTimer);
    const next = this.cache.nextDue();
    if (next === undefined) return;
    const wait = Math.min(Math.max(next - Date.now(), 1000), 2 ** 31 - 1);
    this.dueTimer = setTimeout(() => void this.sweep(), wait);
  }

  private async sweepOnce(): Promise<void> {
    const { ctx } = this;
    const images = ctx.store.get('images')?.data;
    if (!images || ctx.signal.aborted) return;
    const containerdSnap = ctx.store.get('containerd');
    const containerd: ContainerdData | undefined = containerdSnap?.data;
    const readiness = ctx.store.get('readiness')?.data;
    this.seen = { images, containerd, readiness };
    const extraImages = readinessExtraImages(readiness, containerd, images);
    this.progress.done = 0;
    const before = ctx.store.get('registry');
    if (before?.status !== 'ready') {
      ctx.store.patch('registry', {
        progress: { done: 0, total: 0, failed: 0, label: 'asking the registries' },
      });
    }
    try {
      const planOptions = {
        localCaFile: this.localCaFile,
        ...(extraImages.length > 0 ? { extraImages } : {}),
      };
      const last = this.planned;
      const plan =
        last && last.images === images && last.containerd === containerd && last.readiness === readiness
          ? last.plan
          : planSweep({ images, containerd, settings: this.settings }, planOptions);
      this.planned = { images, containerd, readiness, plan };
      const data = await sweepPlanned(plan, {
        client: this.client,
        ...planOptions,
        ...(ctx.live ? { cache: this.cache } : {}),
        ...(this.previous ? { previous: this.previous } : {}),
        onPlanned: (asking) => {
          if (before?.status === 'ready') return;
          const total = asking;
          const report = () =>
            ctx.store.patch('registry', {
              progress: {
                done: Math.min(this.progress.done, total),
                total,
                failed: 0,
                label: 'asking the registries',
              },
            });
          report();
          this.progressTimer = setInterval(report, 500);
        },
      });
      clearInterval(this.progressTimer);
      this.previous = data;
      const unreachable = data.unreachable.length;
      ctx.store.set('registry', {
        status: 'ready',
        data,
        updatedAt: new Date().toISOString(),
        ...(unreachable > 0
          ? { message: `could not reach ${data.unreachable.join(', ')}: what they serve is unverified` }
          : {}),
      });
      ctx.log.info(
        `registry: ${data.counts.requests} checks, ${data.counts.triples} triples, ${data.counts.manifestRequests} manifest + ${data.counts.tokenRequests} token requests in ${data.durationMs} ms`,
      );
    } catch (err) {
      clearInterval(this.progressTimer);
      const reason = errorMessage(err);
      ctx.log.error(`registry sweep failed: ${reason}`);
      ctx.store.set('registry', { status: 'error', message: `the registry sweep failed: ${reason}` });
    }
  }
}

export const registryProbe: ProbeSource<'registry'> = createRegistryProbe();
