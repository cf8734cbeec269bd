import type { ProbeResult } from '../../model/evaluate.js';
import type { Finding } from '../../model/finding.js';
import { type ProbeId, probeCommand } from '../../model/probe.js';
import type { ViewRow } from '../../views/types.js';
import type { Screen } from '../derive.js';
import { findingsByKey, type ScreenMemo } from '../screen-model.js';
import { completeCommand } from './commands.js';
import {
  type CommandId,
  helpLines,
  type KeyPress,
  probeOfCommand,
  resolveKey,
  type ViewKind,
} from './keys.js';
import { type Action, drillFromRow, INITIAL_TABLE, type UiState } from './navigation.js';
import type { CursorMove } from './table.js';

/**
 * Maps one key press to reducer actions, given the state and the screen as shown. Pure, so every
 * key of every mode is tested as data; the App only feeds keys in and actions to the reducer.
 */

export interface InputContext {
  readonly screen: Screen;
  readonly results: readonly ProbeResult[];
  readonly exportFormats: readonly string[];
  /** The App's memo, so a key press does not re-index 10,000 findings; without it they are indexed afresh. */
  readonly memo?: ScreenMemo;
  /** Rows the `?` help has on screen (it scrolls within them). */
  readonly helpHeight?: number;
}

/** Help lines shown at once in a body of `height` rows: one row is kept for the "more" line. */
export function helpWindow(height = 20): number {
  return Math.max(1, height - 1);
}

export function viewKind(screen: Screen): ViewKind {
  return screen.kind === 'detail' ? 'detail' : screen.kind;
}

const MOVES: Partial<Record<CommandId, CursorMove>> = {
  up: { kind: 'by', delta: -1 },
  down: { kind: 'by', delta: 1 },
  pageUp: { kind: 'page', pages: -1 },
  pageDown: { kind: 'page', pages: 1 },
  top: { kind: 'top' },
  bottom: { kind: 'bottom' },
};

const QUIT: Action = { type: 'requestEffect', effect: { type: 'quit' } };

export function actionsForKey(state: UiState, press: KeyPress, ctx: InputContext): Action[] {
  const { input, key } = press;
  if (key.ctrl && input === 'c') return [QUIT];
  switch (state.mode) {
    case 'command':
    case 'filter':
      if (key.return) return [{ type: 'submit' }];
      if (key.escape) return [{ type: 'cancel' }];
      if (key.tab)
        return state.mode === 'command' ? [{ type: 'setDraft', text: completeCommand(state.draft) }] : [];
      if (key.backspace || key.delete) return [{ type: 'erase' }];
      if (input && !key.ctrl && !key.meta && isPrintable(input)) return [{ type: 'type', text: input }];
      return [];
    case 'help': {
      if (key.escape || input === '?' || input === 'q' || key.return) return [{ type: 'cancel' }];
      const command = resolveKey('detail', press);
      const move = command ? MOVES[command] : undefined;
      if (!move) return [];
      const lines = helpLines(viewKind(ctx.screen)).length;
      return [{ type: 'helpScroll', move, lines, height: helpWindow(ctx.helpHeight) }];
    }
    case 'export': {
      const count = ctx.exportFormats.length;
      if (key.escape || input === 'q') return [{ type: 'cancel' }];
      if (key.downArrow || input === 'j' || key.tab) return [{ type: 'exportMove', delta: 1, count }];
      if (key.upArrow || input === 'k') return [{ type: 'exportMove', delta: -1, count }];
      if (key.return)
        return [{ type: 'exportChoose', format: ctx.exportFormats[state.exportIndex] ?? 'json' }];
      if (/^[1-9]$/.test(input)) {
        const format = ctx.exportFormats[Number(input) - 1];
        return format ? [{ type: 'exportChoose', format }] : [];
      }
      return [];
    }
    case 'normal':
      return normalKey(state, press, ctx);
  }
}

function normalKey(state: UiState, press: KeyPress, ctx: InputContext): Action[] {
  const { screen } = ctx;
  const command = resolveKey(viewKind(screen), press);
  if (!command) return [];
  const move = MOVES[command];
  if (move) {
    if (screen.kind === 'detail')
      return [{ type: 'scroll', move, lines: screen.lines.length, height: screen.height }];
    return [{ type: 'move', move, keys: screen.keys, height: screen.pageHeight }];
  }
  const probe = probeOfCommand(command);
  if (probe) return [{ type: 'goto', probe }];
  switch (command) {
    case 'enter':
      return drill(state, ctx);
    case 'back':
      return [{ type: 'back' }];
    case 'nextTable':
    case 'prevTable':
      return screen.kind === 'probe'
        ? [{ type: 'switchTable', tables: screen.tableIds, delta: command === 'nextTable' ? 1 : -1 }]
        : [];
    case 'overview':
      return [{ type: 'goto', probe: 'overview' }];
    case 'nextProbe':
    case 'prevProbe':
      return [{ type: 'switchProbe', delta: command === 'nextProbe' ? 1 : -1 }];
    case 'command':
      return [{ type: 'openMode', mode: 'command' }];
    case 'filter':
      return [{ type: 'openMode', mode: 'filter' }];
    case 'severity':
      return [{ type: 'cycleSeverity' }];
    case 'sort':
      return screen.kind === 'detail' ? [] : [{ type: 'cycleSort', count: screen.sortCount }];
    case 'export':
      return [{ type: 'openMode', mode: 'export' }];
    case 'rerun':
      return [{ type: 'requestEffect', effect: { type: 'rerun' } }];
    case 'help':
      return [{ type: 'openMode', mode: 'help' }];
    case 'quit':
      return [QUIT];
    default:
      return [];
  }
}

/** `enter`: from the overview into a probe or a top finding; from a row into its finding(s) or object. */
function drill(state: UiState, ctx: InputContext): Action[] {
  const { screen, results } = ctx;
  const byKey = (findings: readonly Finding[]) =>
    ctx.memo?.findingsByKey(findings) ?? findingsByKey(findings);
  if (screen.kind === 'overview') {
    const index =
      screen.probes.cursor >= 0 ? screen.probes.cursor : screen.probes.rows.length + screen.failures.cursor;
    const key = screen.keys[index];
    if (!key) return [];
    if (key.startsWith('probe:')) return [{ type: 'goto', probe: key.slice('probe:'.length) as ProbeId }];
    if (key.startsWith('group:')) return drillGroup(screen.failures.rows, key);
    const fk = key.slice('finding:'.length);
    const finding = findFinding(results, fk, byKey);
    if (!finding) return [];
    return [
      {
        type: 'push',
        frame: {
          kind: 'finding',
          probe: finding.probe,
          label: `${probeCommand(finding.probe)}: ${finding.code} ${finding.subject.name}`,
          findingKey: fk,
          scroll: 0,
        },
      },
    ];
  }
  if (screen.kind !== 'probe' && screen.kind !== 'findings') return [];
  const row = screen.pane.rows[screen.pane.cursor];
  if (!row) return [];
  const result = results.find((r) => r.id === screen.probe);
  const drilled = drillFromRow(screen.probe, screen.pane.table, row, byKey(result?.findings ?? []));
  if ('message' in drilled) return [{ type: 'message', message: drilled.message }];
  const parent = state.stack[state.stack.length - 1];
  let frame = drilled.frame;
  // From a findings list, the finding keeps the object of the row that led there.
  if (parent?.kind === 'findings' && frame.kind === 'finding') {
    frame = { ...frame, from: parent.from, object: parent.object };
  }
  return [{ type: 'push', frame }];
}

/** A row that stands for several findings (pods of one workload): the list of them, then each one. */
function drillGroup(rows: readonly ViewRow[], key: string): Action[] {
  const row = rows.find((r) => r.key === key);
  const probe = key.split(':')[1] as ProbeId;
  if (!row?.findingKeys?.length) return [];
  return [
    {
      type: 'push',
      frame: {
        kind: 'findings',
        probe,
        label: `${probeCommand(probe)}: ${row.cells.code ?? ''} ${row.cells.subject ?? ''}`,
        findingKeys: row.findingKeys,
        table: INITIAL_TABLE,
      },
    },
  ];
}

function findFinding(
  results: readonly ProbeResult[],
  key: string,
  byKey: (findings: readonly Finding[]) => ReadonlyMap<string, Finding>,
): Finding | undefined {
  for (const r of results) {
    const f = byKey(r.findings).get(key);
    if (f) return f;
  }
  return undefined;
}

function isPrintable(input: string): boolean {
  for (let i = 0; i < input.length; i++) if (input.charCodeAt(i) < 32) return false;
  return true;
}

/**
 * Ink hands a run of plain characters that arrived together (a paste, tmux send-keys) to the input
 * handler as one string; a person's keys are one at a time. Split it so `/nginx⏎` filters as typed.
 */
export function splitKeys(input: string): KeyPress[] {
  const presses: KeyPress[] = [];
  for (const ch of input) {
    const code = ch.charCodeAt(0);
    if (ch === '\r' || ch === '\n') presses.push({ input: '', key: { return: true } });
    else if (ch === '\t') presses.push({ input: '', key: { tab: true } });
    else if (ch === '\u007f' || ch === '\b') presses.push({ input: '', key: { backspace: true } });
    else if (code < 32) presses.push({ input: String.fromCharCode(code + 96), key: { ctrl: true } });
    else presses.push({ input: ch, key: /[A-Z]/.test(ch) ? { shift: true } : {} });
  }
  return presses;
}
