import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mintServerCertificates } from '../../src/sim/certs.js';
import { generateScenario, parseGenerateSpec } from '../../src/sim/generate/index.js';
import { evaluateJsonPath, parseJsonPath } from '../../src/sim/jsonpath.js';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../src/sim/patch.js';
import { compareKubeVersions, resourceTypeFromCrd } from '../../src/sim/resources.js';
import { ScenarioError, scenarioFromDocuments } from '../../src/sim/scenario.js';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../../src/sim/selectors.js';
import { humanDuration } from '../../src/sim/table.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', 'topology.kubernetes.io/zone': 'zone-a' };
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=db', true],
    ['app in (web,db)', true],
    ['app notin (web)', false],
    ['tier,app=web', true],
    ['!tier', false],
    ['!missing', true],
    ['missing', false],
    ['missing!=x', true],
    ['topology.kubernetes.io/zone in (zone-a, zone-b),app=web', true],
  ])('%s matches: %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });
  it('rejects malformed requirements', () => {
    expect(() => parseLabelSelector('app in (a')).toThrow();
    expect(() => parseLabelSelector('a b c')).toThrow();
  });
});

describe('field selectors', () => {
  const pod = {
    metadata: { name: 'p', namespace: 'ns' },
    spec: { nodeName: 'n1' },
    status: { phase: 'Running' },
  };
  it.each([
    ['metadata.name=p', true],
    ['metadata.namespace==ns,spec.nodeName=n1', true],
    ['status.phase!=Running', false],
    ['spec.nodeName=', false],
    ['spec.missing=', true],
  ])('%s matches: %s', (selector, expected) => {
    expect(matchesFields(parseFieldSelector(selector), pod)).toBe(expected);
  });
});

describe('printer-column JSONPath', () => {
  const obj = {
    metadata: {
      labels: { 'cluster.x-k8s.io/cluster-name': 'c1' },
      ownerReferences: [
        { kind: 'X', name: 'x' },
        { kind: 'Machine', name: 'm1' },
      ],
    },
    status: { addresses: ['10.0.0.1', '10.0.0.2'], conditions: [{ type: 'Ready', status: 'True' }] },
  };
  it.each([
    ['.metadata.labels.cluster\\.x-k8s\\.io/cluster-name', ['c1']],
    [".metadata.labels['cluster\\.x-k8s\\.io/cluster-name']", ['c1']],
    ['.metadata.ownerReferences[?(@.kind=="Machine")].name', ['m1']],
    ['.status.addresses[0]', ['10.0.0.1']],
    ['.status.addresses[*]', ['10.0.0.1', '10.0.0.2']],
    ['.status.conditions[?(@.type=="Ready")].status', ['True']],
    ['.status.missing', []],
  ])('%s', (path, expected) => {
    expect(evaluateJsonPath(parseJsonPath(path), obj)).toEqual(expected);
  });
});

describe('patches', () => {
  it('merge patch deletes with null and replaces lists', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [3] })).toEqual({
      a: 1,
      b: { d: 3, e: 4 },
      l: [3],
    });
  });
  it('strategic merge merges lists by name/type and drops directives', () => {
    const target = {
      spec: {
        containers: [
          { name: 'a', image: 'x:1' },
          { name: 'b', image: 'y:1' },
        ],
      },
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'R' }] },
    };
    const patched = strategicMergePatch(target, {
      $setElementOrder: [],
      spec: {
        containers: [
          { name: 'b', image: 'y:2' },
          { name: 'c', image: 'z' },
          { name: 'a', $patch: 'delete' },
        ],
      },
      status: { conditions: [{ type: 'Ready', status: 'False', reason: null }] },
    });
    expect(patched).toEqual({
      spec: {
        containers: [
          { name: 'b', image: 'y:2' },
          { name: 'c', image: 'z' },
        ],
      },
      status: { conditions: [{ type: 'Ready', status: 'False' }] },
    });
  });
  it('JSON patch applies RFC 6902 operations and fails a failed test', () => {
    const doc = { a: [1, 2], b: { c: 'x' } };
    expect(
      jsonPatch(doc, [
        { op: 'add', path: '/a/-', value: 3 },
        { op: 'remove', path: '/a/0' },
        { op: 'move', from: '/b/c', path: '/d' },
        { op: 'copy', from: '/d', path: '/e' },
        { op: 'replace', path: '/b', value: 1 },
        { op: 'test', path: '/e', value: 'x' },
      ]),
    ).toEqual({ a: [2, 3], b: 1, d: 'x', e: 'x' });
    expect(doc).toEqual({ a: [1, 2], b: { c: 'x' } });
    expect(() => jsonPatch(doc, [{ op: 'test', path: '/a/0', value: 9 }])).toThrow(/test operation failed/);
  });
});

describe('scenario documents', () => {
  it('flattens List and typed lists (items without kind) and reads the Scenario document', () => {
    const scenario = scenarioFromDocuments([
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } }],
      },
      { apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'p', namespace: 'x' } }] },
      {
        apiVersion: 'sim.airgap-top.dev/v1alpha1',
        kind: 'Scenario',
        faults: { latencyMs: 5 },
        timeline: [
          { at: 5, delete: { apiVersion: 'v1', kind: 'Node', name: 'n' } },
          { at: 1, apply: { kind: 'List', items: [] } },
        ],
      },
    ]);
    expect(scenario.objects.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual(['v1 Node', 'v1 Pod']);
    expect(scenario.timeline.map((s) => s.at)).toEqual([1, 5]);
    expect(scenario.faults).toEqual({ latencyMs: 5 });
  });
  it.each([
    [[{ kind: 'Pod' }], /needs apiVersion and kind/],
    [['text'], /not an object/],
    [
      [{ apiVersion: 'sim.airgap-top.dev/v1alpha1', kind: 'Scenario', timeline: [{ at: -1 }] }],
      /"at" must be/,
    ],
    [
      [
        {
          apiVersion: 'sim.airgap-top.dev/v1alpha1',
          kind: 'Scenario',
          timeline: [{ at: 1, patch: { apiVersion: 'v1', kind: 'Pod', name: 'x' } }],
        },
      ],
      /needs a patch object/,
    ],
  ])('rejects %j', (docs, message) => {
    expect(() => scenarioFromDocuments(docs)).toThrow(ScenarioError);
    expect(() => scenarioFromDocuments(docs)).toThrow(message);
  });
});

describe('generator', () => {
  it('is deterministic per seed and honours the spec', () => {
    const spec = parseGenerateSpec('nodes=12,pods=300,namespaces=4,public=0.2,failing=0.1');
    const a = generateScenario(spec, 7);
    expect(JSON.stringify(generateScenario(spec, 7))).toBe(JSON.stringify(a));
    expect(JSON.stringify(generateScenario(spec, 8))).not.toBe(JSON.stringify(a));
    const count = (kind: string) => a.filter((o) => o.kind === kind).length;
    expect([count('Pod'), count('Node'), count('CSINode'), count('VSphereVM'), count('IPAddress')]).toEqual([
      300, 12, 12, 12, 12,
    ]);
    const images = a
      .filter((o) => o.kind === 'Pod')
      .map((p) => (p.spec as { containers: { image: string }[] }).containers[0]?.image ?? '');
    expect(images.some((i) => !i.startsWith('registry.example.internal/tkg/'))).toBe(true);
    expect(a.some((o) => o.kind === 'Pod' && JSON.stringify(o.status).includes('ImagePullBackOff'))).toBe(
      true,
    );
  });
  it('rejects unknown keys and bad numbers', () => {
    expect(() => parseGenerateSpec('nodes=0')).toThrow(/nodes must be an integer >= 1/);
    expect(() => parseGenerateSpec('pods=many')).toThrow();
    expect(() => parseGenerateSpec('color=blue')).toThrow(/unknown key "color"/);
  });
});

describe('odds and ends', () => {
  it.each([
    [5_000, '5s'],
    [119_000, '119s'],
    [150_000, '2m30s'],
    [45 * 60_000, '45m'],
    [4.5 * 3600_000, '4h30m'],
    [30 * 3600_000, '30h'],
    [52 * 3600_000, '2d4h'],
    [40 * 86400_000, '40d'],
  ])('humanDuration(%d) = %s (kubectl)', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
  it('orders Kubernetes versions as discovery does', () => {
    expect(['v1alpha1', 'v1', 'v1beta1', 'v2', 'v1beta2', 'v1alpha2'].sort(compareKubeVersions)).toEqual([
      'v2',
      'v1',
      'v1beta2',
      'v1beta1',
      'v1alpha2',
      'v1alpha1',
    ]);
  });
  it('turns a CRD into a resource type with its preferred served version', () => {
    const type = resourceTypeFromCrd({
      spec: {
        group: 'g.example',
        scope: 'Cluster',
        names: { plural: 'things', kind: 'Thing' },
        versions: [
          { name: 'v1alpha1', served: true },
          {
            name: 'v1beta1',
            served: true,
            additionalPrinterColumns: [{ name: 'X', type: 'string', jsonPath: '.x' }],
          },
          { name: 'v1', served: false },
        ],
      },
    });
    expect(type).toMatchObject({
      group: 'g.example',
      versions: ['v1beta1', 'v1alpha1'],
      namespaced: false,
      singular: 'thing',
      columns: [{ name: 'X' }],
    });
  });
  it('mints a CA and a server certificate for 127.0.0.1 signed by it', () => {
    const certs = mintServerCertificates({ ips: ['127.0.0.1'], dns: ['localhost'] });
    const ca = new X509Certificate(certs.caPem);
    const server = new X509Certificate(certs.certPem);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(new Date(server.validTo).getTime()).toBeGreaterThan(Date.now() + 7 * 86400_000);
  });
});

describe('scenario time anchor', () => {
  it('shifts every timestamp by now - anchor and leaves other strings alone', async () => {
    const { shiftScenarioTime } = await import('../../src/sim/scenario.js');
    const scenario = scenarioFromDocuments([
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'n', labels: { note: 'not a time' }, creationTimestamp: '2026-11-22T12:00:00Z' },
      },
      {
        apiVersion: 'sim.airgap-top.dev/v1alpha1',
        kind: 'Scenario',
        anchor: '2026-11-22T12:40:00Z',
        timeline: [
          {
            at: 1,
            patch: { apiVersion: 'v1', kind: 'Node', name: 'x', patch: { t: '2026-11-22T12:39:00Z' } },
          },
        ],
      },
    ]);
    const shifted = shiftScenarioTime(scenario, new Date('2030-01-01T00:40:00Z'));
    expect(shifted.objects[0]?.metadata?.creationTimestamp).toBe('2030-01-01T00:00:00Z');
    expect(shifted.timeline[0]?.patch?.[0]?.patch).toEqual({ t: '2030-01-01T00:39:00Z' });
    expect(shifted.objects[0]?.metadata?.labels).toEqual({ note: 'not a time' });
    expect(
      scenarioFromDocuments([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }]).anchor,
    ).toBeUndefined();
  });

  it('parses YAML with the core schema: unquoted timestamps stay strings', async () => {
    const { parseDocuments } = await import('../../src/sim/scenario.js');
    expect(parseDocuments('a: 2026-11-22T12:40:00Z\n---\nb: 1\n')).toEqual([
      { a: '2026-11-22T12:40:00Z' },
      { b: 1 },
    ]);
  });
});

describe('the example scenarios', () => {
  it('flaky-api.yaml parses: faults at start and a timeline of faults and changes', async () => {
    const { loadScenarioPath } = await import('../../src/sim/scenario.js');
    const scenario = loadScenarioPath(
      new URL('../../fixtures/scenarios/flaky-api.yaml', import.meta.url).pathname,
    );
    expect(scenario.faults).toEqual({ failNext: { count: 2, status: 429, retryAfterSeconds: 1 } });
    expect(scenario.timeline.map((s) => s.at)).toEqual([15, 20, 30, 45]);
    expect(scenario.objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual(['Node/node-1', 'Pod/app']);
  });
});

describe('request verbs in the log', () => {
  it.each([
    ['GET', '/api/v1/pods', 'list'],
    ['GET', '/api/v1/pods?watch=true', 'watch'],
    ['GET', '/api/v1/watch/namespaces/a/pods', 'watch'],
    ['GET', '/api/v1/namespaces/a/pods/p', 'get'],
    ['GET', '/api/v1/namespaces/a', 'get'],
    ['GET', '/api/v1/namespaces/a/status', 'get'],
    ['GET', '/api/v1/namespaces', 'list'],
    ['GET', '/apis/ipam.cluster.x-k8s.io/v1beta1/namespaces/a/ipaddressclaims', 'list'],
    ['GET', '/apis', 'get'],
    ['POST', '/api/v1/namespaces/a/pods', 'create'],
    ['PUT', '/api/v1/namespaces/a/pods/p/status', 'update'],
    ['PATCH', '/api/v1/nodes/n', 'patch'],
    ['DELETE', '/api/v1/namespaces/a/pods/p', 'delete'],
    ['DELETE', '/api/v1/namespaces/a/pods', 'deletecollection'],
  ])('%s %s is %s', async (method, path, verb) => {
    const { kubeVerb } = await import('../../src/sim/server/index.js');
    expect(kubeVerb(method, new URL(path, 'https://127.0.0.1'))).toBe(verb);
  });
});
