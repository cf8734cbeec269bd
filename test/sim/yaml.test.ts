import { describe, expect, it } from 'vitest';
import { parseDocuments } from '../../src/sim/scenario.js';

/**
 * What the scenario parser makes of tricky YAML. The expected values are literals of what js-yaml
 * (core schema), the parser the simulator used before it moved to the `yaml` library, returned for
 * each input: scenarios and dumps must read exactly as they did.
 */
const CASES: [name: string, text: string, documents: unknown[]][] = [
  [
    'unquoted timestamps stay strings',
    'a: 2026-11-22T12:40:00Z\nb: 2026-11-22\nc: 2001-12-14 21:59:43.10 -5\nd: 2026-11-22T12:40:00.123456+02:00\n',
    [
      {
        a: '2026-11-22T12:40:00Z',
        b: '2026-11-22',
        c: '2001-12-14 21:59:43.10 -5',
        d: '2026-11-22T12:40:00.123456+02:00',
      },
    ],
  ],
  [
    'on/off/yes/no/y/n stay strings; only true/false (3 spellings) are booleans',
    'a: on\nb: off\nc: yes\nd: no\ne: y\nf: n\ng: true\nh: True\ni: TRUE\nj: false\nk: False\nl: FALSE\nm: tRue\nn: Yes\no: ON\n',
    [
      {
        a: 'on',
        b: 'off',
        c: 'yes',
        d: 'no',
        e: 'y',
        f: 'n',
        g: true,
        h: true,
        i: true,
        j: false,
        k: false,
        l: false,
        m: 'tRue',
        n: 'Yes',
        o: 'ON',
      },
    ],
  ],
  [
    'nulls',
    'a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nUll\ng: ""\n',
    [{ a: null, b: null, c: null, d: null, e: null, f: 'nUll', g: '' }],
  ],
  [
    'octal-looking and prefixed ints',
    'a: 0755\nb: 0o755\nc: 0x1F\nd: 012\ne: 08\nf: 0b101\ng: 1_000\nh: -012\ni: +12\nj: 0\nk: -0\nl: 00\nm: -0x1f\nn: +0o17\no: -0b11\np: 0x\nq: 0o8\nr: 0B1\ns: 0X1F\n',
    [
      {
        a: 755,
        b: 493,
        c: 31,
        d: 12,
        e: 8,
        f: 5,
        g: '1_000',
        h: -12,
        i: 12,
        j: 0,
        k: 0,
        l: 0,
        m: -31,
        n: 15,
        o: -3,
        p: '0x',
        q: '0o8',
        r: '0B1',
        s: '0X1F',
      },
    ],
  ],
  [
    'floats',
    'a: 1.10\nb: .5\nc: 1e3\nd: 1.5e-3\ne: .inf\nf: -.Inf\ng: .NaN\nh: 1.\ni: 6.8523015e+5\nj: 1_000.5\nk: +.5\nl: 1E3\nm: -.5\nn: +1.5\no: -0.0\np: .NAN\nq: +.INF\nr: .5e2\ns: 1.2.3\n',
    [
      {
        a: 1.1,
        b: 0.5,
        c: 1000,
        d: 0.0015,
        e: Number.POSITIVE_INFINITY,
        f: Number.NEGATIVE_INFINITY,
        g: Number.NaN,
        h: 1,
        i: 685230.15,
        j: '1_000.5',
        k: '+.5',
        l: 1000,
        m: '-.5',
        n: 1.5,
        o: -0,
        p: Number.NaN,
        q: Number.POSITIVE_INFINITY,
        r: 50,
        s: '1.2.3',
      },
    ],
  ],
  [
    'large numbers',
    'a: 12345678901234567890\nb: 9007199254740993\nc: 1e400\n',
    [{ a: 12345678901234567000, b: 9007199254740992, c: '1e400' }],
  ],
  [
    'version-like and address-like strings',
    'a: \'012\'\nb: "on"\nc: v1.32\nd: 127.0.0.1\ne: 10:30\nf: 1:20:30\ng: =\nh: 1.32.4+vmware.1\ni: 100.96.0.0/11\n',
    [
      {
        a: '012',
        b: 'on',
        c: 'v1.32',
        d: '127.0.0.1',
        e: '10:30',
        f: '1:20:30',
        g: '=',
        h: '1.32.4+vmware.1',
        i: '100.96.0.0/11',
      },
    ],
  ],
  ['empty stream', '', []],
  ['empty documents are dropped', '---\n---\n# just a comment\n---\na: 1\n---\n...\n', [{ a: 1 }]],
  [
    'multi-document',
    'apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n...\n---\n- 1\n- 2\n--- text\n',
    [{ apiVersion: 'v1', kind: 'A' }, { apiVersion: 'v1', kind: 'B' }, [1, 2], 'text'],
  ],
  [
    'kind: List',
    'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p, labels: {app: web}}\nmetadata:\n  resourceVersion: ""\n',
    [
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'web' } } }],
        metadata: { resourceVersion: '' },
      },
    ],
  ],
  [
    'anchors and aliases',
    'base: &b {x: 1, y: [a, b]}\nuse: *b\nlist: [&s str, *s]\nnum: &n 5\nagain: *n\n',
    [{ base: { x: 1, y: ['a', 'b'] }, use: { x: 1, y: ['a', 'b'] }, list: ['str', 'str'], num: 5, again: 5 }],
  ],
  [
    'anchors are per document',
    'a: &x 1\nb: *x\n---\nc: &x 2\nd: *x\n',
    [
      { a: 1, b: 1 },
      { c: 2, d: 2 },
    ],
  ],
  [
    '<< is a plain key (no merge in the core schema)',
    'base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n',
    [{ base: { x: 1 }, derived: { '<<': { x: 1 }, y: 2 } }],
  ],
  [
    'non-string keys become strings',
    '1: one\ntrue: t\n~: n\n1.5: f\n? [a, b]\n: seq\n0x10: hex\n',
    [{ '1': 'one', '16': 'hex', true: 't', null: 'n', '1.5': 'f', 'a,b': 'seq' }],
  ],
  [
    'block scalars',
    'a: |\n  line1\n  line2\nb: >\n  folded\n  text\nc: |-\n  x\nd: >+\n  y\n\ne: |2\n    indented\n',
    [{ a: 'line1\nline2\n', b: 'folded text\n', c: 'x', d: 'y\n\n', e: '  indented\n' }],
  ],
  [
    'quoting and escapes',
    "a: 'it''s'\nb: \"tab\\tnl\\n\\u00e9\"\nc: plain # comment\nd: '  spaces  '\ne: \"\\x41\"\n",
    [{ a: "it's", b: 'tab\tnl\né', c: 'plain', d: '  spaces  ', e: 'A' }],
  ],
  [
    'explicit tags that fit',
    'a: !!str 12\nb: !!int "7"\nc: !!float 1\nd: !!bool "true"\ne: !!str true\nf: !!null ~\ng: !!map {x: 1}\nh: !!seq [1]\n',
    [{ a: '12', b: 7, c: 1, d: true, e: 'true', f: null, g: { x: 1 }, h: [1] }],
  ],
  ['byte order mark and CRLF', '﻿a: 1\r\nb: two\r\n', [{ a: 1, b: 'two' }]],
  ['empty collections and strings', 'a: []\nb: {}\nc: ""\nd: \'\'\n', [{ a: [], b: {}, c: '', d: '' }]],
  ['unicode', 'name: "\\u2603"\nsnow: ☃\n', [{ name: '☃', snow: '☃' }]],
  [
    'a %YAML 1.1 directive does not switch schemas',
    '%YAML 1.1\n---\na: on\nb: 0755\nc: yes\n',
    [{ a: 'on', b: 755, c: 'yes' }],
  ],
  [
    '__proto__ is an own key',
    '__proto__: {polluted: true}\nx: 1\n',
    [JSON.parse('{"__proto__": {"polluted": true}, "x": 1}')],
  ],
  [
    'a Kubernetes object',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n  creationTimestamp: 2026-11-22T12:40:00Z\n  annotations:\n    deployment.kubernetes.io/revision: "3"\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: web\n        image: registry.example.internal/tkg/web:1.2\n        ports:\n        - containerPort: 8080\n          protocol: TCP\n        env:\n        - name: DEBUG\n          value: "no"\n        - name: MODE\n          value: off\n',
    [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'web',
          namespace: 'shop',
          creationTimestamp: '2026-11-22T12:40:00Z',
          annotations: { 'deployment.kubernetes.io/revision': '3' },
        },
        spec: {
          replicas: 3,
          template: {
            spec: {
              containers: [
                {
                  name: 'web',
                  image: 'registry.example.internal/tkg/web:1.2',
                  ports: [{ containerPort: 8080, protocol: 'TCP' }],
                  env: [
                    { name: 'DEBUG', value: 'no' },
                    { name: 'MODE', value: 'off' },
                  ],
                },
              ],
            },
          },
        },
      },
    ],
  ],
];

/** Inputs js-yaml refused: they must still be refused. */
const ERRORS: [name: string, text: string][] = [
  ['duplicate keys', 'a: 1\na: 2\n'],
  ['duplicate keys after stringifying', '1: a\n"1": b\n'],
  ['an unknown tag', 'a: !foo bar\n'],
  ['a tag of another schema (!!binary)', 'a: !!binary aGVsbG8=\n'],
  ['a tag of another schema (!!timestamp)', 'a: !!timestamp 2026-01-01\n'],
  ['an explicit tag that does not fit', 'a: !!int abc\n'],
  ['an explicit bool that does not fit', 'a: !!bool yes\n'],
  ['an unclosed flow sequence', 'a: [1, 2\n'],
  ['bad indentation', 'a:\n  b: 1\n c: 2\n'],
  ['an unknown alias', 'a: *nope\n'],
];

describe('scenario YAML (as js-yaml core schema read it)', () => {
  it.each(CASES)('%s', (_name, text, documents) => {
    expect(parseDocuments(text)).toEqual(documents);
  });

  it.each(ERRORS)('refuses %s', (_name, text) => {
    expect(() => parseDocuments(text)).toThrow();
  });

  it('names a duplicate key as js-yaml did', () => {
    expect(() => parseDocuments('a: 1\na: 2\n')).toThrow(/duplicated mapping key/);
  });

  it('gives an alias the very value of its anchor', () => {
    const [doc] = parseDocuments('base: &b {x: 1}\nuse: *b\n') as [{ base: object; use: object }];
    expect(doc.use).toBe(doc.base);
  });

  it('keeps -0 out of ints and an own __proto__ key off the prototype', () => {
    const [doc] = parseDocuments('a: -0\n__proto__: {polluted: true}\n') as [Record<string, unknown>];
    expect(Object.is(doc.a, 0)).toBe(true);
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(Object.keys(doc)).toEqual(['a', '__proto__']);
  });
});
