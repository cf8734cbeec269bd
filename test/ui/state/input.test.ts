import { describe, expect, test } from 'vitest';
import type { ProbeResult } from '../../../src/model/evaluate.js';
import { findingKey } from '../../../src/model/finding.js';
import type { Screen } from '../../../src/ui/derive.js';
import { actionsForKey, type InputContext } from '../../../src/ui/state/input.js';
import { INITIAL_STATE, reduce, type UiState } from '../../../src/ui/state/navigation.js';
import { fakeFinding } from '../helpers.js';

const finding = fakeFinding('images', 'IMG-002', 'fail', 'nginx');
const results: ProbeResult[] = [
  {
    id: 'images',
    title: 'Image origins',
    status: 'ready',
    findings: [finding],
    summary: { pass: 0, info: 0, warn: 0, fail: 1 },
  },
];
const pane = (keys: string[]) => ({
  table: { id: 'findings', title: 'Findings', columns: [], rows: [] },
  rows: keys.map((key) => ({ key, cells: {}, findingKeys: [key] })),
  keys,
  cursor: 0,
  start: 0,
  height: 10,
  status: '',
});
const probeScreen: Screen = {
  kind: 'probe',
  probe: 'images',
  statusLines: [],
  tabs: [],
  pane: pane([findingKey(finding)]),
  keys: [findingKey(finding)],
  pageHeight: 8,
  sortCount: 4,
  tableIds: ['findings'],
};
const ctx = (screen: Screen = probeScreen): InputContext => ({
  screen,
  results,
  exportFormats: ['json', 'md', 'html'],
});
const state = (patch: Partial<UiState>): UiState => ({
  ...reduce(INITIAL_STATE, { type: 'goto', probe: 'images' }),
  ...patch,
});

describe('actionsForKey', () => {
  test('ctrl-c quits from every mode', () => {
    for (const mode of ['normal', 'command', 'filter', 'help', 'export'] as const) {
      expect(actionsForKey(state({ mode }), { input: 'c', key: { ctrl: true } }, ctx())).toEqual([
        { type: 'requestEffect', effect: { type: 'quit' } },
      ]);
    }
  });

  test('q types a q in the command line and filter, quits in normal mode', () => {
    expect(actionsForKey(state({ mode: 'command' }), { input: 'q', key: {} }, ctx())).toEqual([
      { type: 'type', text: 'q' },
    ]);
    expect(actionsForKey(state({ mode: 'filter' }), { input: 'q', key: {} }, ctx())).toEqual([
      { type: 'type', text: 'q' },
    ]);
    expect(actionsForKey(state({}), { input: 'q', key: {} }, ctx())).toEqual([
      { type: 'requestEffect', effect: { type: 'quit' } },
    ]);
  });

  test('tab completes in the command line', () => {
    expect(
      actionsForKey(state({ mode: 'command', draft: 'por' }), { input: '', key: { tab: true } }, ctx()),
    ).toEqual([{ type: 'setDraft', text: 'portgroups' }]);
  });

  test('enter on a finding row opens its page', () => {
    expect(actionsForKey(state({}), { input: '', key: { return: true } }, ctx())).toMatchObject([
      { type: 'push', frame: { kind: 'finding', findingKey: findingKey(finding) } },
    ]);
  });

  test('moves carry the rows as shown and the page height', () => {
    expect(actionsForKey(state({}), { input: 'j', key: {} }, ctx())).toEqual([
      { type: 'move', move: { kind: 'by', delta: 1 }, keys: [findingKey(finding)], height: 8 },
    ]);
  });

  test('a detail page scrolls instead', () => {
    const detail: Screen = { kind: 'detail', probe: 'images', lines: [], scroll: 0, height: 20 };
    expect(actionsForKey(state({}), { input: '', key: { pageDown: true } }, ctx(detail))).toEqual([
      { type: 'scroll', move: { kind: 'page', pages: 1 }, lines: 0, height: 20 },
    ]);
  });

  test('export chooser: number keys pick a format', () => {
    expect(actionsForKey(state({ mode: 'export' }), { input: '2', key: {} }, ctx())).toEqual([
      { type: 'exportChoose', format: 'md' },
    ]);
    expect(actionsForKey(state({ mode: 'export' }), { input: '9', key: {} }, ctx())).toEqual([]);
    expect(
      actionsForKey(state({ mode: 'export', exportIndex: 2 }), { input: '', key: { return: true } }, ctx()),
    ).toEqual([{ type: 'exportChoose', format: 'html' }]);
  });

  test('control characters are not typed into the filter', () => {
    expect(actionsForKey(state({ mode: 'filter' }), { input: '\u0007', key: {} }, ctx())).toEqual([]);
  });
});
