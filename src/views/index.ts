import { type Finding, findingKey, subjectLabel } from '../model/finding.js';
import type { ViewTable } from './types.js';

/** The generic table of findings: every probe has it, whatever its own tables are. */
export function findingsTable(findings: readonly Finding[]): ViewTable {
  return {
    id: 'findings',
    title: 'Findings',
    columns: [
      { key: 'severity', title: 'SEV', width: 5 },
      { key: 'code', title: 'CODE', width: 9 },
      { key: 'subject', title: 'SUBJECT', width: 48, truncate: 'middle' },
      { key: 'title', title: 'FINDING' },
    ],
    rows: findings.map((f) => ({
      key: findingKey(f),
      cells: {
        severity: f.severity.toUpperCase(),
        code: f.code,
        subject: subjectLabel(f.subject),
        title: f.title,
      },
      severity: f.severity,
      findingKeys: [findingKey(f)],
    })),
  };
}
