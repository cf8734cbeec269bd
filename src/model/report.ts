import type { ProbeResult } from './evaluate.js';
import { countBySeverity, type Finding, type SeverityCounts } from './finding.js';
import { isStale, liveWords } from './live.js';
import type { ProbeId, ProbeStatus } from './probe.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface ReportProbe {
  readonly id: ProbeId;
  readonly title: string;
  readonly status: ProbeStatus;
  /** Why the probe could not run (status error) or does not apply; null when ready. */
  readonly error: string | null;
  readonly updatedAt: string | null;
  /** Seconds from the start of the run to the probe's last publish (its first full sync in a report); null when unknown. */
  readonly durationSeconds: number | null;
  readonly summary: SeverityCounts;
  readonly findings: readonly Finding[];
}

export interface Report {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly generatedAt: string;
  readonly tool: { readonly name: 'airgap-top'; readonly version: string };
  readonly cluster: { readonly context: string | null; readonly server: string | null };
  readonly registry: { readonly private: readonly string[]; readonly profile: string | null };
  /**
   * Present only when the run was limited with `-n`: the namespaces whose workloads (pods) were
   * read. Absent = all namespaces. Cluster-wide objects (nodes, machines, pools, VSphereVMs,
   * portgroups) are always read in every namespace, so their verdicts never depend on it.
   */
  readonly scope?: ReportScope;
  readonly summary: SeverityCounts & { readonly probesInError: number };
  readonly probes: readonly ReportProbe[];
}

export interface ReportScope {
  readonly namespaces: readonly string[];
}

/** The one sentence every format uses to say what a scoped run covered. */
export function scopeText(scope: ReportScope): string {
  return `workloads (pods) in namespace ${scope.namespaces.join(', ')} only; cluster-wide objects (nodes, machines, IP pools, VSphereVMs, portgroups) in every namespace`;
}

export interface ReportMeta {
  readonly generatedAt: Date;
  /** When the probes were started; gives each probe's sync duration. */
  readonly startedAt?: Date;
  readonly toolVersion: string;
  readonly context?: string;
  readonly server?: string;
  readonly privateRegistries: readonly string[];
  readonly profile?: string;
  /** `-n NS`; undefined = all namespaces. */
  readonly namespace?: string;
}

/** One pure function builds the result every format serialises. Findings are already sorted. */
export function buildReport(results: readonly ProbeResult[], meta: ReportMeta): Report {
  const probes: ReportProbe[] = results.map((r) => ({
    id: r.id,
    title: r.title,
    ...statusOf(r, meta.generatedAt),
    updatedAt: r.updatedAt ?? null,
    durationSeconds: syncDuration(meta.startedAt, r.updatedAt),
    summary: r.summary,
    findings: r.findings,
  }));
  const all = probes.flatMap((p) => p.findings);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: meta.generatedAt.toISOString(),
    tool: { name: 'airgap-top', version: meta.toolVersion },
    cluster: { context: meta.context ?? null, server: meta.server ?? null },
    registry: { private: meta.privateRegistries, profile: meta.profile ?? null },
    ...(meta.namespace ? { scope: { namespaces: [meta.namespace] } } : {}),
    summary: { ...countBySeverity(all), probesInError: probes.filter((p) => p.status === 'error').length },
    probes,
  };
}

/**
 * A stale probe (its watch down longer than the threshold) is reported as an error: its findings
 * are from an old view of the cluster, so the report cannot call that part proven.
 */
function statusOf(r: ProbeResult, now: Date): Pick<ReportProbe, 'status' | 'error'> {
  if (r.status === 'ready' && r.live && isStale(r.live))
    return { status: 'error', error: liveWords(r.live, { now, updatedAt: r.updatedAt }) };
  return { status: r.status, error: r.status === 'ready' ? null : (r.message ?? null) };
}

function syncDuration(startedAt: Date | undefined, updatedAt: string | undefined): number | null {
  if (!startedAt || !updatedAt) return null;
  const ms = Date.parse(updatedAt) - startedAt.getTime();
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms) / 1000 : null;
}

export type FailOn = 'fail' | 'warn';

/**
 * 0: nothing failed. 1: a finding failed (or warned, with failOn warn), or a probe could not run:
 * airgap-top could not prove that part, which a pipeline must not take as a pass.
 * (2, the tool itself could not run, is decided before a report exists.)
 */
export function reportExitCode(report: Report, failOn: FailOn): 0 | 1 {
  if (report.summary.fail > 0 || report.summary.probesInError > 0) return 1;
  // A probe still loading proved nothing (a TUI export before the first sync): never green.
  if (report.probes.some((p) => p.status === 'loading')) return 1;
  if (failOn === 'warn' && report.summary.warn > 0) return 1;
  return 0;
}
