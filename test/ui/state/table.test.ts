import { describe, expect, test } from 'vitest';
import {
  compileFilter,
  cursorIndex,
  filterRows,
  moveCursor,
  nextSeverityFilter,
  passesSeverity,
  ShownRowsMemo,
  shownRows,
  sortKeys,
  sortRows,
  visibleScroll,
} from '../../../src/ui/state/table.js';
import type { ViewRow } from '../../../src/views/types.js';

const row = (key: string, name: string, extra: Partial<ViewRow> = {}): ViewRow => ({
  key,
  cells: { name },
  ...extra,
});

// registry → image → pod tree
const TREE: ViewRow[] = [
  row('r1', 'docker.io', { depth: 0, severity: 'fail' }),
  row('i1', 'nginx:1.25', { depth: 1, severity: 'fail' }),
  row('p1', 'web-1', { depth: 2, severity: 'fail' }),
  row('i2', 'busybox', { depth: 1, severity: 'warn' }),
  row('p2', 'job-7', { depth: 2, severity: 'warn' }),
  row('r2', 'registry.example.internal', { depth: 0, severity: 'pass' }),
  row('i3', 'tkg/coredns', { depth: 1, severity: 'pass' }),
  row('p3', 'coredns-abc', { depth: 2, severity: 'pass' }),
];

describe('compileFilter', () => {
  test.each([
    ['', 'anything', true],
    ['ngin', 'nginx', true],
    ['NGINX', 'nginx', true],
    ['^web-\\d$', 'web-1', true],
    ['!nginx', 'nginx', false],
    ['!nginx', 'coredns', true],
    ['!', 'anything', true],
  ])('%j on %j → %s', (text, subject, expected) => {
    const f = compileFilter(text);
    expect(f.ok).toBe(true);
    if (f.ok) expect(f.test(subject)).toBe(expected);
  });

  test('an invalid regex is an error, not a throw', () => {
    const f = compileFilter('nginx(');
    expect(f.ok).toBe(false);
    if (!f.ok) expect(f.error).toMatch(/^invalid regex/);
    expect(filterRows(TREE, 'nginx(', 'all')).toBe(TREE);
  });
});

describe('severity filter', () => {
  test('cycles all → warn+fail → fail → all', () => {
    expect(nextSeverityFilter('all')).toBe('warn+fail');
    expect(nextSeverityFilter('warn+fail')).toBe('fail');
    expect(nextSeverityFilter('fail')).toBe('all');
  });
  test.each([
    ['fail', 'all', true],
    [undefined, 'all', true],
    [undefined, 'warn+fail', false],
    ['info', 'warn+fail', false],
    ['warn', 'warn+fail', true],
    ['warn', 'fail', false],
    ['fail', 'fail', true],
  ] as const)('%s under %s → %s', (sev, filter, expected) => {
    expect(passesSeverity(sev, filter)).toBe(expected);
  });
});

describe('filterRows', () => {
  test('a matching leaf keeps its ancestors, in order', () => {
    expect(filterRows(TREE, 'job', 'all').map((r) => r.key)).toEqual(['r1', 'i2', 'p2']);
  });
  test('inverted filter keeps ancestors of the rows it keeps', () => {
    expect(filterRows(TREE, '!docker|nginx|web|busybox|job', 'all').map((r) => r.key)).toEqual([
      'r2',
      'i3',
      'p3',
    ]);
  });
  test('severity filter fail keeps the failing branch only', () => {
    expect(filterRows(TREE, '', 'fail').map((r) => r.key)).toEqual(['r1', 'i1', 'p1']);
  });
  test('both filters combine', () => {
    expect(filterRows(TREE, 'job', 'fail').map((r) => r.key)).toEqual([]);
    expect(filterRows(TREE, 'job|web', 'warn+fail').map((r) => r.key)).toEqual([
      'r1',
      'i1',
      'p1',
      'i2',
      'p2',
    ]);
  });
});

describe('sortRows', () => {
  test('natural is identity', () => {
    expect(sortRows(TREE, 'natural')).toBe(TREE);
  });
  test('sorting a tree sorts siblings and keeps children under their parent', () => {
    expect(sortRows(TREE, 'name').map((r) => r.key)).toEqual([
      'r1',
      'i2',
      'p2',
      'i1',
      'p1',
      'r2',
      'i3',
      'p3',
    ]);
  });
  test('severity sorts worst first, stable for equals', () => {
    const flat = [
      row('a', 'a', { severity: 'pass' }),
      row('b', 'b', { severity: 'fail' }),
      row('c', 'c'),
      row('d', 'd', { severity: 'fail' }),
    ];
    expect(sortRows(flat, 'severity').map((r) => r.key)).toEqual(['b', 'd', 'a', 'c']);
  });
  test('numeric-aware column sort', () => {
    const flat = [row('a', 'node-10'), row('b', 'node-2'), row('c', 'node-1')];
    expect(sortRows(flat, 'name').map((r) => r.key)).toEqual(['c', 'b', 'a']);
  });
  test('sort keys: natural, severity, then columns', () => {
    expect(
      sortKeys({
        columns: [
          { key: 'severity', title: 'SEV' },
          { key: 'name', title: 'NAME' },
        ],
      }),
    ).toEqual(['natural', 'severity', 'name']);
  });
});

describe('cursor', () => {
  const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
  test.each([
    [{ kind: 'by', delta: 1 } as const, { key: 'k11', index: 11, scroll: 2 }],
    [{ kind: 'by', delta: -20 } as const, { key: 'k0', index: 0, scroll: 0 }],
    [{ kind: 'page', pages: 1 } as const, { key: 'k20', index: 20, scroll: 12 }],
    [{ kind: 'page', pages: -1 } as const, { key: 'k0', index: 0, scroll: 0 }],
    [{ kind: 'top' } as const, { key: 'k0', index: 0, scroll: 0 }],
    [{ kind: 'bottom' } as const, { key: 'k99', index: 99, scroll: 90 }],
  ])('from k10 (scroll 2, height 10): %j', (move, expected) => {
    expect(moveCursor({ key: 'k10', index: 10, scroll: 2 }, keys, move, 10)).toEqual(expected);
  });

  test('the cursor follows its key when rows move', () => {
    const moved = ['new', ...keys];
    expect(cursorIndex(moved, 'k10', 10)).toBe(11);
    expect(moveCursor({ key: 'k10', index: 10, scroll: 0 }, moved, { kind: 'by', delta: 1 }, 50).key).toBe(
      'k11',
    );
  });

  test('when its row disappears the cursor stays at the same index (clamped)', () => {
    expect(cursorIndex(['a', 'b', 'c'], 'gone', 1)).toBe(1);
    expect(cursorIndex(['a'], 'gone', 5)).toBe(0);
    expect(cursorIndex([], 'gone', 5)).toBe(0);
  });

  test('empty table', () => {
    expect(moveCursor({ key: 'x', index: 3, scroll: 1 }, [], { kind: 'by', delta: 1 }, 10)).toEqual({
      index: 0,
      scroll: 0,
    });
  });

  test.each([
    [0, 0, 10, 100, 0],
    [15, 0, 10, 100, 6],
    [5, 8, 10, 100, 5],
    [99, 95, 10, 100, 90],
    [3, 50, 10, 5, 0],
  ])(
    'visibleScroll(index %i, scroll %i, height %i, total %i) = %i',
    (index, scroll, height, total, expected) => {
      expect(visibleScroll(index, scroll, height, total)).toBe(expected);
    },
  );
});

describe('shownRows', () => {
  test.each([
    ['', 'all', 'natural', ['r1', 'i1', 'p1', 'i2', 'p2', 'r2', 'i3', 'p3']],
    ['job', 'all', 'natural', ['r1', 'i2', 'p2']],
    ['', 'fail', 'natural', ['r1', 'i1', 'p1']],
    ['', 'all', 'name', ['r1', 'i2', 'p2', 'i1', 'p1', 'r2', 'i3', 'p3']],
  ] as const)('filter %j, severity %s, sort %s', (filter, severity, sort, keys) => {
    const shown = shownRows(TREE, filter, severity, sort);
    expect(shown.keys).toEqual(keys);
    expect(shown.rows.map((r) => r.key)).toEqual(keys);
    keys.forEach((k, i) => {
      expect(shown.indexOf(k)).toBe(i);
    });
    expect(shown.indexOf('missing')).toBe(-1);
  });
  test('cursorIndex with the index lookup agrees with the scan', () => {
    const shown = shownRows(TREE, '', 'all', 'natural');
    for (const k of [...shown.keys, 'gone', undefined])
      expect(cursorIndex(shown.keys, k, 3, shown.indexOf)).toBe(cursorIndex(shown.keys, k, 3));
  });
});

describe('ShownRowsMemo', () => {
  test('the same rows, filter and sort give the same result object; another filter does not', () => {
    const memo = new ShownRowsMemo();
    const a = memo.shown(TREE, 'job', 'all', 'natural');
    expect(memo.shown(TREE, 'job', 'all', 'natural')).toBe(a);
    expect(memo.shown(TREE, 'web', 'all', 'natural')).not.toBe(a);
    expect(memo.shown(TREE, 'job', 'fail', 'natural')).not.toBe(a);
    expect(memo.shown(TREE, 'job', 'all', 'name')).not.toBe(a);
    // New rows (the table was rebuilt): computed afresh.
    expect(memo.shown([...TREE], 'job', 'all', 'natural')).not.toBe(a);
    expect(memo.shown(TREE, 'job', 'all', 'natural')).toBe(a);
  });
  test('remembers a bounded number of filters per table, the least recently used go first', () => {
    const memo = new ShownRowsMemo();
    const first = memo.shown(TREE, 'a', 'all', 'natural');
    for (let i = 0; i < 7; i++) memo.shown(TREE, `f${i}`, 'all', 'natural');
    expect(memo.shown(TREE, 'a', 'all', 'natural')).toBe(first); // 8 remembered: still there
    for (let i = 7; i < 15; i++) memo.shown(TREE, `f${i}`, 'all', 'natural');
    expect(memo.shown(TREE, 'a', 'all', 'natural')).not.toBe(first);
  });
  test('results equal shownRows', () => {
    const memo = new ShownRowsMemo();
    expect(memo.shown(TREE, '!docker', 'warn+fail', 'severity').keys).toEqual(
      shownRows(TREE, '!docker', 'warn+fail', 'severity').keys,
    );
  });
});
