import { type Finding, subjectLabel } from '../../model/finding.js';
import { PROBE_IDS, type ProbeId } from '../../model/probe.js';
import type { ViewRow, ViewTable } from '../../views/types.js';
import { parseCommand } from './commands.js';
import {
  type Cursor,
  type CursorMove,
  INITIAL_CURSOR,
  moveCursor,
  nextSeverityFilter,
  type SeverityFilter,
} from './table.js';

/**
 * The whole interaction state of the TUI as one pure reducer: a k9s-like history stack of frames
 * (each keeps its own cursor, scroll, filter and sort, so `esc` returns exactly where you were),
 * plus the input modes. Components map keys to actions; nothing here touches Ink.
 */

export interface TableState {
  readonly cursor: Cursor;
  readonly filter: string;
  readonly sort: number;
}

export const INITIAL_TABLE: TableState = { cursor: INITIAL_CURSOR, filter: '', sort: 0 };

/** Where a drilled-into object came from, to follow it live (it is re-read from the current rows). */
export interface RowRef {
  readonly table: string;
  readonly row: string;
}

export type Frame =
  | { readonly kind: 'overview'; readonly table: TableState }
  | {
      readonly kind: 'probe';
      readonly probe: ProbeId;
      /** Active table id; '' = the first table of the probe. */
      readonly active: string;
      readonly tables: Readonly<Record<string, TableState>>;
    }
  | {
      readonly kind: 'findings';
      readonly probe: ProbeId;
      readonly label: string;
      readonly findingKeys: readonly string[];
      readonly from?: RowRef;
      readonly object?: unknown;
      readonly table: TableState;
    }
  | {
      readonly kind: 'finding';
      readonly probe: ProbeId;
      readonly label: string;
      readonly findingKey: string;
      readonly from?: RowRef;
      readonly object?: unknown;
      readonly scroll: number;
    }
  | {
      readonly kind: 'object';
      readonly probe: ProbeId;
      readonly label: string;
      readonly from?: RowRef;
      readonly object: unknown;
      readonly scroll: number;
    };

export type ProbeFrame = Extract<Frame, { kind: 'probe' }>;
export type Mode = 'normal' | 'command' | 'filter' | 'help' | 'export';

/** Work the reducer asks the app to do (it has the session); cleared with `effectDone`. */
export type Effect =
  | { readonly type: 'quit' }
  | { readonly type: 'export'; readonly format?: string }
  | { readonly type: 'rerun' }
  | { readonly type: 'expect'; readonly file: string };

export interface Message {
  readonly text: string;
  readonly tone: 'info' | 'error';
}

export interface UiState {
  /** Never empty; [0] is always the overview. */
  readonly stack: readonly Frame[];
  readonly mode: Mode;
  /** What is being typed in the command line or the filter. */
  readonly draft: string;
  /** The filter before `/` was pressed, restored by `esc`. */
  readonly filterBefore: string;
  readonly severity: SeverityFilter;
  readonly exportIndex: number;
  /** First line of the `?` help on screen. */
  readonly helpScroll: number;
  readonly message?: Message;
  readonly effect?: Effect;
  /** Each probe screen as last left, so `tab` and `:images` come back to the same row. */
  readonly remembered: Readonly<Partial<Record<ProbeId, ProbeFrame>>>;
  /** `esc` on the overview leaves this screen (one cluster of the fleet: back to the fleet). */
  readonly escapeLeaves?: boolean;
}

export const INITIAL_STATE: UiState = {
  stack: [{ kind: 'overview', table: INITIAL_TABLE }],
  mode: 'normal',
  draft: '',
  filterBefore: '',
  severity: 'all',
  exportIndex: 0,
  helpScroll: 0,
  remembered: {},
};

export type Action =
  /** Cursor move over the rows as shown (`keys`), in a window of `height` rows. */
  | {
      readonly type: 'move';
      readonly move: CursorMove;
      readonly keys: readonly string[];
      readonly height: number;
    }
  /** Scroll a detail screen of `lines` lines. */
  | { readonly type: 'scroll'; readonly move: CursorMove; readonly lines: number; readonly height: number }
  /** Scroll the `?` help of `lines` lines in a window of `height`. */
  | {
      readonly type: 'helpScroll';
      readonly move: CursorMove;
      readonly lines: number;
      readonly height: number;
    }
  | { readonly type: 'push'; readonly frame: Frame }
  | { readonly type: 'back' }
  | { readonly type: 'goto'; readonly probe: ProbeId | 'overview' }
  | { readonly type: 'switchProbe'; readonly delta: number }
  | { readonly type: 'switchTable'; readonly tables: readonly string[]; readonly delta: number }
  | { readonly type: 'openMode'; readonly mode: Exclude<Mode, 'normal'> }
  | { readonly type: 'type'; readonly text: string }
  | { readonly type: 'erase' }
  | { readonly type: 'setDraft'; readonly text: string }
  | { readonly type: 'submit' }
  | { readonly type: 'cancel' }
  | { readonly type: 'cycleSeverity' }
  | { readonly type: 'cycleSort'; readonly count: number }
  | { readonly type: 'exportMove'; readonly delta: number; readonly count: number }
  | { readonly type: 'exportChoose'; readonly format: string }
  | { readonly type: 'requestEffect'; readonly effect: Effect }
  | { readonly type: 'effectDone' }
  | { readonly type: 'message'; readonly message?: Message };

export function top(state: UiState): Frame {
  return state.stack[state.stack.length - 1] ?? { kind: 'overview', table: INITIAL_TABLE };
}

export function currentProbe(state: UiState): ProbeId | undefined {
  const frame = top(state);
  return frame.kind === 'overview' ? undefined : frame.probe;
}

export function probeFrame(probe: ProbeId): ProbeFrame {
  return { kind: 'probe', probe, active: '', tables: {} };
}

/** The table state of the frame on top (for the probe frame: of its active table). */
export function activeTable(frame: Frame): TableState | undefined {
  switch (frame.kind) {
    case 'overview':
    case 'findings':
      return frame.table;
    case 'probe':
      return frame.tables[frame.active] ?? INITIAL_TABLE;
    default:
      return undefined;
  }
}

function withTable(frame: Frame, update: (t: TableState) => TableState): Frame {
  switch (frame.kind) {
    case 'overview':
    case 'findings':
      return { ...frame, table: update(frame.table) };
    case 'probe':
      return {
        ...frame,
        tables: { ...frame.tables, [frame.active]: update(frame.tables[frame.active] ?? INITIAL_TABLE) },
      };
    default:
      return frame;
  }
}

function replaceTop(state: UiState, frame: Frame): UiState {
  const stack = [...state.stack.slice(0, -1), frame];
  return remember({ ...state, stack }, frame);
}

function remember(state: UiState, frame: Frame): UiState {
  return frame.kind === 'probe'
    ? { ...state, remembered: { ...state.remembered, [frame.probe]: frame } }
    : state;
}

function gotoProbe(state: UiState, probe: ProbeId | 'overview'): UiState {
  const overview = state.stack[0] ?? INITIAL_STATE.stack[0];
  if (!overview) return state;
  if (probe === 'overview') return { ...state, stack: [overview] };
  const frame = state.remembered[probe] ?? probeFrame(probe);
  return remember({ ...state, stack: [overview, frame] }, frame);
}

function setFilter(state: UiState, filter: string): UiState {
  const frame = top(state);
  if (!activeTable(frame)) return state;
  // A new filter starts the cursor from the top of what is left.
  return replaceTop(
    state,
    withTable(frame, (t) => ({ ...t, filter, cursor: { ...t.cursor, scroll: 0 } })),
  );
}

export function reduce(state: UiState, action: Action): UiState {
  switch (action.type) {
    case 'move': {
      const frame = top(state);
      if (!activeTable(frame)) return state;
      return replaceTop(
        state,
        withTable(frame, (t) => ({
          ...t,
          cursor: moveCursor(t.cursor, action.keys, action.move, action.height),
        })),
      );
    }
    case 'scroll': {
      const frame = top(state);
      if (frame.kind !== 'finding' && frame.kind !== 'object') return state;
      return replaceTop(state, {
        ...frame,
        scroll: scrollDetail(frame.scroll, action.move, action.lines, action.height),
      });
    }
    case 'helpScroll':
      return {
        ...state,
        helpScroll: scrollDetail(state.helpScroll, action.move, action.lines, action.height),
      };
    case 'push':
      return remember({ ...state, stack: [...state.stack, action.frame], message: undefined }, action.frame);
    case 'back':
      // As in k9s: esc first clears an applied filter, then goes back.
      if (activeTable(top(state))?.filter) return { ...setFilter(state, ''), message: undefined };
      if (state.stack.length <= 1) {
        if (state.message) return { ...state, message: undefined };
        return state.escapeLeaves ? { ...state, effect: { type: 'quit' } } : state;
      }
      return { ...state, stack: state.stack.slice(0, -1), message: undefined };
    case 'goto':
      return { ...gotoProbe(state, action.probe), message: undefined };
    case 'switchProbe': {
      const current = currentProbe(state);
      const order: (ProbeId | 'overview')[] = ['overview', ...PROBE_IDS];
      const i = order.indexOf(current ?? 'overview');
      const next = order[(i + action.delta + order.length) % order.length] ?? 'overview';
      return { ...gotoProbe(state, next), message: undefined };
    }
    case 'switchTable': {
      const frame = top(state);
      if (frame.kind !== 'probe' || action.tables.length === 0) return state;
      const current = frame.active === '' ? 0 : Math.max(0, action.tables.indexOf(frame.active));
      const next =
        action.tables[(current + action.delta + action.tables.length) % action.tables.length] ?? '';
      return replaceTop(state, { ...frame, active: next });
    }
    case 'openMode': {
      if (action.mode === 'filter') {
        const table = activeTable(top(state));
        if (!table) return state;
        return {
          ...state,
          mode: 'filter',
          draft: table.filter,
          filterBefore: table.filter,
          message: undefined,
        };
      }
      return { ...state, mode: action.mode, draft: '', message: undefined, helpScroll: 0 };
    }
    case 'type':
    case 'erase':
    case 'setDraft': {
      const draft =
        action.type === 'type'
          ? state.draft + action.text
          : action.type === 'erase'
            ? state.draft.slice(0, -1)
            : action.text;
      // Filtering is live while typing; the command line runs on enter.
      if (state.mode === 'filter') return { ...setFilter(state, draft), draft };
      return { ...state, draft };
    }
    case 'submit':
      return submit(state);
    case 'cancel':
      if (state.mode === 'filter')
        return { ...setFilter(state, state.filterBefore), mode: 'normal', draft: '' };
      return { ...state, mode: 'normal', draft: '' };
    case 'cycleSeverity':
      return { ...state, severity: nextSeverityFilter(state.severity) };
    case 'cycleSort': {
      const frame = top(state);
      if (!activeTable(frame) || action.count <= 0) return state;
      return replaceTop(
        state,
        withTable(frame, (t) => ({ ...t, sort: (t.sort + 1) % action.count })),
      );
    }
    case 'exportMove':
      return {
        ...state,
        exportIndex: (state.exportIndex + action.delta + action.count) % Math.max(1, action.count),
      };
    case 'exportChoose':
      return { ...state, mode: 'normal', effect: { type: 'export', format: action.format } };
    case 'requestEffect':
      return { ...state, effect: action.effect };
    case 'effectDone':
      return { ...state, effect: undefined };
    case 'message':
      return { ...state, message: action.message };
  }
}

function submit(state: UiState): UiState {
  if (state.mode === 'filter') return { ...state, mode: 'normal', draft: '' };
  if (state.mode !== 'command') return { ...state, mode: 'normal' };
  const normal = { ...state, mode: 'normal' as const, draft: '' };
  const command = parseCommand(state.draft);
  switch (command.type) {
    case 'none':
      return normal;
    case 'overview':
      return gotoProbe(normal, 'overview');
    case 'probe':
      return gotoProbe(normal, command.probe);
    case 'quit':
      return { ...normal, effect: { type: 'quit' } };
    case 'help':
      return { ...normal, mode: 'help', helpScroll: 0 };
    case 'rerun':
      return { ...normal, effect: { type: 'rerun' } };
    case 'expect':
      return { ...gotoProbe(normal, 'readiness'), effect: { type: 'expect', file: command.file } };
    case 'export':
      return command.format
        ? { ...normal, effect: { type: 'export', format: command.format } }
        : { ...normal, mode: 'export' };
    case 'error':
      return { ...normal, message: { text: command.message, tone: 'error' } };
  }
}

export function scrollDetail(scroll: number, move: CursorMove, lines: number, height: number): number {
  const max = Math.max(0, lines - Math.max(1, height));
  let to: number;
  switch (move.kind) {
    case 'by':
      to = scroll + move.delta;
      break;
    case 'page':
      to = scroll + move.pages * Math.max(1, height - 1);
      break;
    case 'top':
      to = 0;
      break;
    case 'bottom':
      to = max;
      break;
  }
  return Math.max(0, Math.min(to, max));
}

export type DrillResult = { readonly frame: Frame } | { readonly message: Message };

/**
 * What `enter` opens from a row: its finding (evidence, remedy, object) when there is one, the list
 * of its findings when there are several, the object itself when the row has no finding.
 */
export function drillFromRow(
  probe: ProbeId,
  table: Pick<ViewTable, 'id' | 'title'>,
  row: ViewRow,
  findingsByKey: ReadonlyMap<string, Finding>,
): DrillResult {
  const keys = (row.findingKeys ?? []).filter((k) => findingsByKey.has(k));
  const from: RowRef = { table: table.id, row: row.key };
  const label = rowLabel(row);
  if (keys.length === 1) {
    const key = keys[0] as string;
    const finding = findingsByKey.get(key);
    return {
      frame: {
        kind: 'finding',
        probe,
        label: finding ? `${finding.code} ${subjectLabel(finding.subject)}` : label,
        findingKey: key,
        from,
        object: row.object,
        scroll: 0,
      },
    };
  }
  if (keys.length > 1) {
    return {
      frame: {
        kind: 'findings',
        probe,
        label,
        findingKeys: keys,
        from,
        object: row.object,
        table: INITIAL_TABLE,
      },
    };
  }
  if (row.object !== undefined)
    return { frame: { kind: 'object', probe, label, from, object: row.object, scroll: 0 } };
  return { message: { text: 'nothing behind this row: no finding and no object', tone: 'info' } };
}

/** A short name for a row in the breadcrumb: its first non-empty cells. */
/**
 * What a drill-down is titled after: the row's first two text cells. Count cells are left out: the
 * table title already says how many ("Findings of nginx:1.25.3 (2)", not "… 2 (2)").
 */
export function rowLabel(row: ViewRow): string {
  const text = Object.entries(row.cells)
    .filter(([k, v]) => k !== 'severity' && v.trim() !== '' && !/^\d+$/.test(v.trim()))
    .slice(0, 2)
    .map(([, v]) => v.trim())
    .join(' ');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text || row.key;
}
