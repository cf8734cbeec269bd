import { type Finding, findingKey, subjectLabel } from '../model/finding.js';
import type { ViewRow, ViewTable } from './types.js';

/**
 * A finding's row, remembered per finding object: evaluation keeps the objects of findings that did
 * not change, so a re-evaluation under a stream of pod events rebuilds only the rows that moved (and
 * what is remembered per row — its filter text, its cell widths — stays valid). Findings are never
 * mutated; the map holds nothing alive.
 */
const ROWS = new WeakMap<Finding, ViewRow>();

function findingRow(f: Finding): ViewRow {
  let row = ROWS.get(f);
  if (!row) {
    const key = findingKey(f);
    row = {
      key,
      cells: {
        severity: f.severity.toUpperCase(),
        code: f.code,
        subject: subjectLabel(f.subject),
        title: f.title,
      },
      severity: f.severity,
      findingKeys: [key],
    };
    ROWS.set(f, row);
  }
  return row;
}

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
    rows: findings.map(findingRow),
  };
}
