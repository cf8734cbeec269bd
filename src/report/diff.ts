import { secrets } from '../core/redact.js';
import { escapeControls } from '../core/sanitize.js';
import { type Finding, findingKey, type Severity, severityRank, subjectLabel } from '../model/finding.js';
import type { ProbeStatus } from '../model/probe.js';
import type { Report } from '../model/report.js';

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

const SEVERITY_SET = new Set<string>(['pass', 'info', 'warn', 'fail']);
const STATUS_SET = new Set<string>(['loading', 'ready', 'error', 'not-applicable']);

/**
 * Reads an earlier JSON report. Throws an Error whose message says, in one line, what is wrong
 * (the CLI turns it into exit 2): only schemaVersion 1 reports are compared.
 */
export function parseRecordedReport(text: string): RecordedReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON (${(err as Error).message.split('\n')[0]})`);
  }
  if (!isObject(value)) throw new Error('not a JSON object');
  if (value.schemaVersion !== 1) {
    throw new Error(
      `schemaVersion ${JSON.stringify(value.schemaVersion ?? null)} is not 1 (not an airgap-top JSON report?)`,
    );
  }
  if (typeof value.generatedAt !== 'string') throw new Error('generatedAt is missing');
  if (!Array.isArray(value.probes)) throw new Error('probes is not an array');
  const probes = value.probes.map((p: unknown, i: number) => {
    if (!isObject(p) || typeof p.id !== 'string') throw new Error(`probes[${i}] has no id`);
    const probeId = p.id;
    if (typeof p.status !== 'string' || !STATUS_SET.has(p.status))
      throw new Error(`probes[${i}].status is not a probe status`);
    if (!Array.isArray(p.findings)) throw new Error(`probes[${i}].findings is not an array`);
    const findings = p.findings.map((f: unknown, j: number) => {
      const where = `probes[${i}].findings[${j}]`;
      if (!isObject(f)) throw new Error(`${where} is not an object`);
      if (typeof f.code !== 'string') throw new Error(`${where}.code is missing`);
      if (typeof f.severity !== 'string' || !SEVERITY_SET.has(f.severity))
        throw new Error(`${where}.severity is not a severity`);
      const s = f.subject;
      if (!isObject(s) || typeof s.kind !== 'string' || typeof s.name !== 'string') {
        throw new Error(`${where}.subject needs kind and name`);
      }
      const subject: Finding['subject'] = {
        kind: s.kind,
        name: s.name,
        ...(typeof s.namespace === 'string' ? { namespace: s.namespace } : {}),
        ...(typeof s.container === 'string' ? { container: s.container } : {}),
        ...(typeof s.node === 'string' ? { node: s.node } : {}),
      };
      return {
        probe: typeof f.probe === 'string' ? f.probe : probeId,
        code: f.code,
        severity: f.severity as Severity,
        subject,
        title: typeof f.title === 'string' ? f.title : f.code,
        detail: typeof f.detail === 'string' ? f.detail : '',
      } satisfies RecordedFinding;
    });
    return {
      id: probeId,
      status: p.status as ProbeStatus,
      error: typeof p.error === 'string' ? p.error : null,
      findings,
    };
  });
  const c = isObject(value.cluster) ? value.cluster : {};
  const cluster = {
    context: typeof c.context === 'string' ? c.context : null,
    server: typeof c.server === 'string' ? c.server : null,
  };
  return { generatedAt: value.generatedAt, cluster, probes };
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

/** The diff for a terminal or a ticket: one line per finding, worst first. */
export function renderDiff(diff: ReportDiff): string {
  const line = (f: RecordedFinding) =>
    `${f.severity.toUpperCase()} ${f.code} ${subjectLabel(f.subject)}: ${f.title}`;
  const out: string[] = [`Changes since ${diff.oldGeneratedAt} (now ${diff.newGeneratedAt}):`];
  if (diff.otherCluster) {
    out.push(
      `  note: the earlier report is from API server ${diff.otherCluster.before}, this one from ${diff.otherCluster.after}`,
    );
  }
  out.push(
    `  ${diff.added.length} new, ${diff.resolved.length} resolved, ${diff.changed.length} changed, ${diff.unchanged} unchanged`,
  );
  for (const s of diff.probeStatus) {
    out.push(`probe ${s.probe}: ${s.before} -> ${s.after}${s.error ? ` (${s.error})` : ''}`);
  }
  if (diff.added.length) out.push('', 'New:', ...diff.added.map((f) => `  + ${line(f)}`));
  if (diff.resolved.length) out.push('', 'Resolved:', ...diff.resolved.map((f) => `  - ${line(f)}`));
  if (diff.changed.length) {
    out.push(
      '',
      'Changed:',
      ...diff.changed.map((c) => `  ~ ${c.before.severity.toUpperCase()} -> ${line(c.after)}`),
    );
  }
  // Each line is escaped on its own: a title from the cluster can neither drive the terminal nor
  // forge a line of its own with a newline.
  return secrets.redactText(`${out.map((l) => escapeControls(l)).join('\n')}\n`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
