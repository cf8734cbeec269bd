import { describe, expect, test } from 'vitest';
import {
  type CommandId,
  helpSections,
  hintBar,
  KEY_TABLES,
  type KeyPress,
  resolveKey,
  type ViewKind,
} from '../../../src/ui/state/keys.js';

const ch = (input: string): KeyPress => ({ input, key: {} });
const k = (flags: KeyPress['key'], input = ''): KeyPress => ({ input, key: flags });

describe('resolveKey', () => {
  test.each<[ViewKind, KeyPress, CommandId | undefined]>([
    ['probe', ch('j'), 'down'],
    ['probe', k({ downArrow: true }), 'down'],
    ['probe', ch('k'), 'up'],
    ['probe', k({ upArrow: true }), 'up'],
    ['probe', k({ pageDown: true }), 'pageDown'],
    ['probe', k({ pageUp: true }), 'pageUp'],
    ['probe', ch('g'), 'top'],
    ['probe', k({ shift: true }, 'G'), 'bottom'],
    ['probe', k({ return: true }), 'enter'],
    ['probe', k({ escape: true, meta: true }), 'back'],
    ['probe', ch('/'), 'filter'],
    ['probe', ch('f'), 'severity'],
    ['probe', ch('s'), 'sort'],
    ['probe', k({ ctrl: true }, 's'), 'export'],
    ['probe', ch('r'), 'rerun'],
    ['probe', ch('?'), 'help'],
    ['probe', ch('q'), 'quit'],
    ['probe', k({ ctrl: true }, 'c'), 'quit'],
    ['probe', ch(':'), 'command'],
    ['probe', k({ tab: true }), 'nextProbe'],
    ['probe', k({ tab: true, shift: true }), 'prevProbe'],
    ['probe', ch('0'), 'overview'],
    ['probe', ch('1'), 'probe1'],
    ['probe', ch('5'), 'probe5'],
    ['probe', ch('l'), 'nextTable'],
    ['probe', k({ leftArrow: true }), 'prevTable'],
    ['overview', ch('l'), undefined],
    ['overview', k({ escape: true }), undefined],
    ['detail', ch('/'), undefined],
    ['detail', ch('j'), 'down'],
    ['detail', k({ return: true }), undefined],
    ['findings', k({ return: true }), 'enter'],
    ['probe', ch('x'), undefined],
  ])('%s: %j → %s', (view, press, expected) => {
    expect(resolveKey(view, press)).toBe(expected);
  });
});

describe('generated hint bar and help', () => {
  test('the hint bar comes from the key table', () => {
    expect(hintBar('probe')).toContain('/ filter');
    expect(hintBar('probe')).toContain('esc back');
    expect(hintBar('overview')).not.toContain('esc back');
    expect(hintBar('detail')).not.toContain('/ filter');
  });

  test.each(Object.keys(KEY_TABLES) as ViewKind[])('help for %s lists every binding of the view', (view) => {
    const listed = helpSections(view).flatMap((s) => s.rows.map((r) => r.label));
    for (const b of KEY_TABLES[view]) expect(listed).toContain(b.label);
  });

  test('no two bindings of a view answer the same key', () => {
    const probes: KeyPress[] = [...'jkgGfs/:?qr012345lh[]'].map(ch);
    for (const view of Object.keys(KEY_TABLES) as ViewKind[]) {
      for (const p of probes) {
        expect(KEY_TABLES[view].filter((b) => b.match(p)).length).toBeLessThanOrEqual(1);
      }
    }
  });
});
