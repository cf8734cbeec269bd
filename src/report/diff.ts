import { secrets } from '../core/redact.js';
import { escapeControls } from '../core/sanitize.js';
import { subjectLabel } from '../model/finding.js';
import type { RecordedFinding, ReportDiff } from '../model/report-diff.js';
import { renderRedactedJson } from './json.js';

/** The version of the JSON diff, described by schema/diff.schema.json. */
export const DIFF_SCHEMA_VERSION = 1;

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
  const notChecked = diff.notChecked.length ? `, ${diff.notChecked.length} not checked this time` : '';
  out.push(
    `  ${diff.added.length} new, ${diff.resolved.length} resolved, ${diff.changed.length} changed${notChecked}, ${diff.unchanged} unchanged`,
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
  if (diff.notChecked.length) {
    out.push(
      '',
      'Not checked this time (neither resolved nor still there):',
      ...diff.notChecked.map((n) => `  ? ${line(n.finding)} [${n.reason}]`),
    );
  }
  // Each line is escaped on its own: a title from the cluster can neither drive the terminal nor
  // forge a line of its own with a newline.
  return secrets.redactText(`${out.map((l) => escapeControls(l)).join('\n')}\n`);
}

/** A finding as the JSON diff carries it: what identifies and explains it, not its evidence. */
function diffFinding(f: RecordedFinding) {
  return {
    probe: f.probe,
    code: f.code,
    severity: f.severity,
    subject: f.subject,
    title: f.title,
    detail: f.detail,
  };
}

/**
 * The diff for machines (`report --diff OLD.json -o json`): new, resolved, changed and not-checked
 * findings and probe status changes, described by schema/diff.schema.json. Data exactly, as the
 * JSON report: redacted, controls escaped.
 */
export function renderDiffJson(diff: ReportDiff): string {
  const value = {
    schemaVersion: DIFF_SCHEMA_VERSION,
    kind: 'airgap-top-report-diff',
    before: { generatedAt: diff.oldGeneratedAt },
    after: { generatedAt: diff.newGeneratedAt },
    otherCluster: diff.otherCluster ?? null,
    summary: {
      new: diff.added.length,
      resolved: diff.resolved.length,
      changed: diff.changed.length,
      notChecked: diff.notChecked.length,
      unchanged: diff.unchanged,
    },
    new: diff.added.map(diffFinding),
    resolved: diff.resolved.map(diffFinding),
    changed: diff.changed.map((c) => ({ before: diffFinding(c.before), after: diffFinding(c.after) })),
    notChecked: diff.notChecked.map((n) => ({ finding: diffFinding(n.finding), reason: n.reason })),
    probes: diff.probeStatus.map((s) => ({
      id: s.probe,
      before: s.before,
      after: s.after,
      error: s.error,
    })),
  };
  return renderRedactedJson(value);
}
