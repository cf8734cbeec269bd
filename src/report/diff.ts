import { secrets } from '../core/redact.js';
import { escapeControls } from '../core/sanitize.js';
import { subjectLabel } from '../model/finding.js';
import type { RecordedFinding, ReportDiff } from '../model/report-diff.js';

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
