import type { KeyPress } from './keys.js';

/**
 * The masked input of the password prompt. Pure: the component keeps the state, draws only
 * `masked(state)`, and hands `done.value` to the probe that asked.
 */
export interface SecretInputState {
  readonly value: string;
  /** Set once: enter with something typed (submit) or esc / ctrl-c (cancel). */
  readonly done?: { readonly type: 'submit'; readonly value: string } | { readonly type: 'cancel' };
}

export const EMPTY_SECRET_INPUT: SecretInputState = { value: '' };

export function reduceSecretInput(state: SecretInputState, press: KeyPress): SecretInputState {
  if (state.done) return state;
  const { key, input } = press;
  if (key.escape || (key.ctrl && input === 'c')) return { value: '', done: { type: 'cancel' } };
  if (key.return) {
    // An empty enter is a slip, not an answer: vCenter would only refuse it.
    return state.value === '' ? state : { value: '', done: { type: 'submit', value: state.value } };
  }
  // Terminals send DEL for backspace; Ink reports it as delete.
  if (key.backspace || key.delete) return { value: Array.from(state.value).slice(0, -1).join('') };
  if (key.ctrl && input === 'u') return { value: '' };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow)
    return state;
  if (key.pageUp || key.pageDown || key.home || key.end) return state;
  // Printable characters only (a paste may bring several).
  const printable = Array.from(input)
    .filter((ch) => ch >= ' ' && ch !== '\u007f')
    .join('');
  return printable ? { value: state.value + printable } : state;
}

/** One bullet per character typed: the length shows, the characters never do. */
export function masked(state: SecretInputState): string {
  return '•'.repeat(Array.from(state.value).length);
}
