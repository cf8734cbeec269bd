import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import CachedOutput, { GenerationMemo, type OutputTransformer } from '../../src/ui/ink/output.js';

/**
 * src/ui/ink/output.ts stands in for Ink's own Output in the bundle: for the same operations it
 * must return the same text, frame after frame (its memory spans frames). Compared here against
 * the installed Ink's class, which is not exported, so it is loaded by its path.
 */
type InkOutput = {
  write(x: number, y: number, text: string, o: { transformers: OutputTransformer[] }): void;
  clip(c: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
  unclip(): void;
  get(): { output: string; height: number };
};
let InkOutputClass: new (o: { width: number; height: number }) => InkOutput;
beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const inkBuild = dirname(require.resolve('ink'));
  InkOutputClass = (await import(pathToFileURL(join(inkBuild, 'output.js')).href)).default;
});

type Op =
  | { write: [number, number, string, OutputTransformer[]?] }
  | { clip: { x1?: number; x2?: number; y1?: number; y2?: number } }
  | 'unclip';

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly ops: readonly Op[];
}

function replay(output: InkOutput | CachedOutput, ops: readonly Op[]) {
  for (const op of ops) {
    if (op === 'unclip') output.unclip();
    else if ('clip' in op)
      output.clip({ x1: undefined, x2: undefined, y1: undefined, y2: undefined, ...op.clip });
    else output.write(op.write[0], op.write[1], op.write[2], { transformers: op.write[3] ?? [] });
  }
  return output.get();
}

const both = (f: Frame) => ({
  ink: replay(new InkOutputClass({ width: f.width, height: f.height }), f.ops),
  ours: replay(new CachedOutput({ width: f.width, height: f.height }), f.ops),
});

const red: OutputTransformer = (s) => `\u001b[31m${s}\u001b[39m`;
const inverse: OutputTransformer = (s) => `\u001b[7m${s}\u001b[27m`;
const numbered: OutputTransformer = (s, i) => `${i}:${s}`;
const link = '\u001b]8;;https://example.invalid/x\u0007link\u001b]8;;\u0007';

const CASES: readonly [string, Frame][] = [
  ['plain text', { width: 20, height: 3, ops: [{ write: [0, 0, 'hello'] }, { write: [2, 1, 'world'] }] }],
  ['empty screen and empty writes', { width: 10, height: 2, ops: [{ write: [0, 0, ''] }] }],
  ['multi-line text', { width: 12, height: 4, ops: [{ write: [1, 1, 'one\ntwo\nthree'] }] }],
  ['lines below the last row are dropped', { width: 12, height: 2, ops: [{ write: [0, 1, 'a\nb\nc'] }] }],
  [
    'a write at a row that does not exist',
    { width: 8, height: 2, ops: [{ write: [0, -1, 'x\ny'] }, { write: [0, 5, 'z'] }] },
  ],
  ['a fractional row', { width: 8, height: 3, ops: [{ write: [0, 0.5, 'x'] }] }],
  [
    'negative x drops what lies left of the screen',
    { width: 8, height: 1, ops: [{ write: [-2, 0, 'abcdef'] }] },
  ],
  ['text past the width', { width: 4, height: 1, ops: [{ write: [2, 0, 'abcdef'] }] }],
  ['a write far right of the width leaves holes', { width: 4, height: 1, ops: [{ write: [9, 0, 'ab'] }] }],
  [
    'overlapping writes: the later wins',
    { width: 10, height: 1, ops: [{ write: [0, 0, 'aaaaaaaa'] }, { write: [3, 0, 'BB'] }] },
  ],
  [
    'colour by transformer',
    { width: 20, height: 2, ops: [{ write: [0, 0, 'alert', [red]] }, { write: [6, 0, 'ok'] }] },
  ],
  [
    'nested transformers and their line index',
    { width: 20, height: 3, ops: [{ write: [0, 0, 'a\nb\nc', [numbered, inverse, red]] }] },
  ],
  [
    'styles inside the text',
    {
      width: 30,
      height: 1,
      ops: [{ write: [0, 0, 'x\u001b[1mbold\u001b[22m \u001b[38;5;208morange\u001b[39m'] }],
    },
  ],
  ['a hyperlink', { width: 20, height: 1, ops: [{ write: [1, 0, link] }] }],
  [
    'wide characters',
    { width: 12, height: 2, ops: [{ write: [0, 0, 'ノード名'] }, { write: [1, 1, '✗✓…'] }] },
  ],
  [
    'a wide character overwritten by half',
    { width: 12, height: 1, ops: [{ write: [0, 0, '名前'] }, { write: [1, 0, 'x'] }] },
  ],
  ['emoji and combining marks', { width: 16, height: 1, ops: [{ write: [0, 0, 'e\u0301 👍🏽 🇩🇪 ok'] }] }],
  [
    'trailing spaces are trimmed, styled ones kept',
    { width: 16, height: 2, ops: [{ write: [0, 0, 'ab   '] }, { write: [0, 1, 'ab  ', [inverse]] }] },
  ],
  [
    'horizontal clip',
    {
      width: 20,
      height: 2,
      ops: [
        { clip: { x1: 2, x2: 6 } },
        { write: [0, 0, 'abcdefghij'] },
        { write: [4, 1, '\u001b[31mredred\u001b[39m'] },
        'unclip',
      ],
    },
  ],
  [
    'horizontal clip: wholly outside',
    { width: 20, height: 1, ops: [{ clip: { x1: 10, x2: 15 } }, { write: [0, 0, 'abc'] }, 'unclip'] },
  ],
  [
    'vertical clip',
    {
      width: 10,
      height: 6,
      ops: [{ clip: { y1: 1, y2: 3 } }, { write: [0, 0, '0\n1\n2\n3\n4', [numbered]] }, 'unclip'],
    },
  ],
  [
    'vertical clip: wholly outside',
    { width: 10, height: 6, ops: [{ clip: { y1: 4, y2: 5 } }, { write: [0, 0, 'a\nb'] }, 'unclip'] },
  ],
  [
    'nested clips and unclip',
    {
      width: 12,
      height: 4,
      ops: [
        { clip: { x1: 0, x2: 8, y1: 0, y2: 3 } },
        { clip: { x1: 2, x2: 4, y1: 1, y2: 2 } },
        { write: [0, 0, 'abcdefgh\nijklmnop\nqrstuvwx'] },
        'unclip',
        { write: [0, 2, 'ABCDEFGHIJKL'] },
        'unclip',
        { write: [10, 3, 'zz'] },
      ],
    },
  ],
  [
    'a clip with one side only clips nothing',
    { width: 10, height: 1, ops: [{ clip: { x1: 2 } }, { write: [0, 0, 'abcdef'] }, 'unclip'] },
  ],
  [
    'clip over wide characters',
    { width: 12, height: 1, ops: [{ clip: { x1: 1, x2: 5 } }, { write: [0, 0, '名前です'] }, 'unclip'] },
  ],
];

/** A seeded stream of whole numbers below n (the same frames every run). */
function seeded(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
}

describe('the output stage with memory gives Ink’s text', () => {
  test.each(CASES)('%s', (_name, frame) => {
    const { ink, ours } = both(frame);
    expect(ours).toEqual(ink);
    // The second time the rows come from memory: still the same.
    expect(both(frame).ours).toEqual(ink);
  });

  test('frames in sequence: scrolling, a moving cursor and a changed width', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `row ${String(i).padStart(3)} ✗ image-${i % 7}`);
    const frames: Frame[] = [];
    for (let top = 0; top < 20; top += 3) {
      for (const cursor of [0, 4, 9]) {
        const width = top % 2 ? 40 : 44;
        const ops: Op[] = [{ write: [0, 0, `header ${top}`, [red]] }];
        for (let y = 0; y < 10; y++) {
          const line = rows[top + y] as string;
          ops.push({ write: [0, y + 1, line.slice(0, 10), y === cursor ? [inverse] : []] });
          ops.push({ write: [10, y + 1, line.slice(10), y === cursor ? [inverse, red] : []] });
        }
        frames.push({ width, height: 12, ops });
      }
    }
    for (const frame of frames) {
      const { ink, ours } = both(frame);
      expect(ours).toEqual(ink);
    }
  });

  test('seeded random frames', () => {
    const next = seeded(7);
    const texts = [
      'abc',
      'ノード',
      '✗ fail',
      'x\ny\nz',
      '',
      '  pad  ',
      link,
      'e\u0301',
      '\u001b[32mgreen\u001b[39m',
      '👍',
    ];
    const transformers = [[], [red], [inverse], [numbered], [red, inverse]];
    for (let round = 0; round < 300; round++) {
      const ops: Op[] = [];
      let open = 0;
      for (let k = 0; k < 1 + next(8); k++) {
        const pick = next(10);
        if (pick === 0) {
          ops.push({ clip: { x1: next(6), x2: 4 + next(10), y1: next(3), y2: 2 + next(4) } });
          open++;
        } else if (pick === 1 && open > 0) {
          ops.push('unclip');
          open--;
        } else {
          const text = texts[next(texts.length)] as string;
          ops.push({ write: [next(14) - 2, next(7) - 1, text, transformers[next(transformers.length)]] });
        }
      }
      const frame = { width: 6 + next(12), height: 1 + next(5), ops };
      const { ink, ours } = both(frame);
      expect(ours, JSON.stringify(frame.ops)).toEqual(ink);
    }
  });
});

describe('rows joined from their pieces (the path without a cell per character)', () => {
  test('seeded random table rows: cells side by side, touching or apart, styled or not, some past the width', () => {
    const next = seeded(11);
    const cells = [
      'FAIL',
      'ok',
      'ノード',
      '  pad  ',
      'e\u0301x',
      '👍',
      '\u001b[1mbold\u001b[22m',
      '\u001b[32mgreen\u001b[39m tail',
      'head \u001b[7minv\u001b[27m',
      '\u001b[31m\u001b[1mboth\u001b[22m\u001b[39m',
      link,
      '\u001b[31m\u001b[39m',
    ];
    const styles = [[], [], [red], [inverse], [red, inverse]];
    for (let round = 0; round < 1500; round++) {
      const width = 8 + next(30);
      const ops: Op[] = [];
      for (let y = 0; y < 1 + next(4); y++) {
        let x = next(3);
        for (let k = 0; k < 1 + next(6); k++) {
          const text = cells[next(cells.length)] as string;
          ops.push({ write: [x, y, text, styles[next(styles.length)]] });
          // Touching (0), one or two blanks apart, or once in a while back over the last cell.
          const gap = next(8) === 0 ? -2 : next(3);
          x += stripVTControlCharacters(text).length + gap;
        }
      }
      const frame = { width, height: 4, ops };
      const { ink, ours } = both(frame);
      expect(ours, JSON.stringify(frame)).toEqual(ink);
      expect(both(frame).ours).toEqual(ink);
    }
  });
});

describe('GenerationMemo', () => {
  test('makes each value once while it is remembered, and stays within two generations', () => {
    let made = 0;
    const memo = new GenerationMemo<string>(3);
    const make = (k: string) => {
      made++;
      return k.toUpperCase();
    };
    expect(['a', 'b', 'a', 'c'].map((k) => memo.get(k, make))).toEqual(['A', 'B', 'A', 'C']);
    expect(made).toBe(3);
    for (const k of ['d', 'e', 'f', 'g', 'h']) memo.get(k, make);
    expect(memo.size).toBeLessThanOrEqual(6);
    made = 0;
    memo.get('h', make);
    expect(made).toBe(0);
    // 'a' was flipped out two generations ago: made again.
    memo.get('a', make);
    expect(made).toBe(1);
  });

  test('a hit in the previous generation moves up and survives the next flip', () => {
    const memo = new GenerationMemo<number>(2);
    let made = 0;
    const make = (k: string) => {
      made++;
      return k.length;
    };
    memo.get('a', make);
    memo.get('bb', make); // current: a, bb
    memo.get('ccc', make); // flip: previous a, bb; current ccc
    memo.get('a', make); // from previous, moved up: current ccc, a
    memo.get('dddd', make); // flip: previous ccc, a; current dddd
    made = 0;
    memo.get('a', make);
    expect(made).toBe(0);
    memo.get('bb', make);
    expect(made).toBe(1);
  });
});
