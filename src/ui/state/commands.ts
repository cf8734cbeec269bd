import { PROBE_IDS, PROBE_META, type ProbeId } from '../../model/probe.js';

/** The `:` command line: what a person can type, its completion and its meaning. Pure. */

/** What a `:` word does (before its arguments). */
type CommandKind = 'overview' | 'probe' | 'export' | 'rerun' | 'expect' | 'help' | 'quit';

/** One `:` command: its name, the other words for it, and what `?` help says of it. */
export interface CommandSpec {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly args?: string;
  readonly help: string;
  readonly kind: CommandKind;
  readonly probe?: ProbeId;
}

/**
 * Every `:` command, in the order help lists them: the overview, one per probe (from the probe
 * registry), then the rest. Parsing, completion and help all read this table.
 */
export const COMMANDS: readonly CommandSpec[] = [
  { name: 'overview', aliases: ['home', 'o'], help: 'the overview', kind: 'overview' },
  ...PROBE_IDS.map(
    (id): CommandSpec => ({
      name: PROBE_META[id].command,
      aliases: [...PROBE_META[id].aliases, ...(id === PROBE_META[id].command ? [] : [id])],
      help: `${PROBE_META[id].title} screen`,
      kind: 'probe',
      probe: id,
    }),
  ),
  {
    name: 'export',
    aliases: ['save'],
    args: '[FORMAT]',
    help: 'write the report to a file (no FORMAT: choose it)',
    kind: 'export',
  },
  {
    name: 'expect',
    aliases: [],
    args: 'FILE[=REPO]',
    help: 'check an expect file (publish-images-fromtar.yaml, BOM, list) on the readiness screen',
    kind: 'expect',
  },
  { name: 'rerun', aliases: ['r'], help: 're-run one-shot probes (SSH sweep, vCenter)', kind: 'rerun' },
  { name: 'help', aliases: ['?'], help: 'this help', kind: 'help' },
  { name: 'quit', aliases: ['q', 'q!', 'exit'], help: 'quit', kind: 'quit' },
];

const BY_WORD: ReadonlyMap<string, CommandSpec> = new Map(
  COMMANDS.flatMap((c) => [c.name, ...c.aliases].map((w) => [w, c] as const)),
);

/** Completion candidates, in the order they are offered: each command's name, then the probe ids. */
export const COMMAND_NAMES: readonly string[] = [
  ...COMMANDS.filter((c) => c.kind === 'overview' || c.kind === 'probe').map((c) => c.name),
  ...PROBE_IDS.filter((id) => id !== PROBE_META[id].command),
  ...COMMANDS.filter((c) => c.kind !== 'overview' && c.kind !== 'probe').map((c) => c.name),
  'q',
];

export type ParsedCommand =
  | { readonly type: 'overview' }
  | { readonly type: 'probe'; readonly probe: ProbeId }
  | { readonly type: 'quit' }
  | { readonly type: 'help' }
  | { readonly type: 'rerun' }
  | { readonly type: 'export'; readonly format?: string }
  | { readonly type: 'expect'; readonly file: string }
  | { readonly type: 'none' }
  | { readonly type: 'error'; readonly message: string };

export function parseCommand(text: string): ParsedCommand {
  const [name = '', ...args] = text.trim().replace(/^:/, '').split(/\s+/);
  const word = name.toLowerCase();
  if (word === '') return { type: 'none' };
  const spec = BY_WORD.get(word);
  if (spec?.probe) return { type: 'probe', probe: spec.probe };
  if (spec?.kind === 'export') return { type: 'export', format: args[0] };
  if (spec?.kind === 'expect') {
    const file = text.trim().replace(/^:/, '').slice(name.length).trim();
    return file
      ? { type: 'expect', file }
      : { type: 'error', message: ':expect needs a file, e.g. :expect publish-images-fromtar.yaml' };
  }
  if (spec && spec.kind !== 'probe') return { type: spec.kind };
  const candidates = completions(word);
  const hint = candidates.length ? ` (did you mean :${candidates[0]}?)` : '';
  return { type: 'error', message: `unknown command ":${word}"${hint}` };
}

/** Commands starting with what was typed (the first word only). */
export function completions(text: string): readonly string[] {
  const word = text.trim().replace(/^:/, '').toLowerCase();
  if (word.includes(' ')) return [];
  return COMMAND_NAMES.filter((c) => c.startsWith(word) && c !== word);
}

/** `tab` in the command line: complete to the first candidate (the hint shows the others). */
export function completeCommand(text: string): string {
  const [first] = completions(text);
  return first ?? text;
}
