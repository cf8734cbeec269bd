import { describe, expect, it } from 'vitest';
import { SecretRegistry } from '../../src/core/redact.js';
import { escapeJsonControls } from '../../src/core/sanitize.js';
import type { Finding } from '../../src/model/finding.js';
import { buildReport } from '../../src/model/report.js';
import { redactedJsonChunks, renderJson } from '../../src/report/json.js';
import { finding, NASTY, probeResult, SAMPLE_META, sampleResults } from './sample.js';

/** The one-string serialisation the pieces must reproduce exactly. */
function reference(registry: SecretRegistry, value: unknown): string {
  return JSON.stringify(registry.redactDeep(value), null, 2);
}

const many = (n: number, make: (i: number) => unknown) => Array.from({ length: n }, (_, i) => make(i));

describe('redactedJsonChunks: a value written in pieces is the same text as written whole', () => {
  const registry = new SecretRegistry();
  registry.add('hunter2-Zq8x-token');
  const cases: [string, unknown][] = [
    ['a primitive', 'just a string'],
    ['empty containers', { a: [], b: {}, c: [[]], d: [{}] }],
    [
      "a long array at depth 3 (a probe's findings)",
      { probes: [{ id: 'images', findings: many(100, (i) => ({ code: `X-${i}`, n: i, ok: i % 2 === 0 })) }] },
    ],
    [
      'a long array of arrays and primitives',
      { rows: many(80, (i) => (i % 3 === 0 ? [i, `s${i}`] : i % 3 === 1 ? null : `v${i}`)) },
    ],
    [
      'secrets inside split containers and pieces',
      {
        token: 'abc-value',
        pass: 7,
        list: many(70, (i) => ({
          detail: i === 5 ? 'x hunter2-Zq8x-token y' : `d${i}`,
          password: i === 9 ? 'pw1234' : '',
        })),
        url: 'https://robot:pw-unregistered@registry.example/v2',
      },
    ],
    [
      'values JSON.stringify leaves out or turns to null',
      {
        keep: 1,
        gone: undefined,
        fn: () => 1,
        arr: many(70, (i) => (i === 3 ? undefined : i === 4 ? () => 2 : i)),
        token: () => 3,
      },
    ],
    [
      'dates in split containers',
      { at: new Date('2026-12-01T00:00:00Z'), list: many(70, (i) => new Date(Date.UTC(2026, 0, 1 + i))) },
    ],
    [
      'a key masking renames, in a split container',
      { outer: { 'https://u:hunter2-Zq8x-token@h/x': 1, rows: many(70, (i) => i) } },
    ],
    ['control characters', { t: NASTY, list: many(70, (i) => `\u009b${i}\u202e`) }],
    [
      'runs longer than 256, broken by elements that are written in pieces themselves',
      {
        probes: [
          {
            findings: many(600, (i) =>
              i % 97 === 0
                ? { code: 'S', rows: many(70, (j) => ({ j })) }
                : { code: `X-${i}`, e: { a: [i] } },
            ),
          },
        ],
      },
    ],
    ['a long array at the root', many(300, (i) => ({ i, nested: { deep: [i, { k: 'v' }] } }))],
    [
      'a run with a secret in one element: that run element by element',
      { list: many(300, (i) => ({ detail: i === 280 ? 'hunter2-Zq8x-token' : `d${i}` })) },
    ],
  ];
  it.each(cases)('%s', (_, value) => {
    const joined = [...registry.redactedJsonChunks(value, 2)].join('');
    expect(joined).toBe(reference(registry, value));
    expect(joined).toBe(registry.redactedJson(value, 2));
    expect(joined).not.toMatch(/hunter2|pw-unregistered|pw1234|abc-value/);
  });

  // Runs are serialised nested to their depth, and the wrappers cut off by length: every depth and
  // indent width must come out exactly as one JSON.stringify.
  it.each([1, 2, 4])('indent %i: runs at depths 0 to 5', (space) => {
    const run = (tag: string) => many(70, (i) => ({ tag, i, inner: { list: [i, `${tag}${i}`] } }));
    const value = {
      d1: run('a'),
      d2: { x: run('b'), y: [run('c')] },
      d4: { a: { b: { c: run('d') } } },
      d5: [[[[run('e')]]]],
    };
    for (const v of [value, run('root'), [run('one-down')]]) {
      const joined = [...registry.redactedJsonChunks(v, space)].join('');
      expect(joined).toBe(JSON.stringify(v, null, space));
    }
  });

  it('a report with hundreds of findings: pieces of at most 256 findings, the file the same as renderJson', () => {
    const findings = many(300, (i) =>
      finding(
        'registry',
        'REG-205',
        'warn',
        { kind: 'Pod', namespace: 'ns', name: `p${i}` },
        { detail: `${NASTY} ${i}` },
      ),
    );
    const report = buildReport(
      [...sampleResults(), probeResult('registry', 'ready', findings as Finding[])],
      SAMPLE_META,
    );
    const pieces = [...redactedJsonChunks(report)];
    // Never the file as one string: findings come in runs (one native serialisation each) of 256 at most.
    const perPiece = pieces.map((p) => p.split('"code": "REG-205"').length - 1);
    expect(perPiece.reduce((a, b) => a + b, 0)).toBe(300);
    expect(Math.max(...perPiece)).toBeLessThanOrEqual(256);
    expect(perPiece.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    expect(pieces.join('')).toBe(`${escapeJsonControls(JSON.stringify(report, null, 2))}\n`);
    expect(pieces.join('')).toBe(renderJson(report));
  });
});
