import { PROBE_IDS, PROBE_META, type ProbeId } from '../../model/probe.js';
import { COMMANDS } from './commands.js';
import type { Mode } from './navigation.js';

/**
 * One key table per view (as k9s does): it maps key presses to commands AND generates the hint bar
 * and the `?` help, so what is documented is exactly what works.
 */

/** The subset of Ink's `Key` the tables read (tests build these by hand). */
export interface KeyFlags {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly home?: boolean;
  readonly end?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly ctrl?: boolean;
  readonly shift?: boolean;
  readonly tab?: boolean;
  readonly backspace?: boolean;
  readonly delete?: boolean;
  readonly meta?: boolean;
}

export interface KeyPress {
  readonly input: string;
  readonly key: KeyFlags;
}

export type CommandId =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'enter'
  | 'back'
  | 'nextTable'
  | 'prevTable'
  | 'nextProbe'
  | 'prevProbe'
  | 'overview'
  /** The number key of the Nth probe (1-based, PROBE_IDS order): see probeOfCommand. */
  | `probe${number}`
  | 'command'
  | 'filter'
  | 'severity'
  | 'sort'
  | 'export'
  | 'rerun'
  | 'help'
  | 'quit';

export interface KeyBinding {
  /** How the key is written in help and hints. */
  readonly label: string;
  readonly help: string;
  /** Shown in the one-line hint bar (short), when set. */
  readonly hint?: string;
  readonly command: CommandId;
  readonly match: (press: KeyPress) => boolean;
}

const plain = (press: KeyPress): boolean => !press.key.ctrl && !press.key.meta;
const char =
  (...chars: string[]) =>
  (press: KeyPress): boolean =>
    plain(press) && chars.includes(press.input);
const flag =
  (name: keyof KeyFlags, extra?: (p: KeyPress) => boolean) =>
  (press: KeyPress): boolean =>
    press.key[name] === true && (extra ? extra(press) : true);
const any =
  (...matchers: ((p: KeyPress) => boolean)[]) =>
  (press: KeyPress): boolean =>
    matchers.some((m) => m(press));
const ctrl =
  (c: string) =>
  (press: KeyPress): boolean =>
    press.key.ctrl === true && press.input === c;

const MOVE: readonly KeyBinding[] = [
  { label: 'j ↓', help: 'down', hint: 'j/k move', command: 'down', match: any(char('j'), flag('downArrow')) },
  { label: 'k ↑', help: 'up', command: 'up', match: any(char('k'), flag('upArrow')) },
  {
    label: 'PgDn ^f ^d',
    help: 'page down',
    command: 'pageDown',
    match: any(flag('pageDown'), ctrl('f'), ctrl('d')),
  },
  {
    label: 'PgUp ^b ^u',
    help: 'page up',
    command: 'pageUp',
    match: any(flag('pageUp'), ctrl('b'), ctrl('u')),
  },
  { label: 'g Home', help: 'first row', command: 'top', match: any(char('g'), flag('home')) },
  { label: 'G End', help: 'last row', command: 'bottom', match: any(char('G'), flag('end')) },
];

/** 1..N: one number key per probe, in screen order, from the probe registry. */
const PROBE_KEYS: readonly KeyBinding[] = PROBE_IDS.map((id, i) => ({
  label: String(i + 1),
  help: PROBE_META[id].keyHelp,
  hint: i === 0 ? `1-${PROBE_IDS.length} probes` : undefined,
  command: `probe${i + 1}` as const,
  match: char(String(i + 1)),
}));

const PROBE_OF_COMMAND: ReadonlyMap<CommandId, ProbeId> = new Map(
  PROBE_IDS.map((id, i) => [`probe${i + 1}` as const, id]),
);

/** The probe a number-key command goes to; undefined for every other command. */
export function probeOfCommand(command: CommandId): ProbeId | undefined {
  return PROBE_OF_COMMAND.get(command);
}

const NAVIGATE: readonly KeyBinding[] = [
  { label: '0', help: 'overview', command: 'overview', match: char('0') },
  ...PROBE_KEYS,
  {
    label: 'tab',
    help: 'next screen (overview, then each probe)',
    command: 'nextProbe',
    match: (p) => p.key.tab === true && p.key.shift !== true,
  },
  {
    label: 'shift-tab',
    help: 'previous screen',
    command: 'prevProbe',
    match: (p) => p.key.tab === true && p.key.shift === true,
  },
  {
    label: ':',
    help: `command line (${[...COMMANDS.filter((c) => c.kind === 'probe'), ...COMMANDS.filter((c) => c.kind === 'overview')].map((c) => `:${c.name}`).join(' ')} :q)`,
    hint: ': cmd',
    command: 'command',
    match: char(':'),
  },
];

const TABLE: readonly KeyBinding[] = [
  {
    label: 'enter',
    help: 'drill into the row: its findings, evidence, remedy, object',
    hint: '⏎ drill',
    command: 'enter',
    match: flag('return'),
  },
  {
    label: '/',
    help: 'filter rows (regex; a leading ! inverts)',
    hint: '/ filter',
    command: 'filter',
    match: char('/'),
  },
  {
    label: 'f',
    help: 'severity filter: all → warn+fail → fail',
    hint: 'f sev',
    command: 'severity',
    match: char('f'),
  },
  {
    label: 's',
    help: 'sort: natural → severity → each column',
    hint: 's sort',
    command: 'sort',
    match: char('s'),
  },
];

const TABLES: readonly KeyBinding[] = [
  {
    label: 'l →  ]',
    help: 'next table of this probe',
    hint: '←/→ table',
    command: 'nextTable',
    match: any(char('l', ']'), flag('rightArrow')),
  },
  {
    label: 'h ←  [',
    help: 'previous table of this probe',
    command: 'prevTable',
    match: any(char('h', '['), flag('leftArrow')),
  },
];

const BACK: KeyBinding = {
  label: 'esc',
  help: 'clear the filter, else back to where you were',
  hint: 'esc back',
  command: 'back',
  match: flag('escape'),
};

const GLOBAL: readonly KeyBinding[] = [
  {
    label: 'ctrl-s',
    help: 'export the current report (choose format)',
    hint: '^s export',
    command: 'export',
    match: ctrl('s'),
  },
  {
    label: 'r',
    help: 're-run one-shot probes (SSH sweep, vCenter; asks again for a password not given or refused)',
    command: 'rerun',
    match: char('r'),
  },
  { label: '?', help: 'this help', hint: '? help', command: 'help', match: char('?') },
  { label: 'q ctrl-c', help: 'quit', hint: 'q quit', command: 'quit', match: any(char('q'), ctrl('c')) },
];

export type ViewKind = 'overview' | 'probe' | 'findings' | 'detail';

export const KEY_TABLES: Readonly<Record<ViewKind, readonly KeyBinding[]>> = {
  overview: [...TABLE.slice(0, 1), ...NAVIGATE, ...TABLE.slice(1), ...MOVE, ...GLOBAL],
  probe: [...TABLE, ...TABLES, BACK, ...NAVIGATE, ...MOVE, ...GLOBAL],
  findings: [...TABLE, BACK, ...NAVIGATE, ...MOVE, ...GLOBAL],
  detail: [BACK, ...MOVE, ...NAVIGATE, ...GLOBAL],
};

export function resolveKey(view: ViewKind, press: KeyPress): CommandId | undefined {
  return KEY_TABLES[view].find((b) => b.match(press))?.command;
}

export function hintBar(view: ViewKind): string {
  return KEY_TABLES[view]
    .filter((b) => b.hint)
    .map((b) => b.hint)
    .join('  ');
}

/** Keys while typing in the command line or the filter (not rebindable, listed in help). */
export const INPUT_KEYS: readonly { readonly label: string; readonly help: string }[] = [
  { label: 'enter', help: 'run the command / keep the filter' },
  { label: 'esc', help: 'cancel (the filter goes back to what it was)' },
  { label: 'tab', help: 'complete the command' },
  { label: 'backspace', help: 'erase' },
];

/**
 * Keys of the password prompt (a probe asks, e.g. the vCenter password when $password_env is unset).
 * While it is open it takes every key.
 */
export const SECRET_INPUT_KEYS: readonly { readonly label: string; readonly help: string }[] = [
  { label: 'typing', help: 'shows one • per character, never the characters' },
  { label: 'enter', help: 'log in with it (kept in memory for the session only)' },
  { label: 'backspace', help: 'erase (ctrl-u: erase all)' },
  { label: 'esc', help: 'cancel (the probe says how to give it; r asks again)' },
];

export const SECRET_HINT = 'password prompt: ⏎ submit  ⌫ erase  esc cancel';

export interface HelpSection {
  readonly title: string;
  readonly rows: readonly { readonly label: string; readonly help: string }[];
}

/** Keys of the `?` help itself (it scrolls when taller than the screen). */
export const HELP_KEYS: readonly { readonly label: string; readonly help: string }[] = [
  { label: 'j k ↓ ↑', help: 'scroll a line' },
  { label: 'PgDn PgUp ^f ^b', help: 'scroll a page' },
  { label: 'g G', help: 'top / bottom' },
  { label: 'esc ? q enter', help: 'close' },
];

/** Keys of the export dialog (ctrl-s, `:export` without a format). */
export const EXPORT_KEYS: readonly { readonly label: string; readonly help: string }[] = [
  { label: 'j k ↓ ↑ tab', help: 'choose the format' },
  { label: 'enter', help: 'write the chosen format into the current directory' },
  { label: '1-9', help: 'write that format at once' },
  { label: 'esc q', help: 'cancel' },
];

/** The hint bar of a mode that takes the keys (help, export, command line, filter); undefined in normal mode. */
export function modeHint(mode: Mode): string | undefined {
  switch (mode) {
    case 'help':
      return 'help: j/k scroll  PgDn/PgUp page  g/G top/bottom  esc close';
    case 'export':
      return 'export: j/k choose  ⏎ write  1-9 pick  esc cancel';
    case 'command':
      return 'command: ⏎ run  tab complete  ⌫ erase  esc cancel  (:help lists the commands)';
    case 'filter':
      return 'filter: ⏎ keep  ⌫ erase  esc cancel (restores the filter)';
    case 'normal':
      return undefined;
  }
}

/** Every line of the `?` help for a view: headings and `label  help` rows, in order. */
export function helpLines(view: ViewKind): readonly { readonly text: string; readonly heading: boolean }[] {
  const lines: { text: string; heading: boolean }[] = [
    { text: 'Help: keys on this screen (esc or ? closes)', heading: true },
  ];
  for (const section of helpSections(view)) {
    lines.push({ text: section.title, heading: true });
    for (const row of section.rows)
      lines.push({ text: `  ${row.label.padEnd(16)} ${row.help}`, heading: false });
  }
  return lines;
}

export function helpSections(view: ViewKind): readonly HelpSection[] {
  const bindings = KEY_TABLES[view];
  const groups: [string, readonly KeyBinding[]][] = [
    ['This screen', [...TABLE, ...TABLES, BACK].filter((b) => bindings.includes(b))],
    ['Go to', NAVIGATE.filter((b) => bindings.includes(b))],
    ['Move', MOVE.filter((b) => bindings.includes(b))],
    ['Anywhere', GLOBAL.filter((b) => bindings.includes(b))],
  ];
  return [
    ...groups
      .filter(([, rows]) => rows.length > 0)
      .map(([title, rows]) => ({ title, rows: rows.map((b) => ({ label: b.label, help: b.help })) })),
    {
      title: 'Commands (type : then the command)',
      rows: COMMANDS.map((c) => ({
        label: `:${c.name}${c.args ? ` ${c.args}` : ''}`,
        help: c.aliases.length ? `${c.help} (also ${c.aliases.map((a) => `:${a}`).join(' ')})` : c.help,
      })),
    },
    { title: 'Command line and filter', rows: INPUT_KEYS },
    { title: 'Export dialog', rows: EXPORT_KEYS },
    { title: 'This help', rows: HELP_KEYS },
    { title: 'Password prompt (vCenter)', rows: SECRET_INPUT_KEYS },
  ];
}
