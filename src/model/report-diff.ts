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

export interface ReportDiff {
  readonly oldGeneratedAt: string;
  readonly newGeneratedAt: string;
  /** Set when the two reports name different API servers: the diff is then rarely what was meant. */
  readonly otherCluster?: { readonly before: string; readonly after: string };
  /** Not passing now, and absent before. */
  readonly added: readonly RecordedFinding[];
  /** Not passing before, and absent (or passing) now. */
  readonly resolved: readonly RecordedFinding[];
  /** The same code on the same subject with another severity, not passing now (pass -> fail included). */
  readonly changed: readonly SeverityChange[];
  readonly probeStatus: readonly ProbeStatusChange[];
  /** Non-passing findings present in both with the same severity. */
  readonly unchanged: number;
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
  for (const [k, f] of old) if (!now.has(k) && f.severity !== 'pass') resolved.push(f);

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
    changed: changed.sort((x, y) => worstFirst(x.after, y.after)),
    probeStatus,
    unchanged,
  };
}
