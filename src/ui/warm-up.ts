import type { Finding } from '../model/finding.js';
import { PROBE_IDS, type ProbeId } from '../model/probe.js';
import { naturalWidths } from './format.js';
import type { ProbeTables, ScreenMemo } from './screen-model.js';
import { INITIAL_TABLE } from './state/navigation.js';
import { type SeverityFilter, sortKeys } from './state/table.js';

/**
 * What opening a probe's screen builds, built ahead (the App runs it in idle time, IdleWork): each
 * probe's tables (tablesFor remembers them until the probe's data or findings change) and its
 * findings by key (a drill-down looks them up), then per table its column widths (remembered per
 * rows array), its rows as a table first shows them (no filter, first sort) and each row's filter
 * text. So the first switch to the images screen, to its 10,000-row findings table, the first drill
 * or filter key find them done. What is remembered is not done twice: a run after a small change
 * redoes only what changed. Steps of one probe's tables, one index or one table's texts: a key waits for one at most.
 */
export function* warmProbeScreens(
  tablesFor: (probe: ProbeId) => ProbeTables,
  findingsOf: (probe: ProbeId) => readonly Finding[],
  memo: ScreenMemo,
  severity: SeverityFilter,
): Generator<ProbeId, void> {
  for (const probe of PROBE_IDS) {
    // What showing the probe's tables takes, in one step (the widths cost little beside the tables,
    // and a first switch of table needs them), then what a drill and a filter key take.
    const built = tablesFor(probe);
    for (const table of built.tables) {
      naturalWidths(table.columns, table.rows);
      const keys = sortKeys(table);
      memo.shownRows(
        table.rows,
        INITIAL_TABLE.filter,
        severity,
        keys[INITIAL_TABLE.sort % keys.length] ?? 'natural',
      );
    }
    yield probe;
    memo.findingsByKey(findingsOf(probe));
    yield probe;
    for (const table of built.tables) {
      memo.rememberFilterTexts(table.rows);
      yield probe;
    }
  }
}
