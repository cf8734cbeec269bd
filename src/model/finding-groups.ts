import { type Finding, findingKey, subjectLabel } from './finding.js';

/**
 * Grouping of repeated findings: the rule an SRE reads a failure list by. The TUI's overview draws
 * one row per group; a report model may group the same way.
 */

/** Findings that share one overview row (one finding alone is a group of one). */
export interface FailureGroup {
  /** Row key: `finding:KEY` for a single finding, `group:PROBE:…` for several. */
  readonly key: string;
  readonly findings: readonly Finding[];
}

/**
 * What makes two findings one problem to an SRE: the same check with the same title on pods of one
 * namespace running the same image (and of the same workload when the finding names it). A
 * DaemonSet's 300 pods pulling a public image are one row, not 300 that push everything else off the
 * screen. Findings on other subjects (nodes, pools, portgroups) never merge.
 */
export function failureGroupKey(f: Finding): string | undefined {
  if (f.subject.kind !== 'Pod') return undefined;
  const image = f.evidence.image;
  if (typeof image !== 'string' || image === '') return undefined;
  const workload = typeof f.evidence.workload === 'string' ? f.evidence.workload : '';
  return [f.code, f.severity, f.title, f.subject.namespace ?? '', workload, image].join('\u0000');
}

/** Groups findings in their order; a group sits where its first finding was. */
export function groupFailures(findings: readonly Finding[]): FailureGroup[] {
  const groups: { key: string; findings: Finding[] }[] = [];
  const byKey = new Map<string, Finding[]>();
  for (const f of findings) {
    const shared = failureGroupKey(f);
    const key = shared === undefined ? undefined : `group:${f.probe}:${shared}`;
    const existing = key === undefined ? undefined : byKey.get(key);
    if (existing) {
      existing.push(f);
      continue;
    }
    const list = [f];
    if (key !== undefined) byKey.set(key, list);
    groups.push({ key: key ?? `finding:${findingKey(f)}`, findings: list });
  }
  // A group that stayed a single finding keeps the plain finding key (enter opens it directly).
  return groups.map((g) =>
    g.findings.length === 1 && g.key.startsWith('group:')
      ? { key: `finding:${findingKey(g.findings[0] as Finding)}`, findings: g.findings }
      : g,
  );
}

/** The subject cell of a group row: what the pods share, then how many (the count must survive truncation less than the name). */
export function groupSubjectLabel(findings: readonly Finding[]): string {
  const first = findings[0];
  if (!first) return '';
  if (findings.length === 1) return subjectLabel(first.subject);
  const ns = first.subject.namespace ?? '';
  const workload = typeof first.evidence.workload === 'string' ? first.evidence.workload : '';
  // evidence.workload is KIND/NAME; shown as kubectl names it: KIND NAMESPACE/NAME.
  const slash = workload.indexOf('/');
  const owner =
    slash > 0 ? `${workload.slice(0, slash)} ${ns}/${workload.slice(slash + 1)}` : `${ns}/${workload}`;
  return workload
    ? `${owner} (${findings.length} pods)`
    : `${ns}: ${String(first.evidence.image)} (${findings.length} pods)`;
}
