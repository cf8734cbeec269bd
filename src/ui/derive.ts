import { createViews } from '../app/probe-registry.js';
import type { Config } from '../model/config.js';
import type { ProbeResult } from '../model/evaluate.js';
import { isStale, liveWords } from '../model/live.js';
import { type ProbeId, probeCommand } from '../model/probe.js';
import type { StoreSnapshot } from '../model/store.js';
import { findingsTable } from '../views/index.js';
import { PROBE_STATUS_WORDS } from '../views/probe-status.js';
import type { ViewRow, ViewTable } from '../views/types.js';
import { findingDetailLines, type Line, objectDetailLines, wrapLine } from './format.js';
import { liveObject, objectForFinding, type ProbeTables, probeTables, ScreenMemo } from './screen-model.js';
import { activeTable, type Frame, INITIAL_TABLE, type TableState, type UiState } from './state/navigation.js';
import {
  compileFilter,
  cursorIndex,
  type SeverityFilter,
  shownRows,
  sortKeys,
  sortLabel,
} from './state/table.js';

/**
 * What the screen on top of the stack shows, derived purely from the UI state and the store:
 * the rows as filtered and sorted, where the cursor is, and how many lines everything takes.
 * Key handling uses the same derivation, so a key always acts on what is on screen.
 */

/** Lines a table needs around its rows: title, header, footer. */
export function tableChrome(table: Pick<ViewTable, 'footer'>): number {
  return 2 + (table.footer ? 1 : 0);
}

export interface Layout {
  readonly width: number;
  /** Lines for the body (between the navigation lines and the status/hint lines). */
  readonly bodyHeight: number;
}

export interface TablePane {
  readonly table: ViewTable;
  readonly rows: readonly ViewRow[];
  /** The rows' keys, in order (remembered with the rows). */
  readonly keys: readonly string[];
  readonly cursor: number;
  readonly start: number;
  readonly height: number;
  readonly status: string;
  readonly problem?: string;
  readonly empty?: string;
}

export type Screen =
  | {
      readonly kind: 'overview';
      readonly probes: TablePane;
      /** Probes in error, each with its full reason (the table cell is too short for it). */
      readonly problems: readonly Line[];
      readonly failures: TablePane;
      /** Cursor keys over both tables: probe rows, then failure rows. */
      readonly keys: readonly string[];
      readonly pageHeight: number;
      readonly sortCount: number;
    }
  | {
      readonly kind: 'probe';
      readonly probe: ProbeId;
      readonly result?: ProbeResult;
      readonly statusLines: readonly Line[];
      readonly tabs: readonly {
        readonly id: string;
        readonly title: string;
        readonly count: number;
        readonly active: boolean;
      }[];
      readonly pane: TablePane;
      readonly keys: readonly string[];
      readonly pageHeight: number;
      readonly sortCount: number;
      readonly tableIds: readonly string[];
    }
  | {
      readonly kind: 'findings';
      readonly probe: ProbeId;
      readonly pane: TablePane;
      readonly keys: readonly string[];
      readonly pageHeight: number;
      readonly sortCount: number;
    }
  | {
      readonly kind: 'detail';
      readonly probe: ProbeId;
      readonly lines: readonly Line[];
      readonly scroll: number;
      readonly height: number;
    };

export interface DeriveInput {
  readonly state: UiState;
  readonly results: readonly ProbeResult[];
  readonly snapshot: StoreSnapshot;
  readonly config: Config;
  readonly now: Date;
  readonly layout: Layout;
  /** Memoised per probe by the caller; defaults to building the tables afresh. */
  readonly tablesFor?: (probe: ProbeId) => ProbeTables;
  /** The caller's memo (the App keeps one); defaults to a fresh one, so nothing is remembered. */
  readonly memo?: ScreenMemo;
}

function tableStatus(
  table: ViewTable,
  t: TableState,
  severity: SeverityFilter,
): { status: string; problem?: string } {
  const parts: string[] = [];
  const filter = compileFilter(t.filter);
  if (t.filter) parts.push(`filter /${t.filter}/`);
  if (severity !== 'all') parts.push(`severity ${severity}`);
  const sort = sortLabel(table, t.sort);
  if (sort !== 'natural') parts.push(`sort ${sort}`);
  return { status: parts.join('  '), problem: filter.ok ? undefined : filter.error };
}

export function paneFor(
  table: ViewTable,
  t: TableState,
  severity: SeverityFilter,
  height: number,
  empty?: string,
  memo?: ScreenMemo,
): TablePane {
  const key = sortKeys(table)[t.sort % sortKeys(table).length] ?? 'natural';
  // Remembered per table and filter: a cursor key re-derives the screen without re-filtering it.
  const shown = memo
    ? memo.shownRows(table.rows, t.filter, severity, key)
    : shownRows(table.rows, t.filter, severity, key);
  const { rows, keys } = shown;
  const { status, problem } = tableStatus(table, t, severity);
  const rowsHeight = Math.max(1, height - tableChrome(table) - (problem ? 1 : 0));
  const cursor = cursorIndex(keys, t.cursor.key, t.cursor.index, shown.indexOf);
  const start = Math.max(
    0,
    Math.min(visibleStart(cursor, t.cursor.scroll, rowsHeight), Math.max(0, rows.length - rowsHeight)),
  );
  return { table, rows, keys, cursor: rows.length ? cursor : -1, start, height, status, problem, empty };
}

function visibleStart(index: number, scroll: number, height: number): number {
  let s = Math.min(scroll, index);
  if (index >= s + height) s = index - height + 1;
  return Math.max(0, s);
}

export function rowsHeightOf(pane: TablePane): number {
  return Math.max(1, pane.height - tableChrome(pane.table) - (pane.problem ? 1 : 0));
}

/** Lines above a probe's table: what state it is in, the error and what to try, progress. */
export function probeStatusLines(
  result: ProbeResult | undefined,
  width: number,
  now: Date = new Date(),
): Line[] {
  if (!result) return [{ text: 'not enabled', tone: 'dim' }];
  const p = result.progress;
  const progress =
    p && p.total > 0
      ? `${progressBar(p.done, p.total, 20)} ${p.done}/${p.total}${p.failed ? `, ${p.failed} failed` : ''}${p.label ? `  ${p.label}` : ''}`
      : p?.label
        ? p.label
        : '';
  const updated = result.updatedAt ? `updated ${result.updatedAt.slice(11, 19)}` : '';
  const live = result.live ? `live: ${liveWords(result.live, { now, updatedAt: result.updatedAt })}` : '';
  switch (result.status) {
    case 'loading':
      return [{ text: `loading: waiting for the first sync…  ${progress}`.trimEnd(), tone: 'info' }];
    case 'error': {
      const lines = wrapLine(`ERROR  ${result.message ?? 'the probe could not read its source'}`, width).map(
        (text): Line => ({ text, tone: 'error' }),
      );
      const tryText = result.bug
        ? 'What to try: report it with the log (--log FILE); the other probes keep working.'
        : 'What to try: fix the cause above, then press r to re-run (one-shot probes) or wait for the watch to reconnect.';
      return [...lines.slice(0, 3), { text: tryText, tone: 'dim' }];
    }
    case 'not-applicable':
      return wrapLine(
        `not applicable: ${result.message ?? 'this cluster does not have what the probe reads'}`,
        width,
      )
        .slice(0, 2)
        .map((text): Line => ({ text, tone: 'dim' }));
    case 'ready':
      return [
        {
          text: ['ready', updated, live, progress].filter(Boolean).join('  '),
          tone: isStale(result.live) ? 'warn' : 'pass',
        },
      ];
  }
}

export function progressBar(done: number, total: number, width: number): string {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

export function derive(input: DeriveInput): Screen {
  const { state, layout } = input;
  const frame = state.stack[state.stack.length - 1] ?? state.stack[0];
  const tablesFor = input.tablesFor ?? freshTables(input);
  return deriveFrame(frame as Frame, input, tablesFor, layout, input.memo ?? new ScreenMemo());
}

/** Tables built afresh, by views of their own (when the caller keeps no tables). */
function freshTables(input: DeriveInput): (probe: ProbeId) => ProbeTables {
  const views = createViews();
  return (probe) =>
    probeTables(probe, resultOf(input.results, probe), input.snapshot, input.config, input.now, views);
}

function resultOf(results: readonly ProbeResult[], probe: ProbeId): ProbeResult | undefined {
  return results.find((r) => r.id === probe);
}

function deriveFrame(
  frame: Frame,
  input: DeriveInput,
  tablesFor: (p: ProbeId) => ProbeTables,
  layout: Layout,
  memo: ScreenMemo,
): Screen {
  const { state, results } = input;
  const severity = state.severity;
  switch (frame.kind) {
    case 'overview': {
      const { probes, failures } = memo.overviewTables(results, input.now);
      const probesPane = paneFor(
        probes,
        { ...INITIAL_TABLE },
        'all',
        tableChrome(probes) + probes.rows.length,
        undefined,
        memo,
      );
      const problems: Line[] = results
        .filter((r) => r.status === 'error')
        .flatMap((r) =>
          wrapLine(`${probeCommand(r.id)}: ${r.message ?? 'error'}`, layout.width)
            .slice(0, 2)
            .map((text): Line => ({ text, tone: 'error' })),
        );
      const failuresHeight = Math.max(3, layout.bodyHeight - probesPane.height - 1 - problems.length);
      const n = probes.rows.length;
      const empty = results.some((r) => r.status === 'loading')
        ? 'no failures so far (probes still loading)'
        : 'no failures or warnings';
      const shown = paneFor(failures, INITIAL_TABLE, severity, failuresHeight, empty, memo);
      const keys = [...probesPane.keys, ...shown.keys];
      const index = cursorIndex(keys, frame.table.cursor.key, frame.table.cursor.index);
      const onProbes = index < n;
      const failuresPane = paneFor(
        failures,
        {
          ...frame.table,
          cursor: {
            key: onProbes ? undefined : keys[index],
            index: onProbes ? 0 : index - n,
            scroll: Math.max(0, frame.table.cursor.scroll - n),
          },
        },
        severity,
        failuresHeight,
        empty,
        memo,
      );
      return {
        kind: 'overview',
        probes: { ...probesPane, cursor: onProbes ? index : -1 },
        problems,
        failures: { ...failuresPane, cursor: onProbes ? -1 : failuresPane.cursor },
        keys,
        pageHeight: rowsHeightOf(failuresPane),
        sortCount: sortKeys(failures).length,
      };
    }
    case 'probe': {
      const result = resultOf(results, frame.probe);
      const built = tablesFor(frame.probe);
      const statusLines = probeStatusLines(result, layout.width, input.now);
      const problemLines: Line[] = built.ok ? [] : [{ text: built.error, tone: 'error' }];
      const allStatus = [...statusLines, ...problemLines];
      const active = built.tables.find((t) => t.id === frame.active) ?? built.tables[0];
      const tabsLine = built.tables.length > 1 ? 1 : 0;
      const height = Math.max(4, layout.bodyHeight - allStatus.length - tabsLine);
      const t = activeTable(frame) ?? INITIAL_TABLE;
      const table = active ?? findingsTable([]);
      const emptyText = result ? PROBE_STATUS_WORDS[result.status].empty : undefined;
      const pane = paneFor(table, t, severity, height, emptyText, memo);
      return {
        kind: 'probe',
        probe: frame.probe,
        result,
        statusLines: allStatus,
        tabs: built.tables.map((tb) => ({
          id: tb.id,
          title: tb.title,
          count: tb.rows.length,
          active: tb === table,
        })),
        pane,
        keys: pane.keys,
        pageHeight: rowsHeightOf(pane),
        sortCount: sortKeys(table).length,
        tableIds: built.tables.map((tb) => tb.id),
      };
    }
    case 'findings': {
      const result = resultOf(results, frame.probe);
      const table = memo.framedFindingsTable(result?.findings ?? [], frame.findingKeys, frame.label);
      const pane = paneFor(
        table,
        frame.table,
        severity,
        layout.bodyHeight,
        'these findings are resolved now',
        memo,
      );
      return {
        kind: 'findings',
        probe: frame.probe,
        pane,
        keys: pane.keys,
        pageHeight: rowsHeightOf(pane),
        sortCount: sortKeys(table).length,
      };
    }
    case 'finding': {
      const result = resultOf(results, frame.probe);
      const finding = memo.findingsByKey(result?.findings ?? []).get(frame.findingKey);
      const tables = tablesFor(frame.probe).tables;
      const live = liveObject(tables, frame.from, frame.object ?? objectForFinding(tables, frame.findingKey));
      const object = live.object ?? objectForFinding(tables, frame.findingKey);
      const lines: Line[] = finding
        ? findingDetailLines(finding, object, layout.width, live.gone)
        : [
            { text: `${frame.label}: resolved (no longer reported by the probe)`, tone: 'pass' },
            { text: '', tone: 'plain' },
            ...(object !== undefined ? objectDetailLines(object, layout.width, live.gone) : []),
          ];
      return {
        kind: 'detail',
        probe: frame.probe,
        lines,
        scroll: frame.scroll,
        height: layout.bodyHeight - 1,
      };
    }
    case 'object': {
      const tables = tablesFor(frame.probe).tables;
      const live = liveObject(tables, frame.from, frame.object);
      const lines = objectDetailLines(live.object ?? frame.object, layout.width, live.gone);
      return {
        kind: 'detail',
        probe: frame.probe,
        lines,
        scroll: frame.scroll,
        height: layout.bodyHeight - 1,
      };
    }
  }
}

/** Breadcrumb of the stack: overview › images › Findings of … › IMG-002 Pod ns/p [c]. */
export function breadcrumb(stack: readonly Frame[], titles: (probe: ProbeId) => string): string {
  const parts: string[] = [];
  for (const f of stack) {
    if (f.kind === 'overview') parts.push('overview');
    else if (f.kind === 'probe') parts.push(titles(f.probe));
    else parts.push(f.label);
  }
  return parts.join(' › ');
}
