import { describe, expect, it } from 'vitest';
import { slimPodOf } from '../../src/model/images/records.js';
import { stringInterner } from '../../src/model/objects.js';

/** A string equal to `s` that is a different object (JSON.parse gives each value its own copy). */
const copyOf = (s: string): string => JSON.parse(JSON.stringify(s)) as string;

describe('stringInterner', () => {
  it('gives back an equal string, the first copy seen for each value', () => {
    const intern = stringInterner();
    const first = copyOf('registry.example.internal/tkg/apps/api:1.0');
    expect(intern(first)).toBe(first);
    const again = intern(copyOf('registry.example.internal/tkg/apps/api:1.0'));
    expect(again).toBe(first);
    expect(intern('')).toBe('');
  });

  it('is bounded: past the limit it starts afresh and still answers equal strings', () => {
    const intern = stringInterner(3);
    const values = ['a', 'b', 'c', 'd', 'e', 'a', 'b'];
    expect(values.map((v) => intern(copyOf(v)))).toEqual(values);
  });

  it('each interner is its own (no state shared between two)', () => {
    const a = stringInterner();
    const b = stringInterner();
    a('x');
    expect(b('y')).toBe('y');
  });
});

describe('slimPodOf with an interner', () => {
  const pod = (n: number) => ({
    metadata: { name: `p-${n}`, namespace: 'ns', uid: `u-${n}` },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'registry.example.internal/a:1' }] },
    status: {
      containerStatuses: [
        {
          name: 'c',
          image: 'registry.example.internal/a:1',
          imageID: `registry.example.internal/a@sha256:${'ab'.repeat(32)}`,
        },
      ],
    },
  });
  it('makes the same record as without one', () => {
    const intern = stringInterner();
    for (let n = 0; n < 3; n++)
      expect(slimPodOf(JSON.parse(JSON.stringify(pod(n))), intern)).toEqual(slimPodOf(pod(n)));
  });
});
