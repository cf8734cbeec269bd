import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/model/config.js';
import type {
  ContainerdData,
  ContainerdView,
  NodeContainerdRecord,
} from '../../../src/model/containerd/types.js';
import { evaluateReadiness } from '../../../src/model/readiness/evaluate.js';
import { readinessExtraImages } from '../../../src/model/readiness/plan.js';
import type { ReadinessData } from '../../../src/model/readiness/types.js';
import {
  judgeAll,
  type PresenceData,
  planPresence,
  type TripleAnswer,
} from '../../../src/model/registry/presence.js';
import { probeKey } from '../../../src/model/registry/types.js';
import { dockerHubMirrorView } from '../../helpers/containerd-view.js';

/** Readiness judged from planned requests and synthetic answers: worst node group wins, no network. */
const PRIVATE = 'registry.example.internal';
const config = parseConfig(`[registry]\nprivate = ["${PRIVATE}/tkg"]\n`, 'c.toml').config;

const record = (node: string, view: ContainerdView): NodeContainerdRecord => ({
  node,
  target: `capv@${node}:22`,
  view,
  problems: [],
  certificates: [],
});
// Node a pulls docker.io through the private mirror; node b has no mirror at all.
const containerd: ContainerdData = {
  source: 'dump',
  sweptAt: '2026-12-01T00:00:00Z',
  durationMs: 0,
  nodes: [
    record('a', dockerHubMirrorView(PRIVATE)),
    record('b', dockerHubMirrorView(PRIVATE, {}, { registries: [] })),
  ],
};

const readiness: ReadinessData = {
  templates: [
    {
      uid: 'cj',
      kind: 'CronJob',
      namespace: 'default',
      name: 'weekly',
      containers: [{ name: 'report', kind: 'container', image: `${PRIVATE}/tkg/report-gen:2.1` }],
    },
    {
      uid: 'rs',
      kind: 'ReplicaSet',
      namespace: 'default',
      name: 'web-123',
      controlledBy: 'Deployment/web',
      containers: [{ name: 'web', kind: 'container', image: `${PRIVATE}/tkg/old:0.1` }],
    },
  ],
  expectSets: [
    {
      file: 'list.txt',
      format: 'list',
      images: [
        { image: 'nginx:1.25', file: 'list.txt', line: 1 },
        { image: `${PRIVATE}/tkg/report-gen:2.1`, file: 'list.txt', line: 2 },
      ],
    },
  ],
};

function sweep(answer: (path: string) => TripleAnswer): {
  presence: PresenceData;
  triples: number;
  requests: number;
} {
  const plan = planPresence(
    { pods: [] },
    containerd,
    { caFiles: {} },
    {
      extraImages: readinessExtraImages(readiness, containerd, { pods: [] }),
    },
  );
  const answers = new Map(plan.probes.map((p) => [probeKey(p), answer(`${p.repository}:${p.reference}`)]));
  const images = judgeAll(plan, answers);
  return {
    triples: plan.triples,
    requests: plan.requests.length,
    presence: {
      configKey: plan.configKey,
      sweptAt: '2026-12-01T00:00:00Z',
      durationMs: 0,
      groups: plan.groups,
      nodeGroups: plan.nodeGroups,
      images,
      tls: {},
      counts: { requests: 0, triples: 0, manifestRequests: 0, tokenRequests: 0, fromCache: 0 },
      unreachable: [],
    },
  };
}

const ok: TripleAnswer = {
  method: 'HEAD',
  status: 200,
  answer: { kind: 'http', status: 200, method: 'HEAD', auth: 'none', digest: `sha256:${'a'.repeat(64)}` },
};
const missing: TripleAnswer = {
  method: 'HEAD',
  status: 404,
  answer: { kind: 'http', status: 404, method: 'HEAD', auth: 'none', errorCodes: ['MANIFEST_UNKNOWN'] },
};

const summary = (findings: ReturnType<typeof evaluateReadiness>) =>
  findings
    .map(
      (f) =>
        `${f.code} ${f.subject.kind} ${f.subject.name}${f.subject.container ? ` [${f.subject.container}]` : ''}`,
    )
    .sort();

describe('readiness verdicts', () => {
  it('asks each unique triple once: two groups, three references, three triples', () => {
    const { triples, requests } = sweep(() => ok);
    // report-gen and pause are one endpoint for both groups; nginx is asked only through a's mirror.
    expect(triples).toBe(3);
    expect(requests).toBe(6);
  });

  it('present everywhere passes; a public image one group pulls from the internet fails (worst group wins)', () => {
    const { presence } = sweep(() => ok);
    const findings = evaluateReadiness({ data: readiness, config, containerd, presence });
    expect(summary(findings)).toEqual([
      'RDY-001 CronJob weekly [report]',
      'RDY-001 Node a [sandbox]',
      'RDY-001 Node b [sandbox]',
      'RDY-101 ExpectedImage registry.example.internal/tkg/report-gen:2.1',
      'RDY-105 ExpectedImage nginx:1.25',
      'RDY-106 ExpectFile list.txt',
    ]);
    const nginx = findings.find((f) => f.subject.name === 'nginx:1.25');
    expect(nginx?.evidence.group).toBe('nodes:b');
    expect(findings.find((f) => f.code === 'RDY-106')?.title).toBe(
      'list.txt: 1 of 2 expected images present',
    );
  });

  it('a missing template image fails with the owner in the title and the registry answer in the detail', () => {
    const { presence } = sweep((ref) => (ref.startsWith('tkg/report-gen') ? missing : ok));
    const findings = evaluateReadiness({ data: readiness, config, containerd, presence });
    const weekly = findings.find((f) => f.subject.name === 'weekly');
    expect(weekly?.code).toBe('RDY-002');
    expect(weekly?.title).toBe(
      `CronJob default/weekly will fail when it runs: ${PRIVATE}/tkg/report-gen:2.1 is not in the registry`,
    );
    expect(weekly?.detail).toContain(`https://${PRIVATE}/v2/tkg/report-gen/manifests/2.1: absent`);
    const expected = findings.find((f) => f.subject.name === `${PRIVATE}/tkg/report-gen:2.1`);
    expect(expected?.code).toBe('RDY-102');
    expect(expected?.title).toBe(
      `expected ${PRIVATE}/tkg/report-gen:2.1 (list.txt:2) is not in the registry`,
    );
  });

  it('without registry answers everything private is unverified, never passed', () => {
    const findings = evaluateReadiness({ data: readiness, config, containerd });
    expect(findings.find((f) => f.subject.name === 'weekly')?.code).toBe('RDY-003');
  });
});
