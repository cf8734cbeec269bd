import type { CheckCode } from './checks/registry.js';
import type { ProbeId } from './probe.js';
import { type Severity, severityRank } from './severity.js';

export { SEVERITIES, type Severity, severityRank } from './severity.js';

/** What a finding is about. `kind` is a Kubernetes kind or a vSphere/node noun (Node, Portgroup, Pool). */
export interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** Container name, for image findings. */
  readonly container?: string;
  /** Node the subject lives on, when it matters (effective origin per node). */
  readonly node?: string;
}

export type Evidence = Readonly<Record<string, unknown>>;

export interface Finding {
  readonly probe: ProbeId;
  readonly code: CheckCode;
  readonly severity: Severity;
  readonly subject: Subject;
  /** One line a person reads first. */
  readonly title: string;
  /** The reason, in plain words, with the values that matter. */
  readonly detail: string;
  /** The fields that prove it (already redacted). */
  readonly evidence: Evidence;
  readonly remedy: string;
}

export function worstSeverity(findings: readonly Finding[]): Severity | undefined {
  let worst: Severity | undefined;
  for (const f of findings) {
    if (worst === undefined || severityRank(f.severity) > severityRank(worst)) worst = f.severity;
  }
  return worst;
}

/** Stable identity of a subject: the UI keys its cursor on it, reports diff on it. */
export function subjectKey(subject: Subject): string {
  return [
    subject.kind,
    subject.namespace ?? '',
    subject.name,
    subject.container ?? '',
    subject.node ?? '',
  ].join('/');
}

/** Stable identity of a finding across runs (for `--diff` and the cursor). */
export function findingKey(finding: Finding): string {
  return `${finding.code}|${subjectKey(finding.subject)}`;
}

export function subjectLabel(subject: Subject): string {
  const ns = subject.namespace ? `${subject.namespace}/` : '';
  const container = subject.container ? ` [${subject.container}]` : '';
  const node = subject.node ? ` @${subject.node}` : '';
  return `${subject.kind} ${ns}${subject.name}${container}${node}`;
}

export interface SeverityCounts {
  pass: number;
  info: number;
  warn: number;
  fail: number;
}

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { pass: 0, info: 0, warn: 0, fail: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}
