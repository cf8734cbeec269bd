import { describe, expect, test } from 'vitest';
import type { Finding } from '../../../src/model/finding.js';
import { findingKey } from '../../../src/model/finding.js';
import {
  type Action,
  activeTable,
  drillFromRow,
  INITIAL_STATE,
  probeFrame,
  reduce,
  rowLabel,
  top,
  type UiState,
} from '../../../src/ui/state/navigation.js';
import type { ViewRow } from '../../../src/views/types.js';
import { fakeFinding } from '../helpers.js';

const run = (actions: Action[], from: UiState = INITIAL_STATE): UiState => actions.reduce(reduce, from);
const KEYS = Array.from({ length: 50 }, (_, i) => `row${i}`);
const down = (n: number): Action => ({
  type: 'move',
  move: { kind: 'by', delta: n },
  keys: KEYS,
  height: 10,
});

describe('history stack', () => {
  test('esc returns to the same row and scroll position after a drill-down', () => {
    const s = run([{ type: 'goto', probe: 'images' }, down(25)]);
    const before = activeTable(top(s));
    expect(before?.cursor).toEqual({ key: 'row25', index: 25, scroll: 16 });
    const drilled = run(
      [
        { type: 'push', frame: { kind: 'finding', probe: 'images', label: 'x', findingKey: 'k', scroll: 0 } },
        { type: 'scroll', move: { kind: 'by', delta: 3 }, lines: 40, height: 10 },
      ],
      s,
    );
    expect(top(drilled)).toMatchObject({ kind: 'finding', scroll: 3 });
    const back = reduce(drilled, { type: 'back' });
    expect(activeTable(top(back))).toEqual(before);
  });

  test('esc on the overview does nothing but clear a message', () => {
    expect(reduce(INITIAL_STATE, { type: 'back' })).toBe(INITIAL_STATE);
    const withMessage = reduce(INITIAL_STATE, { type: 'message', message: { text: 'hi', tone: 'info' } });
    expect(reduce(withMessage, { type: 'back' }).message).toBeUndefined();
  });

  test('goto replaces the stack with overview + probe and remembers where each probe was', () => {
    const s = run([{ type: 'goto', probe: 'images' }, down(7), { type: 'goto', probe: 'ipam' }]);
    expect(s.stack.map((f) => f.kind)).toEqual(['overview', 'probe']);
    expect(top(s)).toMatchObject({ kind: 'probe', probe: 'ipam' });
    const back = reduce(s, { type: 'goto', probe: 'images' });
    expect(activeTable(top(back))?.cursor.key).toBe('row7');
  });

  test.each([
    [1, 'images'],
    [2, 'topology'],
    [6, 'registry'],
    [7, 'readiness'],
    [8, 'overview'],
    [-1, 'readiness'],
  ])('tab ×%i from the overview lands on %s', (delta, expected) => {
    const s = reduce(INITIAL_STATE, { type: 'switchProbe', delta: Math.sign(delta) });
    const final = Array.from({ length: Math.abs(delta) - 1 }).reduce<UiState>(
      (acc) => reduce(acc, { type: 'switchProbe', delta: Math.sign(delta) }),
      s,
    );
    const f = top(final);
    expect(f.kind === 'overview' ? 'overview' : f.kind === 'probe' ? f.probe : f.kind).toBe(expected);
  });

  test('switchTable cycles the tables of a probe, each with its own cursor', () => {
    const tables = ['pools', 'chain', 'findings'];
    let s = run([{ type: 'goto', probe: 'ipam' }, down(3)]);
    s = reduce(s, { type: 'switchTable', tables, delta: 1 });
    expect(top(s)).toMatchObject({ active: 'chain' });
    expect(activeTable(top(s))?.cursor.index).toBe(0);
    s = reduce(s, { type: 'switchTable', tables, delta: -1 });
    expect(top(s)).toMatchObject({ active: 'pools' });
    s = reduce(s, { type: 'switchTable', tables, delta: -1 });
    expect(top(s)).toMatchObject({ active: 'findings' });
  });
});

describe('filter mode', () => {
  test('typing filters live; enter keeps; esc restores the previous filter', () => {
    let s = run([
      { type: 'goto', probe: 'images' },
      { type: 'openMode', mode: 'filter' },
    ]);
    s = run(
      [
        { type: 'type', text: 'ngi' },
        { type: 'type', text: 'nx' },
      ],
      s,
    );
    expect(activeTable(top(s))?.filter).toBe('nginx');
    s = reduce(s, { type: 'submit' });
    expect(s.mode).toBe('normal');
    expect(activeTable(top(s))?.filter).toBe('nginx');
    s = run([{ type: 'openMode', mode: 'filter' }, { type: 'erase' }, { type: 'type', text: 'e' }], s);
    expect(activeTable(top(s))?.filter).toBe('ngine');
    s = reduce(s, { type: 'cancel' });
    expect(activeTable(top(s))?.filter).toBe('nginx');
  });

  test('filters live per frame: a drill-down starts unfiltered and back restores it', () => {
    let s = run([
      { type: 'goto', probe: 'images' },
      { type: 'openMode', mode: 'filter' },
      { type: 'type', text: 'web' },
      { type: 'submit' },
    ]);
    s = reduce(s, {
      type: 'push',
      frame: {
        kind: 'findings',
        probe: 'images',
        label: 'x',
        findingKeys: [],
        table: { cursor: { index: 0, scroll: 0 }, filter: '', sort: 0 },
      },
    });
    expect(activeTable(top(s))?.filter).toBe('');
    s = reduce(s, { type: 'back' });
    expect(activeTable(top(s))?.filter).toBe('web');
  });

  test('esc first clears an applied filter (k9s), then goes back', () => {
    const images = run([{ type: 'goto', probe: 'images' }]);
    let s = run(
      [{ type: 'openMode', mode: 'filter' }, { type: 'type', text: 'web' }, { type: 'submit' }],
      images,
    );
    expect(activeTable(top(s))?.filter).toBe('web');
    s = reduce(s, { type: 'back' });
    expect(s.stack).toHaveLength(images.stack.length);
    expect(activeTable(top(s))?.filter).toBe('');
    s = reduce(s, { type: 'back' });
    expect(s.stack).toHaveLength(1);
    expect(top(s).kind).toBe('overview');
  });

  test('no filter on a detail page', () => {
    const s = run([
      { type: 'push', frame: { kind: 'object', probe: 'ipam', label: 'x', object: {}, scroll: 0 } },
    ]);
    expect(reduce(s, { type: 'openMode', mode: 'filter' })).toBe(s);
  });
});

describe('command line', () => {
  const typed = (text: string): UiState =>
    run([{ type: 'openMode', mode: 'command' }, { type: 'type', text }, { type: 'submit' }]);
  test(':nodes opens the topology screen', () => {
    expect(top(typed('nodes'))).toMatchObject({ kind: 'probe', probe: 'topology' });
  });
  test(':overview from deep down', () => {
    const deep = run([
      { type: 'goto', probe: 'ipam' },
      { type: 'openMode', mode: 'command' },
      { type: 'type', text: 'overview' },
      { type: 'submit' },
    ]);
    expect(deep.stack.map((f) => f.kind)).toEqual(['overview']);
  });
  test(':q asks to quit', () => {
    expect(typed('q').effect).toEqual({ type: 'quit' });
  });
  test(':export opens the chooser, :export md writes md', () => {
    expect(typed('export').mode).toBe('export');
    expect(typed('export md').effect).toEqual({ type: 'export', format: 'md' });
  });
  test('an unknown command leaves a message and the screen as it was', () => {
    const s = typed('bogus');
    expect(s.mode).toBe('normal');
    expect(s.message).toEqual({ text: 'unknown command ":bogus"', tone: 'error' });
    expect(s.stack).toEqual(INITIAL_STATE.stack);
  });
  test('esc cancels without running', () => {
    const s = run([{ type: 'openMode', mode: 'command' }, { type: 'type', text: 'q' }, { type: 'cancel' }]);
    expect(s.effect).toBeUndefined();
    expect(s.mode).toBe('normal');
  });
});

describe('severity filter, sort, export chooser', () => {
  test('f cycles the severity filter globally', () => {
    expect(run([{ type: 'cycleSeverity' }]).severity).toBe('warn+fail');
    expect(
      run([{ type: 'cycleSeverity' }, { type: 'cycleSeverity' }, { type: 'cycleSeverity' }]).severity,
    ).toBe('all');
  });
  test('s cycles the sort of the active table', () => {
    const s = run([
      { type: 'goto', probe: 'images' },
      { type: 'cycleSort', count: 3 },
      { type: 'cycleSort', count: 3 },
    ]);
    expect(activeTable(top(s))?.sort).toBe(2);
    expect(activeTable(top(reduce(s, { type: 'cycleSort', count: 3 })))?.sort).toBe(0);
  });
  test('export chooser wraps and chooses', () => {
    const s = run([
      { type: 'openMode', mode: 'export' },
      { type: 'exportMove', delta: -1, count: 5 },
    ]);
    expect(s.exportIndex).toBe(4);
    expect(reduce(s, { type: 'exportChoose', format: 'prom' })).toMatchObject({
      mode: 'normal',
      effect: { type: 'export', format: 'prom' },
    });
  });
});

describe('drillFromRow', () => {
  const f1 = fakeFinding('images', 'IMG-002', 'fail', 'nginx');
  const f2 = fakeFinding('images', 'IMG-003', 'warn', 'nginx');
  const byKey = new Map<string, Finding>([
    [findingKey(f1), f1],
    [findingKey(f2), f2],
  ]);
  const table = { id: 'images', title: 'Images' };
  const row = (extra: Partial<ViewRow>): ViewRow => ({
    key: 'r',
    cells: { name: 'nginx:1.25', ns: 'apps' },
    ...extra,
  });

  test('one finding: straight to its page, with the row object', () => {
    const r = drillFromRow('images', table, row({ findingKeys: [findingKey(f1)], object: { a: 1 } }), byKey);
    expect(r).toEqual({
      frame: {
        kind: 'finding',
        probe: 'images',
        label: 'IMG-002 Pod apps/nginx [main]',
        findingKey: findingKey(f1),
        from: { table: 'images', row: 'r' },
        object: { a: 1 },
        scroll: 0,
      },
    });
  });
  test('several findings: the list of them', () => {
    const r = drillFromRow('images', table, row({ findingKeys: [findingKey(f1), findingKey(f2)] }), byKey);
    expect(r).toMatchObject({
      frame: { kind: 'findings', findingKeys: [findingKey(f1), findingKey(f2)], label: 'nginx:1.25 apps' },
    });
  });
  test('stale finding keys are ignored; the object is shown instead', () => {
    const r = drillFromRow('images', table, row({ findingKeys: ['gone'], object: { b: 2 } }), byKey);
    expect(r).toMatchObject({ frame: { kind: 'object', object: { b: 2 } } });
  });
  test('nothing behind the row: a message', () => {
    expect(drillFromRow('images', table, row({}), byKey)).toMatchObject({ message: { tone: 'info' } });
  });
  test('probeFrame starts on the first table', () => {
    expect(probeFrame('ipam')).toEqual({ kind: 'probe', probe: 'ipam', active: '', tables: {} });
  });
});

describe('drill-down labels', () => {
  test('name a row by its text cells, never by its counts (the table title counts)', () => {
    const row = (cells: Record<string, string>): ViewRow => ({ key: 'k', cells });
    expect(rowLabel(row({ severity: '✗', image: 'docker.io/library/nginx:1.25.3', pods: '2' }))).toBe(
      'docker.io/library/nginx:1.25.3',
    );
    expect(rowLabel(row({ node: 'wc-1-md-0-x', status: 'Ready', pods: '14' }))).toBe('wc-1-md-0-x Ready');
    expect(rowLabel(row({ count: '3' }))).toBe('k');
  });
});

describe('esc on the overview', () => {
  test('does nothing on its own; leaves the screen when it is a fleet cluster (escapeLeaves)', () => {
    expect(run([{ type: 'back' }]).effect).toBeUndefined();
    const cluster = { ...INITIAL_STATE, escapeLeaves: true };
    expect(run([{ type: 'back' }], cluster).effect).toEqual({ type: 'quit' });
    // Deeper in, esc first goes back to the overview; only then does it leave.
    const deeper = run([{ type: 'goto', probe: 'images' }, { type: 'back' }], cluster);
    expect(deeper.effect).toBeUndefined();
    expect(run([{ type: 'back' }], deeper).effect).toEqual({ type: 'quit' });
  });
});
