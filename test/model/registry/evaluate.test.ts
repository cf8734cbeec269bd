import { describe, expect, it } from 'vitest';
import type { ImagesData } from '../../../src/model/images/types.js';
import { evaluateRegistry, summariseEndpoints } from '../../../src/model/registry/evaluate.js';
import {
  type ImagePresence,
  judgeAll,
  type PresenceData,
  planPresence,
  type TripleAnswer,
} from '../../../src/model/registry/presence.js';
import { probeKey } from '../../../src/model/registry/types.js';

/**
 * The endpoint summary counts every judgement, also where judgeAll shares one endpoint list among
 * the digests of one (group, image): the same summary as with a list of its own per judgement.
 */
const NOW = new Date('2026-12-01T12:00:00Z');
const PRIVATE = 'registry.example.internal';
const digest = (c: string) => `sha256:${c.repeat(64)}`;

function images(): ImagesData {
  const containers: [string, string | undefined][] = [
    [`${PRIVATE}/tkg/app:1`, digest('a')],
    [`${PRIVATE}/tkg/app:1`, digest('b')],
    [`${PRIVATE}/tkg/app:1`, digest('c')],
    [`${PRIVATE}/tkg/db:2`, digest('d')],
    [`${PRIVATE}/tkg/db:2`, undefined],
    ['docker.io/library/nginx:1.25', digest('e')],
    ['docker.io/library/nginx:1.25', digest('f')],
  ];
  return {
    pods: containers.map(([image, d], i) => ({
      uid: `u${i}`,
      namespace: 'ns',
      name: `p${i}`,
      workload: { kind: 'Pod', name: `p${i}` },
      containers: [
        {
          name: 'c',
          kind: 'container' as const,
          image,
          ...(d ? { imageID: `${image.replace(/:[^:/]+$/, '')}@${d}` } : {}),
        },
      ],
    })),
  };
}

function sweep(answer: (reference: string, repository: string) => TripleAnswer): PresenceData {
  const plan = planPresence(images(), undefined, { caFiles: {} });
  const answers = new Map(plan.asks.map((p) => [probeKey(p), answer(p.reference, p.repository)]));
  return {
    configKey: plan.configKey,
    sweptAt: '2026-12-01T11:59:00.000Z',
    durationMs: 1,
    groups: plan.groups,
    nodeGroups: plan.nodeGroups,
    images: judgeAll(plan, answers),
    tls: {},
    counts: {
      requests: plan.requests.length,
      triples: plan.triples,
      manifestRequests: 2,
      tokenRequests: 0,
      fromCache: 0,
    },
    unreachable: [],
  };
}

/** The same data with a copy of the endpoint list in every judgement (nothing shared). */
function unshared(data: PresenceData): PresenceData {
  const copied: Record<string, ImagePresence> = {};
  for (const [key, p] of Object.entries(data.images))
    copied[key] = { ...p, endpoints: structuredClone(p.endpoints) };
  return { ...data, images: copied };
}

const http = (status: number, extra: object = {}): TripleAnswer => ({
  method: 'HEAD',
  status,
  answer: { kind: 'http', status, method: 'HEAD', auth: 'none', ...extra },
});

describe('endpoint summary over shared endpoint lists', () => {
  it.each([
    ['every image absent', () => http(404, { errorCodes: ['MANIFEST_UNKNOWN'] })],
    [
      'the registry refuses the connection',
      (): TripleAnswer => ({ method: 'HEAD', answer: { kind: 'network', failure: 'refused', message: 'x' } }),
    ],
    [
      'app served at digest a, db absent',
      (_ref: string, repo: string) => (repo === 'tkg/app' ? http(200, { digest: digest('a') }) : http(404)),
    ],
    ['503 for app, 401 for db', (_ref: string, repo: string) => (repo === 'tkg/app' ? http(503) : http(401))],
  ] as [string, (reference: string, repository: string) => TripleAnswer][])('%s', (_name, answer) => {
    const data = sweep(answer);
    const shared = Object.values(data.images).map((p) => p.endpoints);
    expect(new Set(shared).size).toBeLessThan(shared.length);
    expect(summariseEndpoints(data)).toEqual(summariseEndpoints(unshared(data)));
    expect(evaluateRegistry(data, NOW)).toEqual(evaluateRegistry(unshared(data), NOW));
  });

  it('counts each judgement: 5 private images absent, 2 public ones not asked', () => {
    const summary = summariseEndpoints(sweep(() => http(404, { errorCodes: ['MANIFEST_UNKNOWN'] })));
    const priv = summary.find((s) => s.origin === `https://${PRIVATE}`);
    const pub = summary.find((s) => s.origin === 'https://registry-1.docker.io');
    expect(priv?.absent).toBe(5);
    expect(pub?.publicImages).toBe(2);
  });
});
