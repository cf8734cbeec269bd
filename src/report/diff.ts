import { subjectLabel } from '../model/finding.js';
import { secrets } from '../model/redact.js';
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
  return secrets.redactText(`${out.join('\n')}\n`);
}
