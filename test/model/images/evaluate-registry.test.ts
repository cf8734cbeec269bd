import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/model/config.js';
import { evaluateImages, ImagesChecker } from '../../../src/model/images/evaluate.js';
import type { ImagesData, PodRecord } from '../../../src/model/images/types.js';
import {
  judgeAll,
  type PresenceData,
  type PresencePlan,
  planPresence,
  type TripleAnswer,
} from '../../../src/model/registry/presence.js';
import { registryCheckSettings } from '../../../src/model/registry/settings.js';
import { probeKey } from '../../../src/model/registry/types.js';

/**
 * The images checker joins each container with the registry's answer; a new sweep re-judges only
 * the pods whose answer changed (the sweep keeps unchanged judgements as the same objects), and the
 * result is always what a cold evaluation gives.
 */
const config = parseConfig('[registry]\nprivate = ["registry.example.internal/tkg"]\n', 'c.toml').config;

function pods(count: number): ImagesData {
  const list: PodRecord[] = [];
  for (let i = 0; i < count; i++) {
    list.push({
      uid: `u${i}`,
      namespace: 'apps',
      name: `pod-${String(i).padStart(3, '0')}`,
      workload: { kind: 'Pod', name: `pod-${i}` },
      containers: [{ name: 'app', kind: 'container', image: `registry.example.internal/tkg/app:${i % 10}` }],
    });
  }
  return { pods: list };
}

function presence(plan: PresencePlan, missing: ReadonlySet<string>, previous?: PresenceData): PresenceData {
  const answers = new Map<string, TripleAnswer>();
  for (const p of plan.probes) {
    const absent = missing.has(p.reference);
    answers.set(probeKey(p), {
      method: 'HEAD',
      status: absent ? 404 : 200,
      answer: { kind: 'http', status: absent ? 404 : 200, method: 'HEAD', auth: 'none' },
    });
  }
  const images = judgeAll(plan, answers, (request) => {
    const before = previous?.images[request.key];
    return before && !missing.has(before.reference) && before.outcome.kind === 'present' ? before : undefined;
  });
  return {
    configKey: plan.configKey,
    sweptAt: '2026-12-01T00:00:00Z',
    durationMs: 0,
    groups: plan.groups,
    nodeGroups: plan.nodeGroups,
    images,
    tls: {},
    counts: { requests: 0, triples: 0, manifestRequests: 0, tokenRequests: 0, fromCache: 0 },
    unreachable: [],
  };
}

describe('images checker with registry answers', () => {
  it('a new sweep re-judges only the pods whose answer changed, and equals a cold evaluation', () => {
    const data = pods(100);
    const plan = planPresence(data, undefined, registryCheckSettings(config.registry));
    const first = presence(plan, new Set());
    const second = presence(plan, new Set(['3']), first);
    const checker = new ImagesChecker();
    const before = checker.evaluate(data, config, { registry: first });
    expect(new Set(before.map((f) => f.code))).toEqual(new Set(['REG-201']));
    const after = checker.evaluate(data, config, { registry: second });
    expect(after).toEqual(evaluateImages(data, config, { registry: second }));
    const bySubject = new Map(before.map((f) => [f.subject.name, f]));
    for (const f of after) {
      const tagThree = f.subject.name.endsWith('3');
      expect(f.code).toBe(tagThree ? 'REG-204' : 'REG-201');
      // Unchanged answers: the very same finding objects; changed ones: new findings.
      expect(f === bySubject.get(f.subject.name)).toBe(!tagThree);
    }
  });

  it('without registry data, then with it: every container is judged again', () => {
    const data = pods(20);
    const plan = planPresence(data, undefined, registryCheckSettings(config.registry));
    const checker = new ImagesChecker();
    expect(new Set(checker.evaluate(data, config).map((f) => f.code))).toEqual(new Set(['IMG-001']));
    const answered = checker.evaluate(data, config, { registry: presence(plan, new Set(['0'])) });
    expect(answered.filter((f) => f.code === 'REG-204')).toHaveLength(2);
    expect(answered.filter((f) => f.code === 'REG-201')).toHaveLength(18);
  });
});
