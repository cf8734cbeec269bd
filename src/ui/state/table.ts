import { errorMessage } from '../../core/errors.js';
import { type Severity, severityRank } from '../../model/finding.js';
import type { ViewRow, ViewTable } from '../../views/types.js';

/**
 * Pure table logic behind every screen: filter, severity filter, sort, a cursor keyed by row key
 * and the visible window. Components only call these; tests drive them without Ink.
 */

export type SeverityFilter = 'all' | 'warn+fail' | 'fail';
export const SEVERITY_FILTERS: readonly SeverityFilter[] = ['all', 'warn+fail', 'fail'];

export function nextSeverityFilter(current: SeverityFilter): SeverityFilter {
  const i = SEVERITY_FILTERS.indexOf(current);
  return SEVERITY_FILTERS[(i + 1) % SEVERITY_FILTERS.length] ?? 'all';
}

export function passesSeverity(severity: Severity | undefined, filter: SeverityFilter): boolean {
  if (filter === 'all') return true;
  if (severity === undefined) return false;
  return filter === 'fail' ? severity === 'fail' : severityRank(severity) >= severityRank('warn');
}

export type TextFilter =
  | { readonly ok: true; readonly active: boolean; test(text: string): boolean }
  | { readonly ok: false; readonly error: string };

/** `/` filter text: a case-insensitive regex; a leading `!` keeps the rows that do NOT match. */
export function compileFilter(text: string): TextFilter {
  const invert = text.startsWith('!');
  const source = invert ? text.slice(1) : text;
  if (source === '') return { ok: true, active: false, test: () => true };
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, 'i');
  } catch (err) {
    return {
      ok: false,
      error: `invalid regex: ${errorMessage(err).replace(/^Invalid regular expression: /, '')}`,
    };
  }
  return { ok: true, active: true, test: (t) => pattern.test(t) !== invert };
}

export function rowText(row: ViewRow): string {
  return Object.values(row.cells).join(' ');
}

/** rowText, remembered per row object (rows are immutable: a table is rebuilt when its data changes). */
function rowTextOf(row: ViewRow, texts: WeakMap<ViewRow, string> | undefined): string {
  if (!texts) return rowText(row);
  let text = texts.get(row);
  if (text === undefined) {
    text = rowText(row);
    texts.set(row, text);
  }
  return text;
}

/**
 * Rows passing both filters. In a tree, a matching row keeps its ancestors so it is never shown
 * without the group it belongs to. An invalid regex filters nothing (the error is shown instead).
 */
export function filterRows(
  rows: readonly ViewRow[],
  text: string,
  severity: SeverityFilter,
  texts?: WeakMap<ViewRow, string>,
): readonly ViewRow[] {
  const filter = compileFilter(text);
  const textActive = filter.ok && filter.active;
  if (!textActive && severity === 'all') return rows;
  const out: ViewRow[] = [];
  // Ancestors not yet emitted, by depth.
  const ancestors: (ViewRow | undefined)[] = [];
  const emitted = new Set<ViewRow>();
  for (const row of rows) {
    const depth = row.depth ?? 0;
    ancestors.length = depth;
    const keep =
      passesSeverity(row.severity, severity) &&
      (!textActive || (filter.ok && filter.test(rowTextOf(row, texts))));
    if (keep) {
      for (const a of ancestors) {
        if (a && !emitted.has(a)) {
          out.push(a);
          emitted.add(a);
        }
      }
      out.push(row);
      emitted.add(row);
    }
    ancestors[depth] = row;
  }
  return out;
}

/** Sort keys a table offers to `s`: its natural order, worst first, then each column. */
export function sortKeys(table: Pick<ViewTable, 'columns'>): readonly string[] {
  return ['natural', 'severity', ...table.columns.map((c) => c.key).filter((k) => k !== 'severity')];
}

export function sortLabel(table: Pick<ViewTable, 'columns'>, sortIndex: number): string {
  const key = sortKeys(table)[sortIndex % sortKeys(table).length] ?? 'natural';
  if (key === 'natural' || key === 'severity') return key;
  return table.columns.find((c) => c.key === key)?.title ?? key;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * Sorts rows by a key; trees are sorted among siblings so each group stays under its parent.
 * Stable: equal rows keep their natural order.
 */
export function sortRows(rows: readonly ViewRow[], key: string): readonly ViewRow[] {
  if (key === 'natural') return rows;
  const compare = (a: ViewRow, b: ViewRow): number => {
    if (key === 'severity') {
      return rankOf(b.severity) - rankOf(a.severity);
    }
    return collator.compare(a.cells[key] ?? '', b.cells[key] ?? '');
  };
  interface Node {
    readonly row: ViewRow;
    readonly index: number;
    readonly children: Node[];
  }
  const roots: Node[] = [];
  const stack: Node[] = [];
  rows.forEach((row, index) => {
    const depth = row.depth ?? 0;
    const node: Node = { row, index, children: [] };
    while (stack.length > depth) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else roots.push(node);
    stack.push(node);
  });
  const out: ViewRow[] = [];
  const walk = (nodes: Node[]): void => {
    const sorted = [...nodes].sort((a, b) => compare(a.row, b.row) || a.index - b.index);
    for (const n of sorted) {
      out.push(n.row);
      walk(n.children);
    }
  };
  walk(roots);
  return out;
}

function rankOf(severity: Severity | undefined): number {
  return severity === undefined ? -1 : severityRank(severity);
}

/** The rows a table shows under a filter, severity filter and sort, with their keys and where each key is. */
export interface ShownRows {
  readonly rows: readonly ViewRow[];
  readonly keys: readonly string[];
  /** Index of a row key in `rows`, or -1. */
  indexOf(key: string): number;
}

export function shownRows(
  rows: readonly ViewRow[],
  filter: string,
  severity: SeverityFilter,
  sortKey: string,
  texts?: WeakMap<ViewRow, string>,
): ShownRows {
  const shown = sortRows(filterRows(rows, filter, severity, texts), sortKey);
  const keys = shown.map((r) => r.key);
  let index: Map<string, number> | undefined;
  return {
    rows: shown,
    keys,
    indexOf: (key) => {
      if (!index) {
        index = new Map();
        // First occurrence wins, as keys.indexOf would.
        for (let i = keys.length - 1; i >= 0; i--) index.set(keys[i] as string, i);
      }
      return index.get(key) ?? -1;
    },
  };
}

/** How many filter/sort combinations are remembered per table (typing a filter makes one per key). */
const SHOWN_PER_TABLE = 8;

/**
 * shownRows remembered per rows array and filter, severity filter and sort: a cursor key does not
 * filter, sort and index 10,000 rows again, and neither does going back to an earlier filter.
 * Owned by one TUI (its ScreenMemo); entries go when their table's rows are dropped.
 */
export class ShownRowsMemo {
  private readonly byRows = new WeakMap<readonly ViewRow[], Map<string, ShownRows>>();
  private readonly texts = new WeakMap<ViewRow, string>();

  shown(rows: readonly ViewRow[], filter: string, severity: SeverityFilter, sortKey: string): ShownRows {
    let entries = this.byRows.get(rows);
    if (!entries) {
      entries = new Map();
      this.byRows.set(rows, entries);
    }
    const key = `${severity}\u0000${sortKey}\u0000${filter}`;
    let shown = entries.get(key);
    if (shown) {
      // Most recently used last: the oldest goes first when the map is full.
      entries.delete(key);
    } else {
      shown = shownRows(rows, filter, severity, sortKey, this.texts);
      if (entries.size >= SHOWN_PER_TABLE) entries.delete(entries.keys().next().value as string);
    }
    entries.set(key, shown);
    return shown;
  }

  /** Each row's filter text, worked out ahead (idle time): a first filter key then only tests them. */
  rememberTexts(rows: readonly ViewRow[]): void {
    for (const row of rows) rowTextOf(row, this.texts);
  }
}

/** Where the cursor is: on its row key when that row is still there, else at the old index (clamped). */
export function cursorIndex(
  keys: readonly string[],
  cursorKey: string | undefined,
  fallbackIndex: number,
  indexOf: (key: string) => number = (key) => keys.indexOf(key),
): number {
  if (keys.length === 0) return 0;
  if (cursorKey !== undefined) {
    const i = indexOf(cursorKey);
    if (i >= 0) return i;
  }
  return Math.max(0, Math.min(fallbackIndex, keys.length - 1));
}

export type CursorMove =
  | { readonly kind: 'by'; readonly delta: number }
  | { readonly kind: 'page'; readonly pages: number }
  | { readonly kind: 'top' }
  | { readonly kind: 'bottom' };

export interface Cursor {
  /** The row the cursor is on; undefined only for an empty table. */
  readonly key?: string;
  /** Last known index, used when the keyed row disappears. */
  readonly index: number;
  /** First visible row. */
  readonly scroll: number;
}

export const INITIAL_CURSOR: Cursor = { index: 0, scroll: 0 };

/** Moves the cursor over the rows as shown, keeping it visible in a window of `height` rows. */
export function moveCursor(
  cursor: Cursor,
  keys: readonly string[],
  move: CursorMove,
  height: number,
): Cursor {
  if (keys.length === 0) return { index: 0, scroll: 0 };
  const from = cursorIndex(keys, cursor.key, cursor.index);
  const page = Math.max(1, height);
  let to: number;
  switch (move.kind) {
    case 'by':
      to = from + move.delta;
      break;
    case 'page':
      to = from + move.pages * page;
      break;
    case 'top':
      to = 0;
      break;
    case 'bottom':
      to = keys.length - 1;
      break;
  }
  to = Math.max(0, Math.min(to, keys.length - 1));
  let scroll = cursor.scroll;
  if (move.kind === 'page') scroll += to - from;
  return { key: keys[to], index: to, scroll: visibleScroll(to, scroll, page, keys.length) };
}

/** The first visible row so that `index` is on screen, moving the window as little as possible. */
export function visibleScroll(index: number, scroll: number, height: number, total: number): number {
  const h = Math.max(1, height);
  let s = Math.min(scroll, index);
  if (index >= s + h) s = index - h + 1;
  return Math.max(0, Math.min(s, Math.max(0, total - h)));
}
