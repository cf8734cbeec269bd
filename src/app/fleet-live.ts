import { errorMessage } from '../core/errors.js';
import { type ClusterOutcome, type ClusterRef, clusterKey, type FleetReport } from '../model/fleet.js';
import { type ImageAvailability, imageAvailability } from '../model/image-availability.js';
import type { ImagesData } from '../model/images/types.js';
import type { IpamData } from '../model/ipam/types.js';
import type { PresenceData } from '../model/registry/presence.js';
import { type Fleet, mapBounded } from './fleet.js';
import type { Session } from './session.js';

/** How often the Cluster list is read again and unreadable clusters are retried (serve). */
export const DEFAULT_FLEET_REFRESH_MS = 60_000;

/** Time-based verdicts (grace periods, ages) are judged again this often, as in the TUI. */
const TIMED_VERDICT_MS = 30_000;

interface Member {
  readonly ref: ClusterRef;
  readonly session?: Session;
  readonly error?: string;
  readonly server?: string;
}

/**
 * Every workload cluster kept live (serve --fleet): one watching session per reachable cluster,
 * the management-side probes live on the management cluster. Every refresh reads the Cluster list
 * again (new clusters join, deleted ones leave) and retries the clusters in error, reading their
 * Secret again; a session whose credentials stopped working (401) is reopened from a fresh read.
 */
export class LiveFleet {
  private readonly members = new Map<string, Member>();
  private management: Session | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private closed = false;
  private firstSyncDone = false;
  /** Identity numbers of store snapshots (immutable: a new object on every change), for stateKey. */
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private lastReport: { key: string; report: FleetReport } | undefined;
  private readonly availability = new WeakMap<object, { presence: unknown; rows: ImageAvailability[] }>();

  constructor(
    readonly fleet: Fleet,
    private readonly refreshMs = DEFAULT_FLEET_REFRESH_MS,
  ) {}

  /** Resolves once the management probes and every reachable cluster have their first full sync. */
  async start(): Promise<void> {
    this.management = await this.fleet.openManagementSession(true);
    const managementSync = this.management.start();
    await this.refresh();
    await managementSync;
    this.firstSyncDone = true;
    if (!this.closed) {
      this.timer = setInterval(() => void this.refresh(), this.refreshMs);
      this.timer.unref();
    }
  }

  get ready(): boolean {
    return this.firstSyncDone;
  }

  /** One refresh at a time; a second call waits for the one running. */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refreshOnce(): Promise<void> {
    let refs: ClusterRef[];
    try {
      refs = await this.fleet.listClusters();
    } catch (err) {
      this.fleet.options.log.warn(`fleet: cannot list Clusters: ${errorMessage(err)}; keeping the last list`);
      return;
    }
    const keys = new Set(refs.map(clusterKey));
    for (const [key, member] of this.members) {
      if (keys.has(key)) continue;
      member.session?.close();
      this.members.delete(key);
    }
    const todo = refs.filter((ref) => {
      const m = this.members.get(clusterKey(ref));
      return !m?.session || credentialsRefused(m.session);
    });
    await mapBounded(todo, this.fleet.concurrency, (ref) => this.connect(ref));
  }

  private async connect(ref: ClusterRef): Promise<void> {
    const key = clusterKey(ref);
    this.members.get(key)?.session?.close();
    const connected = await this.fleet.connect(ref);
    if (this.closed) {
      if ('kube' in connected) connected.kube.close();
      return;
    }
    if ('error' in connected) {
      this.members.set(key, {
        ref,
        error: connected.error,
        ...(connected.server ? { server: connected.server } : {}),
      });
      return;
    }
    let session: Session;
    try {
      session = await this.fleet.openWorkloadSession(connected.kube, true);
    } catch (err) {
      connected.kube.close();
      this.members.set(key, { ref, error: errorMessage(err), server: connected.kube.server });
      return;
    }
    this.members.set(key, { ref, session, server: session.kube.server });
    await session.start();
  }

  private idOf(o: object | undefined): number {
    if (!o) return 0;
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(o, id);
    }
    return id;
  }

  /**
   * Changes when anything a report depends on changes: a store snapshot of any session, a cluster
   * joining, leaving or failing, readiness, and every 30 s (time-based verdicts, as the TUI
   * refreshes them). Equal keys, equal reports: a scrape of an idle fleet renders nothing again.
   */
  stateKey(now: Date = new Date()): string {
    const parts = [
      String(Math.floor(now.getTime() / TIMED_VERDICT_MS)),
      this.firstSyncDone ? 'r' : 'l',
      String(this.idOf(this.management?.store.snapshot)),
    ];
    for (const [key, m] of this.members)
      parts.push(`${key}=${m.session ? this.idOf(m.session.store.snapshot) : `e:${m.error ?? ''}`}`);
    return parts.join('|');
  }

  /** The live session of a cluster (namespace/name), when it could be read. */
  sessionOf(key: string): Session | undefined {
    return this.members.get(key)?.session;
  }

  /** The fleet as it is now (the same object while stateKey is unchanged). */
  report(now: Date = new Date()): FleetReport {
    const key = this.stateKey(now);
    if (this.lastReport?.key === key) return this.lastReport.report;
    const report = this.buildReport(now);
    this.lastReport = { key, report };
    return report;
  }

  private buildReport(now: Date): FleetReport {
    const outcomes: ClusterOutcome[] = [...this.members.values()].map((m) =>
      m.session
        ? {
            ref: m.ref,
            report: m.session.report(now, { context: clusterKey(m.ref), server: m.session.kube.server }),
          }
        : { ref: m.ref, error: m.error ?? 'not read yet', ...(m.server ? { server: m.server } : {}) },
    );
    const snapshot = this.management?.store.snapshot;
    return this.fleet.fleetReport(
      outcomes,
      this.management?.report(now),
      snapshot?.ipam?.data as IpamData | undefined,
      now,
    );
  }

  /** Per cluster (namespace/name), the per-container availability the registry probe has judged. */
  imageAvailability(): Map<string, ImageAvailability[]> {
    const out = new Map<string, ImageAvailability[]>();
    for (const [key, m] of this.members) {
      if (!m.session) continue;
      const snap = m.session.store.snapshot;
      const images = snap.images?.data as ImagesData | undefined;
      const presence = snap.registry?.data as PresenceData | undefined;
      if (!images) continue;
      // Recomputed only when the pods or the registry verdicts changed.
      let cached = this.availability.get(images);
      if (!cached || cached.presence !== presence) {
        cached = { presence, rows: imageAvailability(images, presence) };
        this.availability.set(images, cached);
      }
      out.set(key, cached.rows);
    }
    return out;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const m of this.members.values()) m.session?.close();
    this.members.clear();
    this.management?.close();
    this.fleet.close();
  }
}

/** The images watch answers 401: the cluster's credentials were rotated or expired. */
function credentialsRefused(session: Session): boolean {
  const images = session.store.snapshot.images;
  return images?.status === 'error' && /\b401\b/.test(images.message ?? '');
}
