import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Config, parseConfig } from '../../../src/model/config.js';
import { originFindings } from '../../../src/model/containerd/evaluate.js';
import type { ContainerdData, NodeContainerdRecord } from '../../../src/model/containerd/types.js';
import type { Finding } from '../../../src/model/finding.js';
import { rawFindings } from '../../../src/model/images/container.js';
import {
  containerEffectiveFinding,
  effectiveContext,
  withEffectiveVerdict,
} from '../../../src/model/images/effective-verdict.js';
import { compilePolicy } from '../../../src/model/images/policy.js';
import { imagesDataFromObjects } from '../../../src/model/images/records.js';
import type { ImagesData, PodRecord } from '../../../src/model/images/types.js';
import {
  judgeAll,
  type PresenceData,
  planPresence,
  type TripleAnswer,
} from '../../../src/model/registry/presence.js';
import { registryCheckSettings } from '../../../src/model/registry/settings.js';
import { type ManifestProbe, probeKey } from '../../../src/model/registry/types.js';
import { readDumpNodes } from '../../../src/probes/containerd/index.js';
import { fixtureConfig, fixtureData } from './fixture.js';

/**
 * The images and containerd probes never contradict each other about one container. Every
 * container of every pod fixture (fixtures/images, the demo scenario, plus public names the
 * mirrors cover) is placed on every containerd fixture node, under each fixture config and each
 * registry answer (none, all present, all absent, unreachable, first endpoint missing), and the
 * images probe's effective verdict is compared with the containerd probe's CTRD-2xx for it.
 */
const ROOT = join(import.meta.dirname, '../../..');
let nodes: NodeContainerdRecord[];

const PASS_CTRD = new Set(['CTRD-201', 'CTRD-202']);
const FAIL_CTRD = new Set(['CTRD-204', 'CTRD-205']);
/** The name-based "where from" verdicts (kept here, not imported, so the test judges the module). */
const NAME_CODES = new Set(['IMG-001', 'IMG-002', 'IMG-003', 'IMG-009']);
/** Fails that are about what the registry holds, not where the node pulls from. */
const PRESENCE_FAILS = new Set([
  'REG-203',
  'REG-204',
  'REG-003',
  'REG-004',
  'REG-005',
  'REG-101',
  'REG-102',
  'REG-104',
]);

function demoData(): ImagesData {
  const text = readFileSync(join(ROOT, 'fixtures/demo/scenario/21-pods.yaml'), 'utf8');
  const objects = (loadAll(text, null, { schema: CORE_SCHEMA }) as ({ kind?: string } | null)[]).filter(
    (o) => o?.kind === 'Pod',
  );
  return imagesDataFromObjects(objects as Parameters<typeof imagesDataFromObjects>[0]);
}

/** Public names the fixture nodes mirror (gcr.io on gdc), by tag and by digest, and private ones. */
function mirroredNames(): ImagesData {
  const images = [
    'gcr.io/gke-on-prem-release/asm/proxyv2:1.20',
    `gcr.io/gke-on-prem-release/etcd@sha256:${'c'.repeat(64)}`,
    'nginx',
    '172.18.0.20:5000/gke-on-prem-release/agent:1.0',
    'registry.example.internal/tkg/pause:3.9',
    'registry.k8s.io/pause:3.9',
  ];
  return {
    pods: [
      {
        uid: 'synthetic',
        namespace: 'synthetic',
        name: 'mirrored',
        workload: { kind: 'Pod', name: 'mirrored' },
        containers: images.map((image, i) => ({
          name: `c${i}`,
          kind: 'container' as const,
          image,
          imageID: i === 0 ? `gcr.io/gke-on-prem-release/asm/proxyv2@sha256:${'d'.repeat(64)}` : undefined,
        })),
      },
    ],
  };
}

function configs(): [string, Config][] {
  const demo = parseConfig(
    readFileSync(join(ROOT, 'fixtures/demo/airgap-top.toml'), 'utf8'),
    'demo.toml',
  ).config;
  const containerdReadme = parseConfig(
    '[registry]\nprivate = ["registry.example.internal", "172.18.0.20:5000"]\nprofile = "gdc"\n',
    'containerd.toml',
  ).config;
  // Without the gdc profile a mirrored gcr.io name is IMG-002 by name: the contradiction.
  const noProfile = parseConfig(
    '[registry]\nprivate = ["registry.example.internal", "172.18.0.20:5000"]\n',
    'containerd-no-profile.toml',
  ).config;
  return [
    ['fixtures/images', fixtureConfig()],
    ['demo', demo],
    ['containerd README', containerdReadme],
    ['containerd README, no profile', noProfile],
  ];
}

type Scenario = 'none' | 'present' | 'absent' | 'unreachable' | 'first-missing';
const SCENARIOS: Scenario[] = ['none', 'present', 'absent', 'unreachable', 'first-missing'];

/** Synthetic registry answers for every triple a plan asks, per scenario. */
function answersFor(scenario: Scenario, probes: readonly ManifestProbe[]): Map<string, TripleAnswer> {
  const out = new Map<string, TripleAnswer>();
  const firstOf = new Map<string, string>();
  for (const p of probes) {
    const image = `${p.repository}:${p.reference}`;
    if (!firstOf.has(image)) firstOf.set(image, probeKey(p));
  }
  for (const p of probes) {
    const key = probeKey(p);
    let present = scenario === 'present';
    if (scenario === 'first-missing') present = firstOf.get(`${p.repository}:${p.reference}`) !== key;
    if (scenario === 'unreachable') {
      out.set(key, {
        method: 'HEAD',
        answer: { kind: 'network', failure: 'refused', message: 'ECONNREFUSED' },
      });
      continue;
    }
    out.set(key, {
      method: 'HEAD',
      status: present ? 200 : 404,
      answer: present
        ? {
            kind: 'http',
            status: 200,
            method: 'HEAD',
            auth: 'none',
            ...(p.expectDigest ? { digest: p.expectDigest } : {}),
          }
        : { kind: 'http', status: 404, method: 'HEAD', auth: 'none', errorCodes: ['MANIFEST_UNKNOWN'] },
    });
  }
  return out;
}

function onNode(data: ImagesData, node: string): ImagesData {
  return { pods: data.pods.map((p): PodRecord => ({ ...p, nodeName: node })) };
}

const containerKey = (ns: string | undefined, name: string, container: string | undefined) =>
  `${ns ?? ''}/${name}/${container ?? ''}`;

beforeAll(async () => {
  nodes = await readDumpNodes(join(ROOT, 'fixtures/containerd'));
});

describe('images and containerd never contradict each other about one container', () => {
  it('holds for every container of every fixture, on every fixture node, under every registry answer', () => {
    const podSets = [fixtureData(), demoData(), mirroredNames()];
    let compared = 0;
    const seen = new Set<string>();
    for (const [configName, config] of configs()) {
      const policy = compilePolicy(config);
      for (const record of nodes.filter((n) => n.view)) {
        const containerd: ContainerdData = {
          source: 'dump',
          sweptAt: '2026-12-01T00:00:00Z',
          durationMs: 0,
          nodes: [record],
        };
        for (const set of podSets) {
          const images = onNode(set, record.node);
          const ctrd = new Map<string, Finding>();
          for (const f of originFindings(containerd, images, config.registry.private)) {
            if (f.subject.kind === 'Pod')
              ctrd.set(containerKey(f.subject.namespace, f.subject.name, f.subject.container), f);
          }
          const plan = planPresence(images, containerd, registryCheckSettings(config.registry));
          for (const scenario of SCENARIOS) {
            const presence: PresenceData | undefined =
              scenario === 'none'
                ? undefined
                : {
                    configKey: plan.configKey,
                    sweptAt: '2026-12-01T00:00:00Z',
                    durationMs: 0,
                    groups: plan.groups,
                    nodeGroups: plan.nodeGroups,
                    images: judgeAll(plan, answersFor(scenario, plan.probes)),
                    tls: {},
                    counts: { requests: 0, triples: 0, manifestRequests: 0, tokenRequests: 0, fromCache: 0 },
                    unreachable: [],
                  };
            const ctx = effectiveContext(config, containerd, presence);
            for (const pod of images.pods) {
              for (const c of pod.containers) {
                const subject = { kind: 'Pod', namespace: pod.namespace, name: pod.name, container: c.name };
                const raw = rawFindings(pod, c, policy, subject);
                const nameFinding = raw[0] as Finding;
                const effective = containerEffectiveFinding(ctx, pod, c, nameFinding.code, subject);
                const joined = withEffectiveVerdict(raw, effective);
                const verdict = effective ?? nameFinding;
                expect(joined).toContain(verdict);
                const other = ctrd.get(containerKey(pod.namespace, pod.name, c.name));
                const where = `${configName} / ${record.node} / ${scenario} / ${c.image}: images ${verdict.code} ${verdict.severity}, containerd ${other?.code ?? 'none'}`;
                if (!other) continue;
                compared++;
                seen.add(`${other.code} ${verdict.code}`);
                if (verdict.severity === 'pass') expect(PASS_CTRD.has(other.code), where).toBe(true);
                if (FAIL_CTRD.has(other.code)) expect(verdict.severity, where).not.toBe('pass');
                if (PASS_CTRD.has(other.code) && NAME_CODES.has(nameFinding.code)) {
                  // The contradiction: a name-based verdict (IMG-002 …) beside CTRD-202 pass.
                  expect(NAME_CODES.has(verdict.code) && verdict.severity !== 'pass', where).toBe(false);
                  if (verdict.severity === 'fail') {
                    expect(PRESENCE_FAILS.has(verdict.code), where).toBe(true);
                    expect(scenario, where).not.toBe('present');
                  }
                  if (scenario === 'present') expect(verdict.severity, where).toBe('pass');
                }
              }
            }
          }
        }
      }
    }
    // The walk covered the cases that matter: mirrored passes, mirrored misses, private, public, foreign.
    expect(compared).toBeGreaterThan(1000);
    for (const pair of [
      'CTRD-202 REG-202',
      'CTRD-202 REG-203',
      'CTRD-202 REG-205',
      'CTRD-201 REG-201',
      'CTRD-201 REG-204',
      'CTRD-204 IMG-002',
      'CTRD-205 REG-206',
    ]) {
      expect([...seen], pair).toContain(pair);
    }
  }, 120_000);
});
