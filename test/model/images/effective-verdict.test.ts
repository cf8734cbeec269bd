import { describe, expect, it } from 'vitest';
import { makeFinding } from '../../../src/model/checks/index.js';
import type { CheckCode } from '../../../src/model/checks/registry.js';
import { parseConfig } from '../../../src/model/config.js';
import type { Origin } from '../../../src/model/containerd/origin.js';
import type { ContainerdData } from '../../../src/model/containerd/types.js';
import {
  containerEffectiveFinding,
  effectiveContext,
  effectiveVerdict,
  withEffectiveVerdict,
} from '../../../src/model/images/effective-verdict.js';
import { applyIgnores, compileIgnores } from '../../../src/model/images/rules.js';
import type { PodRecord } from '../../../src/model/images/types.js';
import type {
  EndpointAnswer,
  ImagePresence,
  PresenceData,
  PresenceOutcome,
} from '../../../src/model/registry/presence.js';
import { presenceKey } from '../../../src/model/registry/presence.js';
import type { RegistryVerdict } from '../../../src/model/registry/types.js';
import { dockerHubMirrorView } from '../../helpers/containerd-view.js';

const MIRROR = 'https://registry.example.internal';
const mirrored: Origin = {
  verdict: 'mirrored',
  imageHost: 'gcr.io',
  endpoints: [MIRROR, 'https://gcr.io'],
  fallsBackTo: 'https://gcr.io',
};
const mirroredNoFallback: Origin = { verdict: 'mirrored', imageHost: 'gcr.io', endpoints: [MIRROR] };
const privateOrigin: Origin = {
  verdict: 'private',
  imageHost: 'registry.example.internal',
  endpoints: [MIRROR],
};
const publicOrigin: Origin = {
  verdict: 'public',
  imageHost: 'docker.io',
  endpoints: ['https://registry-1.docker.io'],
};
const foreign: Origin = {
  verdict: 'foreign-mirror',
  imageHost: 'docker.io',
  endpoints: ['https://mirror.gcr.io', 'https://registry-1.docker.io'],
};
const criOff: Origin = { verdict: 'cri-disabled', imageHost: 'gcr.io', endpoints: [] };

function answer(url: string, verdict: RegistryVerdict, code: string, isPublic = false): EndpointAnswer {
  return {
    url,
    role: 'mirror',
    public: isPublic,
    verdict,
    code,
    ...(verdict.kind === 'present' ? { status: 200, method: 'HEAD' as const, digest: verdict.digest } : {}),
  };
}

const D = `sha256:${'a'.repeat(64)}`;
const presentAt = answer(`${MIRROR}/v2/x/app/manifests/1.0`, { kind: 'present', digest: D }, 'REG-001');
const absentAt = answer(
  `${MIRROR}/v2/x/app/manifests/1.0`,
  { kind: 'absent', reason: 'manifest-unknown' },
  'REG-002',
);
const publicAt = answer(
  'https://gcr.io/v2/x/app/manifests/1.0',
  { kind: 'public-not-contacted', host: 'gcr.io' },
  'REG-007',
  true,
);
const refusedAt = answer(
  `${MIRROR}/v2/x/app/manifests/1.0`,
  { kind: 'anonymous-refused', challenge: 'basic' },
  'REG-003',
);
const downAt = answer(
  `${MIRROR}/v2/x/app/manifests/1.0`,
  { kind: 'unreachable', failure: 'refused', message: 'connect ECONNREFUSED' },
  'REG-105',
);
const movedAt = answer(
  `${MIRROR}/v2/x/app/manifests/1.0`,
  { kind: 'digest-mismatch', expected: D, actual: `sha256:${'b'.repeat(64)}` },
  'REG-006',
);

function presence(
  outcome: PresenceOutcome,
  endpoints: EndpointAnswer[],
  expectDigest?: string,
): ImagePresence {
  return {
    group: 'nodes:n1',
    image: 'gcr.io/x/app:1.0',
    ...(expectDigest ? { expectDigest } : {}),
    imageHost: 'gcr.io',
    repository: 'x/app',
    reference: '1.0',
    endpoints,
    outcome,
  };
}

const present = presence({ kind: 'present', served: presentAt, viaMirror: true }, [presentAt, publicAt]);
const presentDirect = presence({ kind: 'present', served: presentAt, viaMirror: false }, [presentAt]);
const fallback = presence(
  { kind: 'fallback-public', host: 'gcr.io', url: 'https://gcr.io', allAbsent: true },
  [absentAt, publicAt],
);
const absent = presence({ kind: 'absent' }, [absentAt]);
const refused = presence({ kind: 'refused', by: refusedAt }, [refusedAt]);
const unverified = presence({ kind: 'unverified', reason: 'x', by: downAt }, [downAt]);
const moved = presence({ kind: 'present', served: movedAt, viaMirror: true }, [movedAt], D);

type Row = [
  string,
  CheckCode,
  Origin | undefined,
  ImagePresence | undefined,
  string | undefined,
  string | undefined,
];

describe('one effective verdict per container', () => {
  const rows: Row[] = [
    [
      'private + present',
      'IMG-001',
      privateOrigin,
      presentDirect,
      'REG-201 pass',
      'present in the private registry',
    ],
    [
      'private, no node data + present (central)',
      'IMG-001',
      undefined,
      presentDirect,
      'REG-201 pass',
      'checked centrally',
    ],
    [
      'public name via a mirror that holds it',
      'IMG-002',
      mirrored,
      present,
      'REG-202 pass',
      'via mirror, present',
    ],
    [
      'gcr.io (gdc) via a mirror that holds it',
      'IMG-009',
      mirrored,
      present,
      'REG-202 pass',
      'via mirror, present',
    ],
    [
      'mirrored, missing: falls back to the internet',
      'IMG-002',
      mirrored,
      fallback,
      'REG-203 fail',
      'would fall back to https://gcr.io over the internet',
    ],
    [
      'mirrored, missing, no fallback: the pull fails',
      'IMG-002',
      mirroredNoFallback,
      absent,
      'REG-203 fail',
      'no endpoint after it serves it',
    ],
    [
      'private but missing: fails even while running from cache',
      'IMG-001',
      privateOrigin,
      absent,
      'REG-204 fail',
      'runs from the node cache today',
    ],
    ['anonymous pull refused', 'IMG-001', privateOrigin, refused, 'REG-003 fail', 'anonymous pull refused'],
    [
      'could not check: unverified with the reason',
      'IMG-001',
      privateOrigin,
      unverified,
      'REG-205 warn',
      'ECONNREFUSED',
    ],
    [
      'mirrored, check off: unverified',
      'IMG-002',
      mirrored,
      undefined,
      'REG-205 warn',
      '[registry] check is off',
    ],
    ['tag moved since the pod pulled', 'IMG-002', mirrored, moved, 'REG-006 warn', 'serves another digest'],
    ['foreign mirror', 'IMG-001', foreign, present, 'REG-206 fail', 'none in the private registry first'],
    ['CRI disabled', 'IMG-002', criOff, undefined, 'REG-206 fail', 'cannot pull'],
    ['public, no private mirror: IMG-002 stands', 'IMG-002', publicOrigin, undefined, undefined, undefined],
    ['public, no node data: IMG-002 stands', 'IMG-002', undefined, undefined, undefined, undefined],
    ['private, check off: IMG-001 stands', 'IMG-001', privateOrigin, undefined, undefined, undefined],
    ['invalid name: IMG-006 stands', 'IMG-006', privateOrigin, present, undefined, undefined],
    ['unlisted registry: IMG-003 stands', 'IMG-003', undefined, presentDirect, undefined, undefined],
    [
      'unlisted registry mirrored to the private one',
      'IMG-003',
      mirrored,
      present,
      'REG-202 pass',
      'via mirror',
    ],
  ];
  it.each(rows)('%s', (_, nameCode, origin, p, expected, text) => {
    const verdict = effectiveVerdict({
      image: 'gcr.io/x/app:1.0',
      imageID: `gcr.io/x/app@${D}`,
      ...(origin?.verdict === undefined ? {} : { node: 'n1' }),
      nameCode,
      ...(origin ? { origin } : {}),
      ...(p ? { presence: p } : {}),
      unchecked: '[registry] check is off (--no-registry-check)',
    });
    expect(verdict ? `${verdict.code} ${verdict.severity}` : undefined).toBe(expected);
    if (verdict && text) expect(`${verdict.title} | ${verdict.detail}`).toContain(text);
    if (verdict) expect(verdict.replaces).toBe(nameCode);
  });

  it('a pass carries the exact request that proves it (URL, status, digest, method)', () => {
    const v = effectiveVerdict({
      image: 'gcr.io/x/app:1.0',
      node: 'n1',
      nameCode: 'IMG-002',
      origin: mirrored,
      presence: present,
    });
    expect(v?.evidence).toMatchObject({
      servedBy: `${MIRROR}/v2/x/app/manifests/1.0`,
      status: 200,
      digest: D,
      method: 'HEAD',
      route: 'mirror',
      replaces: 'IMG-002',
    });
  });
});

describe('the join as the images evaluator calls it', () => {
  const config = parseConfig(
    '[registry]\nprivate = ["registry.example.internal/tkg"]\n\n[[ignore]]\nnamespace = "legacy"\ncodes = ["IMG-002"]\nreason = "CHG-1: moving to the mirror"\n',
    'c.toml',
  ).config;
  const view = dockerHubMirrorView('registry.example.internal');
  const containerd: ContainerdData = {
    source: 'dump',
    sweptAt: '2026-12-01T00:00:00Z',
    durationMs: 0,
    nodes: [{ node: 'n1', target: 'dump', view, problems: [], certificates: [] }],
  };
  const pod: PodRecord = {
    uid: 'u',
    namespace: 'legacy',
    name: 'web',
    nodeName: 'n1',
    workload: { kind: 'Pod', name: 'web' },
    containers: [{ name: 'nginx', kind: 'container', image: 'nginx:1.25' }],
  };
  const subject = { kind: 'Pod', namespace: 'legacy', name: 'web', container: 'nginx' };
  const nameFinding = makeFinding('IMG-002', { subject, detail: 'public' });

  it('replaces the name verdict, keeps the subject, and [[ignore]] codes of the replaced code still apply', () => {
    const absentData: PresenceData = {
      configKey: 'k',
      sweptAt: '2026-12-01T00:00:00Z',
      durationMs: 1,
      groups: [{ id: 'nodes:n1', source: 'node', nodes: ['n1'] }],
      nodeGroups: { n1: 'nodes:n1' },
      images: {
        [presenceKey('nodes:n1', 'nginx:1.25')]: {
          ...fallback,
          image: 'nginx:1.25',
        },
      },
      tls: {},
      counts: { requests: 1, triples: 1, manifestRequests: 1, tokenRequests: 0, fromCache: 0 },
      unreachable: [],
    };
    const ctx = effectiveContext(config, containerd, absentData);
    const effective = containerEffectiveFinding(
      ctx,
      pod,
      pod.containers[0] as PodRecord['containers'][number],
      'IMG-002',
      subject,
    );
    expect(effective?.code).toBe('REG-203');
    expect(effective?.subject).toEqual(subject);
    const joined = withEffectiveVerdict([nameFinding], effective);
    expect(joined.map((f) => f.code)).toEqual(['REG-203']);
    const ignored = applyIgnores(
      joined,
      pod,
      pod.containers[0] as PodRecord['containers'][number],
      compileIgnores(config.ignore),
      { code: 'IMG-002' },
      subject,
    );
    expect(ignored.map((f) => f.code)).toEqual(['IMG-007']);
    expect(ignored[0]?.evidence.ignoredCodes).toEqual(['REG-203']);
  });

  it('without registry data: mirrored says unverified (not IMG-002), and why', () => {
    const ctx = effectiveContext(config, containerd, undefined);
    const effective = containerEffectiveFinding(
      ctx,
      pod,
      pod.containers[0] as PodRecord['containers'][number],
      'IMG-002',
      subject,
    );
    expect(effective?.code).toBe('REG-205');
    expect(effective?.detail).toContain('the registry probe has not answered yet');
    const off = effectiveContext(
      { ...config, registry: { ...config.registry, check: false } },
      containerd,
      undefined,
    );
    expect(
      containerEffectiveFinding(
        off,
        pod,
        pod.containers[0] as PodRecord['containers'][number],
        'IMG-002',
        subject,
      )?.detail,
    ).toContain('[registry] check is off');
  });

  it('without containerd or registry data nothing changes (the name verdict stands)', () => {
    const ctx = effectiveContext(config, undefined, undefined);
    expect(
      containerEffectiveFinding(
        ctx,
        pod,
        pod.containers[0] as PodRecord['containers'][number],
        'IMG-002',
        subject,
      ),
    ).toBeUndefined();
    expect(withEffectiveVerdict([nameFinding], undefined)).toEqual([nameFinding]);
  });
});
