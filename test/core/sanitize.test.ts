import { describe, expect, it } from 'vitest';
import { escapeControls, escapeJsonControls } from '../../src/core/sanitize.js';

describe('escapeControls: foreign text never drives a terminal', () => {
  it.each([
    ['OSC title', '\u001b]0;pwned\u0007x', '\\x1b]0;pwned\\x07x'],
    ['CSI clear screen', '\u001b[2J\u001b[H', '\\x1b[2J\\x1b[H'],
    ['SGR green', '\u001b[32mALL CHECKS PASSED\u001b[0m', '\\x1b[32mALL CHECKS PASSED\\x1b[0m'],
    ['C1 CSI and DEL', 'a\u009b2Jb\u007f', 'a\\x9b2Jb\\x7f'],
    ['NUL, CR, newline and tab', 'a\u0000b\rc\nd\te', 'a\\x00b\\x0dc\\x0ad\\x09e'],
    ['bidi override and isolate', 'evil\u202Egnp.exe \u2066x\u2069', 'evil\\u202egnp.exe \\u2066x\\u2069'],
    ['LRM, RLM, Arabic letter mark', '\u200E\u200F\u061C', '\\u200e\\u200f\\u061c'],
    ['every embedding', '\u202A\u202B\u202C\u202D', '\\u202a\\u202b\\u202c\\u202d'],
  ])('%s', (_name, input, shown) => {
    expect(escapeControls(input)).toBe(shown);
  });

  it('keeps ordinary text, Unicode and emoji as they are (same string)', () => {
    const text = 'registry.example.internal/tkg/nginx:1.25 ünï 🚀 日本語 \\x1b literal';
    expect(escapeControls(text)).toBe(text);
  });

  it('keepLines keeps newlines and tabs, nothing else', () => {
    expect(escapeControls('a\n\tb\u001b[2J\r', { keepLines: true })).toBe('a\n\tb\\x1b[2J\\x0d');
  });

  it('is idempotent: escaping shown text again changes nothing', () => {
    const once = escapeControls('\u001b]0;t\u0007\u202e');
    expect(escapeControls(once)).toBe(once);
  });
});

describe('escapeJsonControls: the same JSON value, inert when printed', () => {
  it('JSON.stringify already escapes C0 (ESC as \\u001b); DEL, C1 and bidi get \\uXXXX too', () => {
    const value = { image: '\u001b]0;t\u0007 \u009b2J \u007f \u202e \u2066' };
    const json = escapeJsonControls(JSON.stringify(value));
    expect(json).toContain('\\u001b]0;t\\u0007');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
    expect(json).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  // The ASCII fast path must not skip DEL, the one ASCII character escaped.
  it.each([
    ['plain ASCII', '{"a":"b c"}', '{"a":"b c"}'],
    ['DEL in otherwise ASCII text', '{"a":"x\u007fy"}', '{"a":"x\\u007fy"}'],
    ['a line separator alone', '{"a":"\u2028"}', '{"a":"\\u2028"}'],
    ['non-ASCII that is kept', '{"a":"é ✓"}', '{"a":"é ✓"}'],
    ['a lone surrogate beside C1', '{"a":"\ud800\u0085"}', '{"a":"\ud800\\u0085"}'],
  ])('%s', (_name, json, expected) => {
    expect(escapeJsonControls(json)).toBe(expected);
  });
});
