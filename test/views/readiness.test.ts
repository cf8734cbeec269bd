import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/model/config.js';
import { evaluateReadiness } from '../../src/model/readiness/evaluate.js';
import { readinessExtraImages } from '../../src/model/readiness/plan.js';
import type { ReadinessData } from '../../src/model/readiness/types.js';
import {
  judgeAll,
  type PresenceData,
  planPresence,
  type TripleAnswer,
} from '../../src/model/registry/presence.js';
import { probeKey } from '../../src/model/registry/types.js';
import { readinessView } from '../../src/views/readiness.js';

/** The readiness screen, built from the evaluator's findings: missing first, proof on each row. */
const PRIVATE = 'registry.example.internal';
const config = parseConfig(`[registry]\nprivate = ["${PRIVATE}/tkg"]\n`, 'c.toml').config;

const data: ReadinessData = {
  templates: [
    {
      uid: 'd',
      kind: 'Deployment',
      namespace: 'apps',
      name: 'scaled',
      replicas: 0,
      containers: [{ name: 'app', kind: 'container', image: `${PRIVATE}/tkg/app:1.0` }],
    },
    {
      uid: 'c',
      kind: 'CronJob',
      namespace: 'apps',
      name: 'weekly',
      containers: [{ name: 'report', kind: 'container', image: `${PRIVATE}/tkg/report-gen:2.1` }],
    },
  ],
  expectSets: [
    {
      file: 'pub.yaml',
      format: 'publish-images-fromtar',
      destination: `${PRIVATE}/tkg`,
      images: [
        { image: `${PRIVATE}/tkg/app:1.0`, file: 'pub.yaml', line: 1 },
        { image: `${PRIVATE}/tkg/app:3.0`, file: 'pub.yaml', line: 2 },
      ],
    },
  ],
};

const answer = (status: number): TripleAnswer => ({
  method: 'HEAD',
  status,
  answer: {
    kind: 'http',
    status,
    method: 'HEAD',
    auth: 'none',
    ...(status === 200 ? { digest: `sha256:${'b'.repeat(64)}` } : {}),
  },
});

function presence(): PresenceData {
  const plan = planPresence(
    { pods: [] },
    undefined,
    { caFiles: {} },
    {
      extraImages: readinessExtraImages(data, undefined, { pods: [] }),
    },
  );
  const answers = new Map(plan.probes.map((p) => [probeKey(p), answer(p.reference === '1.0' ? 200 : 404)]));
  return {
    configKey: plan.configKey,
    sweptAt: '2026-12-01T00:00:00Z',
    durationMs: 0,
    groups: plan.groups,
    nodeGroups: plan.nodeGroups,
    images: judgeAll(plan, answers),
    tls: {},
    counts: { requests: 0, triples: 0, manifestRequests: 0, tokenRequests: 0, fromCache: 0 },
    unreachable: [],
  };
}

describe('readiness screen', () => {
  it('templates and expect files, missing first, each row with the request that proves it', () => {
    const registry = presence();
    const findings = evaluateReadiness({ data, config, presence: registry });
    const tables = readinessView({
      data,
      state: { status: 'ready', data },
      findings,
      snapshot: { registry: { status: 'ready', data: registry } },
      config,
      now: new Date('2026-12-01T00:00:00Z'),
    });
    const [pending, expected] = tables;
    expect(pending?.rows.map((r) => [r.cells.subject, r.cells.result])).toEqual([
      ['CronJob apps/weekly [report]', 'MISSING'],
      ['Deployment apps/scaled [app]', 'present'],
    ]);
    expect(pending?.rows[1]?.cells.proof).toBe(
      `HEAD https://${PRIVATE}/v2/tkg/app/manifests/1.0 200 sha256:${'b'.repeat(64)}`,
    );
    expect(pending?.footer).toBe('2 images not running yet, 1 would fail; 2 templates read');
    expect(expected?.rows.map((r) => [r.depth, r.cells.subject, r.cells.result])).toEqual([
      [0, 'pub.yaml', '1 of 2 present'],
      [1, `${PRIVATE}/tkg/app:3.0`, 'MISSING'],
      [1, `${PRIVATE}/tkg/app:1.0`, 'present'],
    ]);
    // enter: the finding and the registry's answer for that group.
    const drill = expected?.rows[1]?.object as { registry?: { outcome: { kind: string } } };
    expect(drill.registry?.outcome.kind).toBe('absent');
  });
});
