import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/model/config.js';
import { Evaluation, type Evaluator } from '../../src/model/evaluate.js';
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
