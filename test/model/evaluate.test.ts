import { describe, expect, it } from 'vitest';
import { makeFinding } from '../../src/model/checks/index.js';
import { DEFAULT_CONFIG } from '../../src/model/config.js';
import { Evaluation, type Evaluator } from '../../src/model/evaluate.js';
import type { Finding } from '../../src/model/finding.js';
import { compareFindings } from '../../src/model/finding-order.js';
import type { StoreSnapshot } from '../../src/model/store.js';

function counting(probe: 'images' | 'ipam', timeDependent: boolean | undefined, fail = false) {
  const calls = { n: 0 };
  const evaluator: Evaluator = {
    probe,
    inputs: [],
    timeDependent,
    evaluate: () => {
      calls.n += 1;
      if (fail) throw new Error('kaboom');
      return [];
    },
  };
  return { evaluator, calls };
}

describe('Evaluation', () => {
  // Any object will do: these evaluators never look inside.
  const data = { pods: [] } as never;
  const snapshot: StoreSnapshot = { images: { status: 'ready', data }, ipam: { status: 'ready', data } };
  const t0 = new Date('2026-01-01T00:00:00Z');
  const later = new Date(t0.getTime() + 60_000);

  it('re-runs an evaluator only when its data changes, or when time passes for a time-dependent one', () => {
    const images = counting('images', false);
    const ipam = counting('ipam', undefined);
    const evaluation = new Evaluation([images.evaluator, ipam.evaluator], 5_000);
    evaluation.run(snapshot, DEFAULT_CONFIG, t0);
    evaluation.run(snapshot, DEFAULT_CONFIG, t0);
    expect([images.calls.n, ipam.calls.n]).toEqual([1, 1]);
    evaluation.run(snapshot, DEFAULT_CONFIG, later);
    expect([images.calls.n, ipam.calls.n]).toEqual([1, 2]);
    evaluation.run(
      { ...snapshot, images: { status: 'ready', data: { pods: [] } as never } },
      DEFAULT_CONFIG,
      later,
    );
    expect([images.calls.n, ipam.calls.n]).toEqual([2, 2]);
  });

  // Re-run because time passed, an evaluator may give back the very findings of last time (its own
  // caches re-judged nothing): the last array is kept, which the screens memoise on.
  const f = (name: string): Finding =>
    makeFinding('IMG-002', {
      subject: { kind: 'Pod', namespace: 'ns', name },
      title: `t ${name}`,
      detail: 'd',
      evidence: {},
    });
  const a = f('a');
  const b = f('b');
  it.each([
    ['the same objects in the same order: the last array', [a, b], [a, b], true],
    ['the same objects, returned in another order: sorted alike, the last array', [a, b], [b, a], true],
    ['equal but new objects: a new array', [a, b], [f('a'), f('b')], false],
    ['one finding more: a new array', [a], [a, b], false],
    ['one finding fewer: a new array', [a, b], [a], false],
  ] as [string, Finding[], Finding[], boolean][])('%s', (_name, first, second, kept) => {
    const outputs = [first, second];
    let call = 0;
    const evaluator: Evaluator = {
      probe: 'ipam',
      inputs: [],
      evaluate: () => [...(outputs[call++] ?? [])],
    };
    const evaluation = new Evaluation([evaluator], 5_000);
    const before = evaluation.run(snapshot, DEFAULT_CONFIG, t0).find((r) => r.id === 'ipam');
    const after = evaluation.run(snapshot, DEFAULT_CONFIG, later).find((r) => r.id === 'ipam');
    expect(call).toBe(2);
    expect(after?.findings).toEqual([...second].sort(compareFindings));
    expect(after?.findings === before?.findings).toBe(kept);
  });

  it('contains a throwing evaluator to its own probe, marked as a bug', () => {
    const images = counting('images', false, true);
    const ipam = counting('ipam', false);
    const results = new Evaluation([images.evaluator, ipam.evaluator]).run(snapshot, DEFAULT_CONFIG, t0);
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId.images).toMatchObject({ status: 'error', bug: true });
    expect(byId.images?.message).toContain('kaboom');
    expect(byId.ipam).toMatchObject({ status: 'ready' });
    expect(byId.portgroups).toMatchObject({ status: 'not-applicable', message: 'not enabled' });
  });
});
