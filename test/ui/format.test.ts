import stringWidth from 'string-width';
import { describe, expect, test } from 'vitest';
import { secrets } from '../../src/core/redact.js';
import { progressBar } from '../../src/ui/derive.js';
import { exportFormats, reportFileName } from '../../src/ui/export.js';
import {
  clip,
  columnWidths,
  findingDetailLines,
  formatCells,
  NARROW_SYMBOLS,
  narrowPieces,
  naturalWidths,
  textWidth,
  toYaml,
  wrapLine,
} from '../../src/ui/format.js';
import { fakeFinding } from './helpers.js';

describe('clip', () => {
  test.each([
    ['abc', 5, 'left', 'abc  '],
    ['abc', 5, 'right', '  abc'],
    ['abcdef', 4, 'left', 'abc…'],
    ['a\nb', 3, 'left', 'a b'],
    ['abc', 0, 'left', ''],
    ['abc', 1, 'left', '…'],
  ] as const)('clip(%j, %i, %s) = %j', (text, width, align, expected) => {
    expect(clip(text, width, align)).toBe(expected);
  });
  test.each([
    ['tkg-workloads/workload-east-md-c-7c9e5-q8w2x', 20, 'tkg-wor…-7c9e5-q8w2x'],
    ['short', 20, 'short               '],
    ['abcdefgh', 5, 'a…fgh'],
    ['abcdefgh', 4, 'abc…'],
  ] as const)('clip middle (%j, %i) = %j', (text, width, expected) => {
    expect(clip(text, width, 'left', 'middle')).toBe(expected);
  });
});

describe('clip measures terminal columns, not UTF-16 units', () => {
  test.each([
    // Each CJK character takes two columns.
    ['日本語', 6, 'left', '日本語'],
    ['日本語', 8, 'left', '日本語  '],
    ['日本語', 8, 'right', '  日本語'],
    ['日本語テキスト', 7, 'left', '日本語…'],
    // A wide character cut at the edge leaves one column of padding, never half a character.
    ['日本語テキスト', 6, 'left', '日本… '],
    // Combining marks take no column: "é" as e + U+0301 is one column, and stays whole.
    ['cafe\u0301s', 5, 'left', 'cafe\u0301s'],
    ['cafe\u0301s', 6, 'left', 'cafe\u0301s '],
    ['cafe\u0301-bar', 5, 'left', 'cafe\u0301…'],
    // An emoji is two columns.
    ['ok ✅ done', 7, 'left', 'ok ✅ …'],
  ] as const)('clip(%j, %i, %s) = %j', (text, width, align, expected) => {
    expect(clip(text, width, align)).toBe(expected);
  });
  test('middle truncation keeps whole characters at both ends', () => {
    expect(clip('名前空間/ワークロード', 11, 'left', 'middle')).toBe('名前…ロード');
  });
});

describe('textWidth measures without segmenting only what string-width measures the same', () => {
  const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  test.each([...NARROW_SYMBOLS])('%s is one column and one grapheme with its neighbours', (symbol) => {
    expect(stringWidth(symbol)).toBe(1);
    expect(symbol.length).toBe(1);
    const line = `a${symbol}${symbol}b ${symbol}.`;
    expect([...graphemes.segment(line)].length).toBe(line.length);
    expect(textWidth(line)).toBe(stringWidth(line));
  });
  test.each([
    '> ✗  images  pod/x  registry.example.com/app:1.0 → docker.io…',
    'é, 日本語, ✅, cafe\u0301, ✓\ufe0f, a\u200db',
    `every symbol ${NARROW_SYMBOLS} and ASCII`,
  ])('textWidth(%j) is string-width', (text) => {
    expect(textWidth(text)).toBe(stringWidth(text));
  });
});

describe('columnWidths', () => {
  const cols = [
    { key: 'a', title: 'A', width: 10 },
    { key: 'b', title: 'B', width: 20 },
    { key: 'c', title: 'C' },
  ];
  test('preferred widths, the last column takes the rest', () => {
    expect(columnWidths(cols, 100)).toEqual([10, 20, 68]);
  });
  test('too narrow: the widest shrink first, the last keeps some room', () => {
    const w = columnWidths(cols, 40);
    expect(w.reduce((a, b) => a + b, 0) + 2).toBe(40);
    expect(w[2]).toBeGreaterThanOrEqual(4);
  });
  test('spare width goes to the columns whose cells are cut, most cut first, never past what they need', () => {
    // a needs 14 (cut by 4), b needs 30 (cut by 10), c (last) needs 20: 100 - 2 gaps - 20 = 78 ≥ 14 + 30.
    expect(columnWidths(cols, 100, [14, 30, 20])).toEqual([14, 30, 54]);
    // Only 6 to spare (10 + 20 + 2 + 62): the most cut column (b) gets it.
    const tight = columnWidths(cols, 100, [14, 40, 62]);
    expect(tight[1]).toBeGreaterThan(20);
    expect((tight[0] ?? 0) + (tight[1] ?? 0)).toBe(36);
    expect(tight.reduce((a, b) => a + b, 0) + 2).toBe(100);
    // No column is wider than its widest cell: the last one takes what they leave.
    expect(columnWidths(cols, 100, [5, 5, 5])).toEqual([5, 5, 88]);
    // No room to spare: the preferred widths stand.
    expect(columnWidths(cols, 100, [30, 30, 90])).toEqual([10, 20, 68]);
  });
  test('too narrow: a column never holds room its cells do not use, so cut columns keep theirs', () => {
    // a only ever holds 4 cells, so b (which uses all its 20) keeps them and the last gets the rest.
    expect(columnWidths(cols, 40, [4, 25, 30])).toEqual([4, 20, 14]);
    // Without natural widths the widest shrinks, as before.
    expect(columnWidths(cols, 40)).toEqual([10, 18, 10]);
  });
  test('natural widths: the widest cell or the title, tree depth counted in the first column', () => {
    const rows: { cells: Record<string, string>; depth?: number }[] = [
      { cells: { a: 'abc', b: 'x', c: '' } },
      { cells: { a: 'abcdef', b: 'xy' }, depth: 2 },
    ];
    expect(naturalWidths(cols, rows)).toEqual([10, 2, 1]);
  });
  test('cells are indented by depth in the first column', () => {
    expect(formatCells(cols, [10, 5, 5], { a: 'x', b: 'y', c: 'z' }, 2)).toBe('    x      y     z    ');
  });
});

describe('wrapLine', () => {
  test('short lines stay', () => expect(wrapLine('hello', 20)).toEqual(['hello']));
  test('long lines wrap at spaces and keep the indentation', () => {
    expect(wrapLine('  alpha beta gamma delta epsilon', 16)).toEqual([
      '  alpha beta',
      '    gamma delta',
      '    epsilon',
    ]);
  });
  test('a long word is cut', () => {
    expect(wrapLine('x'.repeat(25), 10)).toEqual([
      'x'.repeat(10),
      `  ${'x'.repeat(8)}`,
      `  ${'x'.repeat(7)}`,
    ]);
  });
});

describe('wrapLine measures terminal columns', () => {
  test('wide characters wrap at the column width', () => {
    expect(wrapLine('日本語のテキスト', 8)).toEqual(['日本語の', '  テキス', '  ト']);
  });
  test('combining marks do not count as columns', () => {
    const text = 'cafe\u0301 cafe\u0301';
    expect(wrapLine(text, 9)).toEqual([text]);
  });
});

describe('detail page', () => {
  test('finding: severity word, code, subject, detail, evidence YAML, remedy, object YAML', () => {
    const f = fakeFinding('images', 'IMG-002', 'fail', 'nginx');
    const lines = findingDetailLines(f, { spec: { image: 'nginx' } }, 100).map((l) => l.text);
    expect(lines).toEqual([
      'FAIL  IMG-002  IMG-002 says nginx is fail',
      'Subject: Pod apps/nginx [main]',
      '',
      'Detail',
      '  detail of nginx',
      '',
      'Evidence',
      '  image: docker.io/library/nginx:1.0',
      '  node: node-1',
      '',
      'Remedy',
      '  mirror nginx into the private registry',
      '',
      'Object',
      '  spec:',
      '    image: nginx',
      '',
    ]);
  });
  test('YAML masks registered secrets and secret-named keys', () => {
    secrets.add('tok-0123456789abcdef');
    expect(toYaml({ token: 'x-y-z-w', note: 'bearer tok-0123456789abcdef' })).toBe(
      'token: "[redacted]"\nnote: bearer [redacted]',
    );
  });
  test.each([
    [
      'timestamps and yes/no stay plain strings',
      { at: '2026-11-22T12:00:00Z', on: 'yes' },
      'at: 2026-11-22T12:00:00Z\non: yes',
    ],
    ['numbers as strings are quoted as kubectl quotes them', { gen: '1', empty: '' }, 'gen: "1"\nempty: ""'],
    ['undefined fields are left out', { a: 1, b: undefined }, 'a: 1'],
    ['long lines are never folded', { m: 'x'.repeat(200) }, `m: ${'x'.repeat(200)}`],
    ['lists of objects', { c: [{ n: 1 }] }, 'c:\n  - n: 1'],
    ['nothing', undefined, ''],
  ])('YAML of the drill-down: %s', (_what, value, yaml) => {
    expect(toYaml(value)).toBe(yaml);
  });
});

describe('export', () => {
  test('file names sort by time and are shell-safe', () => {
    expect(reportFileName('json', new Date('2026-11-22T12:41:07.123Z'))).toBe(
      'airgap-top-report-20261122T124107Z.json',
    );
  });
  test('every renderer of the report command is offered', () => {
    expect(exportFormats().map((f) => f.id)).toEqual(expect.arrayContaining(['json', 'md']));
  });
  test('progress bar', () => {
    expect(progressBar(3, 10, 10)).toBe('[###-------]');
    expect(progressBar(0, 0, 4)).toBe('[----]');
  });
});

describe('clip: the one place screen text passes, so cluster text cannot drive the terminal', () => {
  test('shows control characters and bidi overrides as visible escapes, then fits the width', () => {
    expect(clip('a\u001b]0;t\u0007b', 20)).toBe('a\\x1b]0;t\\x07b'.padEnd(20));
    expect(clip('\u001b[2J\u202Ex', 8)).toBe('\\x1b[2J…');
  });
});

describe('narrowPieces', () => {
  test.each([
    ['plain ascii', ['plain ascii']],
    ['  ✗  FAIL  name…', ['  ', '✗', '  FAIL  name', '…']],
    ['> ✓✓ x', ['> ', '✓✓', ' x']],
    ['…', ['…']],
    // Not printable ASCII and NARROW_SYMBOLS only: whole (a wide or combining character joins neighbours).
    ['  ✗  ノード', ['  ✗  ノード']],
    ['  ✗  e\u0301', ['  ✗  e\u0301']],
    ['tab\there ✗', ['tab\there ✗']],
  ])('%j → %j', (text, pieces) => {
    expect(narrowPieces(text)).toEqual(pieces);
    expect(narrowPieces(text).join('')).toBe(text);
  });
  test('more pieces than the limit: whole', () => {
    expect(narrowPieces('a…b…c', 4)).toEqual(['a…b…c']);
    expect(narrowPieces('a…b…c', 5)).toEqual(['a', '…', 'b', '…', 'c']);
  });
});
