import { type Finding, findingKey, type Severity, severityRank } from './finding.js';
import type { ProbeStatus } from './probe.js';
import type { Report } from './report.js';

/**
 * What changed between an earlier JSON report and this run (`report --diff`): computed here, purely,
 * from two reports; reading the earlier one is src/report/recorded.ts, printing it src/report/diff.ts.
 */

/** A finding as an earlier JSON report recorded it (only what the diff reads). */
export interface RecordedFinding {
  readonly probe: string;
  readonly code: string;
  readonly severity: Severity;
  readonly subject: Finding['subject'];
  readonly title: string;
  readonly detail: string;
}

/** The part of an earlier report `--diff` compares against: any schemaVersion 1 report. */
export interface RecordedReport {
  readonly generatedAt: string;
  readonly cluster?: { readonly context: string | null; readonly server: string | null };
  /** Present in a run limited with -n: the namespaces whose workloads were read. */
  readonly scope?: { readonly namespaces: readonly string[] };
  readonly probes: readonly {
    readonly id: string;
    readonly status: ProbeStatus;
    readonly error: string | null;
    readonly findings: readonly RecordedFinding[];
  }[];
}

export interface SeverityChange {
  readonly before: RecordedFinding;
  readonly after: RecordedFinding;
}

export interface ProbeStatusChange {
  readonly probe: string;
  readonly before: ProbeStatus | 'absent';
  readonly after: ProbeStatus | 'absent';
  readonly error: string | null;
}

/**
 * A finding of the earlier report that this run could not look at: its probe did not run, failed,
 * was stale or not applicable, or the finding's namespace was outside this run's -n. Its absence
 * proves nothing, so it is never "resolved".
 */
export interface NotChecked {
  readonly finding: RecordedFinding;
  /** Why, in a few words: `probe images: error (forbidden to list /api/v1/pods)`, `namespace shop not in -n apps`. */
  readonly reason: string;
}

export interface ReportDiff {
  readonly oldGeneratedAt: string;
  readonly newGeneratedAt: string;
  /** Set when the two reports name different API servers: the diff is then rarely what was meant. */
  readonly otherCluster?: { readonly before: string; readonly after: string };
  /** Not passing now, and absent before. */
  readonly added: readonly RecordedFinding[];
  /** Not passing before, and now passing, or absent from a probe that read its whole source this time. */
  readonly resolved: readonly RecordedFinding[];
  /** Not passing before, and absent now because this run did not check it (see NotChecked). */
  readonly notChecked: readonly NotChecked[];
  /** The same code on the same subject with another severity, not passing now (pass -> fail included). */
  readonly changed: readonly SeverityChange[];
  readonly probeStatus: readonly ProbeStatusChange[];
  /** Non-passing findings present in both with the same severity. */
  readonly unchanged: number;
}

/**
 * Why this run cannot speak about an earlier finding it does not have, or undefined when it can: the
 * finding's probe read its whole source (ready) and, for the workload checks of a `-n` run, the
 * finding's namespace was in scope.
 */
function uncheckedReason(f: RecordedFinding, after: RecordedReport | Report): string | undefined {
  const probe = after.probes.find((p) => p.id === f.probe);
  if (!probe) return `probe ${f.probe} did not run`;
  if (probe.status !== 'ready')
    return `probe ${f.probe}: ${probe.status}${probe.error ? ` (${probe.error})` : ''}`;
  const scope = after.scope?.namespaces;
  // -n limits the pod checks only; cluster-wide objects are read in every namespace.
  if (
    scope &&
    f.probe === 'images' &&
    f.subject.namespace !== undefined &&
    !scope.includes(f.subject.namespace)
  )
    return `namespace ${f.subject.namespace} not in -n ${scope.join(', ')}`;
  return undefined;
}

/** Keyed by findingKey (code + subject), so a finding keeps its identity across runs. */
export function diffReports(before: RecordedReport, after: RecordedReport | Report): ReportDiff {
  const key = (f: RecordedFinding) => findingKey(f as Finding);
  const index = (r: RecordedReport | Report) => {
    const map = new Map<string, RecordedFinding>();
    for (const p of r.probes) for (const f of p.findings) map.set(key(f), f);
    return map;
  };
  const old = index(before);
  const now = index(after);
  const added: RecordedFinding[] = [];
  const resolved: RecordedFinding[] = [];
  const notChecked: NotChecked[] = [];
  const changed: SeverityChange[] = [];
  let unchanged = 0;
  for (const [k, f] of now) {
    const prior = old.get(k);
    if (f.severity === 'pass') {
      if (prior && prior.severity !== 'pass') resolved.push(prior);
    } else if (!prior) added.push(f);
    else if (prior.severity !== f.severity) changed.push({ before: prior, after: f });
    else unchanged += 1;
  }
  for (const [k, f] of old) {
    if (now.has(k) || f.severity === 'pass') continue;
    const reason = uncheckedReason(f, after);
    if (reason === undefined) resolved.push(f);
    else notChecked.push({ finding: f, reason });
  }

  const probeStatus: ProbeStatusChange[] = [];
  const ids = [...new Set([...before.probes.map((p) => p.id), ...after.probes.map((p) => p.id)])];
  for (const id of ids) {
    const b = before.probes.find((p) => p.id === id);
    const a = after.probes.find((p) => p.id === id);
    if (b?.status === a?.status) continue;
    probeStatus.push({
      probe: id,
      before: b?.status ?? 'absent',
      after: a?.status ?? 'absent',
      error: a?.error ?? null,
    });
  }
  const worstFirst = (x: RecordedFinding, y: RecordedFinding) =>
    severityRank(y.severity) - severityRank(x.severity) || key(x).localeCompare(key(y));
  const serverBefore = before.cluster?.server ?? null;
  const serverAfter = after.cluster?.server ?? null;
  const otherCluster =
    serverBefore && serverAfter && serverBefore !== serverAfter
      ? { before: serverBefore, after: serverAfter }
      : undefined;
  return {
    oldGeneratedAt: before.generatedAt,
    newGeneratedAt: after.generatedAt,
    ...(otherCluster ? { otherCluster } : {}),
    added: added.sort(worstFirst),
    resolved: resolved.sort(worstFirst),
    notChecked: notChecked.sort((x, y) => worstFirst(x.finding, y.finding)),
    changed: changed.sort((x, y) => worstFirst(x.after, y.after)),
    probeStatus,
    unchanged,
  };
}
