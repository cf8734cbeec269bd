import { describe, expect, it } from 'vitest';
import { createEvaluators } from '../../../src/app/probe-registry.js';
import { timedEvaluators } from '../../../src/app/timed-evaluators.js';
import { Logger } from '../../../src/core/log.js';
import type { Config } from '../../../src/model/config.js';
import { Evaluation } from '../../../src/model/evaluate.js';
import type { Finding } from '../../../src/model/finding.js';
import { compareFindings } from '../../../src/model/finding-order.js';
import { createImagesEvaluator } from '../../../src/model/images/evaluate.js';
import { imagesDataFromObjects } from '../../../src/model/images/records.js';
import type { ImagesData } from '../../../src/model/images/types.js';
import { Store } from '../../../src/model/store.js';
import { generateScenario, parseGenerateSpec } from '../../../src/sim/generate/index.js';
import { fixtureConfig, fixtureData } from './fixture.js';

/**
 * The images evaluator says it returns its findings in compareFindings order (returnsSorted), so the
 * session does not sort 12,000 findings again at every evaluation. Held to that here: cold, after
 * incremental changes (pods added, changed, removed), and with unreadable collections merged in.
 */

function generated(pods: number): ImagesData {
  const objects = generateScenario(parseGenerateSpec(`nodes=20,pods=${pods},namespaces=6`), 3);
  return imagesDataFromObjects(objects as Parameters<typeof imagesDataFromObjects>[0]);
}

function expectSorted(findings: readonly Finding[]): void {
  const resorted = [...findings].sort(compareFindings);
  // Same objects in the same places (a stable sort of a sorted array moves nothing).
  expect(findings.length).toBeGreaterThan(0);
  expect(findings.every((f, i) => f === resorted[i])).toBe(true);
}

const evaluateOnce = (data: ImagesData, config: Config, evaluator = createImagesEvaluator()) =>
  evaluator.evaluate({ data, config, inputs: {}, now: new Date('2026-12-01T00:00:00Z') });

describe('the images evaluator returns its findings sorted', () => {
  it('declares it', () => {
    expect(createImagesEvaluator().returnsSorted).toBe(true);
  });

  it.each([
    ['the images fixture', () => fixtureData()],
    ['1,000 generated pods', () => generated(1000)],
  ])('cold, on %s', (_name, data) => {
    expectSorted(evaluateOnce(data(), fixtureConfig()));
  });

  it('after pods are added, changed and removed (the incremental path)', () => {
    const evaluator = createImagesEvaluator();
    const config = fixtureConfig();
    const first = generated(600);
    expectSorted(evaluateOnce(first, config, evaluator));
    const pods = [...first.pods];
    const changed = pods[7] as (typeof pods)[number];
    pods[7] = {
      ...changed,
      containers: changed.containers.map((c) => ({ ...c, image: `docker.io/library/nginx:${c.name}` })),
    };
    pods.splice(40, 5);
    pods.push({ ...changed, uid: 'new-uid', name: 'aaa-first-by-name', namespace: 'a' });
    expectSorted(evaluateOnce({ ...first, pods }, config, evaluator));
  });

  it('with unreadable collections merged in', () => {
    const data: ImagesData = {
      ...fixtureData(),
      unreadable: [
        { resource: 'replicasets.apps', reason: 'forbidden' },
        { resource: 'events', reason: 'timeout' },
      ],
    };
    const findings = evaluateOnce(data, fixtureConfig());
    expect(findings.some((f) => f.code === 'IMG-011')).toBe(true);
    expectSorted(findings);
  });

  it("the session's evaluators keep the claim and that order", () => {
    const store = new Store();
    store.set('images', { status: 'ready', data: generated(300) });
    const evaluation = new Evaluation(timedEvaluators(createEvaluators(), () => new Logger()));
    const result = evaluation.run(store.snapshot, fixtureConfig(), new Date('2026-12-01T00:00:00Z'));
    expectSorted(result.find((r) => r.id === 'images')?.findings ?? []);
  });
});
