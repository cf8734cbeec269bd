import { describe, expect, it } from 'vitest';
import type { KeyFlags, KeyPress } from '../../../src/ui/state/keys.js';
import {
  EMPTY_SECRET_INPUT,
  masked,
  reduceSecretInput,
  type SecretInputState,
} from '../../../src/ui/state/secret-input.js';

const ch = (input: string, key: KeyFlags = {}): KeyPress => ({ input, key });
const k = (key: KeyFlags): KeyPress => ({ input: '', key });

function run(presses: KeyPress[], from: SecretInputState = EMPTY_SECRET_INPUT): SecretInputState {
  return presses.reduce(reduceSecretInput, from);
}

describe('reduceSecretInput', () => {
  const cases: [string, KeyPress[], SecretInputState][] = [
    ['typing appends', [ch('a'), ch('B', { shift: true }), ch('3')], { value: 'aB3' }],
    ['a paste appends every printable character', [ch('p@ss w0rd')], { value: 'p@ss w0rd' }],
    ['backspace erases the last character', [ch('abc'), k({ backspace: true })], { value: 'ab' }],
    ['DEL (Ink: delete) erases too', [ch('abc'), k({ delete: true })], { value: 'ab' }],
    ['backspace erases a whole astral character', [ch('x😀'), k({ backspace: true })], { value: 'x' }],
    ['backspace on empty stays empty', [k({ backspace: true })], { value: '' }],
    ['ctrl-u erases everything', [ch('abc'), ch('u', { ctrl: true })], { value: '' }],
    [
      'enter submits and clears',
      [ch('s3cret'), k({ return: true })],
      { value: '', done: { type: 'submit', value: 's3cret' } },
    ],
    ['enter with nothing typed does nothing', [k({ return: true })], { value: '' }],
    ['esc cancels and forgets', [ch('abc'), k({ escape: true })], { value: '', done: { type: 'cancel' } }],
    ['ctrl-c cancels', [ch('abc'), ch('c', { ctrl: true })], { value: '', done: { type: 'cancel' } }],
    [
      'arrows, tab and other ctrl keys are ignored',
      [ch('a'), k({ leftArrow: true }), k({ tab: true }), ch('s', { ctrl: true }), k({ pageUp: true })],
      { value: 'a' },
    ],
    ['control characters in a paste are dropped', [ch('a\u0007b\u001bc')], { value: 'abc' }],
    [
      'nothing changes once done',
      [ch('x'), k({ return: true }), ch('y'), k({ escape: true })],
      { value: '', done: { type: 'submit', value: 'x' } },
    ],
  ];
  it.each(cases)('%s', (_name, presses, expected) => {
    expect(run(presses)).toEqual(expected);
  });

  it('returns the same state object for ignored keys (the component skips a redraw)', () => {
    const s = run([ch('a')]);
    expect(reduceSecretInput(s, k({ upArrow: true }))).toBe(s);
  });
});

describe('masked', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['a', '•'],
    ['hunter2', '•••••••'],
    ['x😀', '••'],
  ];
  it.each(cases)('%j shows %j', (value, shown) => {
    expect(masked({ value })).toBe(shown);
  });
});
