import { PROBE_IDS, PROBE_META, type ProbeId } from '../../model/probe.js';

/** The `:` command line: what a person can type, its completion and its meaning. Pure. */

/** Every word `:` takes to a probe's screen: its k9s-like name, its aliases, its id. */
const PROBE_WORDS: ReadonlyMap<string, ProbeId> = new Map(
  PROBE_IDS.flatMap((id) =>
    [PROBE_META[id].command, ...PROBE_META[id].aliases, id].map((w) => [w, id] as const),
  ),
);

/** Completion candidates, in the order they are offered: each probe's name, then the rest. */
export const COMMAND_NAMES: readonly string[] = [
  'overview',
  ...PROBE_IDS.map((id) => PROBE_META[id].command),
  ...PROBE_IDS.filter((id) => id !== PROBE_META[id].command),
  'export',
  'rerun',
  'help',
  'quit',
  'q',
];

export type ParsedCommand =
  | { readonly type: 'overview' }
  | { readonly type: 'probe'; readonly probe: ProbeId }
  | { readonly type: 'quit' }
  | { readonly type: 'help' }
  | { readonly type: 'rerun' }
  | { readonly type: 'export'; readonly format?: string }
  | { readonly type: 'none' }
  | { readonly type: 'error'; readonly message: string };

export function parseCommand(text: string): ParsedCommand {
  const [name = '', ...args] = text.trim().replace(/^:/, '').split(/\s+/);
  const word = name.toLowerCase();
  if (word === '') return { type: 'none' };
  if (word === 'q' || word === 'q!' || word === 'quit' || word === 'exit') return { type: 'quit' };
  if (word === 'overview' || word === 'home' || word === 'o') return { type: 'overview' };
  if (word === 'help' || word === '?') return { type: 'help' };
  if (word === 'rerun' || word === 'r') return { type: 'rerun' };
  if (word === 'export' || word === 'save') return { type: 'export', format: args[0] };
  const probe = PROBE_WORDS.get(word);
  if (probe) return { type: 'probe', probe };
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
