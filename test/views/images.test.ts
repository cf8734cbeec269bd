import { describe, expect, it } from 'vitest';
import { findingKey } from '../../src/model/finding.js';
import { evaluateImages } from '../../src/model/images/evaluate.js';
import {
  buildImagesTables,
  createImagesView,
  findingsBySubject,
  groupContainers,
  ImagesViewMemo,
  podFacts,
} from '../../src/views/images.js';
import type { ViewTable } from '../../src/views/types.js';
import { fixtureConfig, fixtureData } from '../model/images/fixture.js';

function tables(): ViewTable[] {
  const data = fixtureData();
  const config = fixtureConfig();
  return buildImagesTables(data, evaluateImages(data, config), config.registry.private);
}

function table(id: string): ViewTable {
  const t = tables().find((x) => x.id === id);
  if (!t) throw new Error(`no table ${id}`);
  return t;
}

describe('images view: registry → image → workload tree', () => {
  it('lists every registry with its images and workloads, worst first, with depth', () => {
    const rows = table('registries').rows.map(
      (r) =>
        `${'  '.repeat(r.depth ?? 0)}${r.cells.name} [${r.severity}] ctrs=${r.cells.containers} fail=${r.cells.fail}`,
    );
    expect(rows).toEqual([
      '(invalid reference) [fail] ctrs=1 fail=1',
      '  registry.example.internal/TKG/App:1.0 [fail] ctrs=1 fail=1',
      '    default/Pod/bad-image [fail] ctrs=1 fail=1',
      '10.20.0.50:5000 [fail] ctrs=1 fail=1',
      '  10.20.0.50:5000/tools/curl:8.4.0 [fail] ctrs=1 fail=1',
      '    ops/Pod/legacy-tools [fail] ctrs=1 fail=1',
      'docker.io [fail] ctrs=2 fail=2',
      '  docker.io/library/busybox:1.36 [fail] ctrs=1 fail=1',
      '    default/Pod/toolbox [fail] ctrs=1 fail=1',
      '  docker.io/library/nginx:latest [fail] ctrs=1 fail=1',
      '    default/Deployment/web [fail] ctrs=1 fail=1',
      'quay.io [fail] ctrs=1 fail=1',
      '  quay.io/prometheus/prometheus:v2.45.0 [fail] ctrs=1 fail=1',
      '    monitoring/StatefulSet/prometheus [fail] ctrs=1 fail=1',
      'registry.example.internal [fail] ctrs=7 fail=2',
      '  registry.example.internal/tkg/apps/worker:2.0.0 [fail] ctrs=1 fail=1',
      '    apps/Deployment/worker [fail] ctrs=1 fail=1',
      '  registry.example.internal/tkgx/jq:1.7 [fail] ctrs=1 fail=1',
      '    ops/Pod/legacy-tools [fail] ctrs=1 fail=1',
      '  registry.example.internal/tkg/apps/api:1.4.2 [warn] ctrs=1 fail=0',
      '    apps/Deployment/api [warn] ctrs=1 fail=0',
      '  registry.example.internal/tkg/antrea-advanced-debian:v1.11.1_vmware.4 [pass] ctrs=2 fail=0',
      '    kube-system/DaemonSet/antrea-agent [pass] ctrs=2 fail=0',
      '  registry.example.internal/tkg/prometheus-config-reloader:v0.67.1_vmware.1 [pass] ctrs=1 fail=0',
      '    monitoring/StatefulSet/prometheus [pass] ctrs=1 fail=0',
      '  registry.example.internal/tkg/tools/toolbox:1.0 [pass] ctrs=1 fail=0',
      '    default/Pod/toolbox [pass] ctrs=1 fail=0',
      'registry.k8s.io [fail] ctrs=2 fail=1',
      '  registry.k8s.io/etcd:3.5.9-0 [fail] ctrs=1 fail=1',
      '    kube-system/CronJob/etcd-defrag [fail] ctrs=1 fail=1',
      '  registry.k8s.io/pause:3.9 [info] ctrs=1 fail=0',
      '    kube-system/Node/tkg-wc-control-plane-k8x2p [info] ctrs=1 fail=0',
    ]);
  });

  it('row keys are stable and unique, and drill into the findings behind them', () => {
    const data = fixtureData();
    const config = fixtureConfig();
    const findings = evaluateImages(data, config);
    const t = buildImagesTables(data, findings, config.registry.private).find((x) => x.id === 'registries');
    const keys = t?.rows.map((r) => r.key) ?? [];
    expect(new Set(keys).size).toBe(keys.length);
    const all = new Set(findings.map(findingKey));
    const docker = t?.rows.find((r) => r.key === 'registry:docker.io');
    expect(docker?.findingKeys).toHaveLength(2);
    for (const k of docker?.findingKeys ?? []) expect(all.has(k)).toBe(true);
    const worker = t?.rows.find((r) => r.key === 'image:registry.example.internal/tkg/apps/worker:2.0.0');
    expect(worker?.findingKeys?.map((k) => k.split('|')[0]).sort()).toEqual(['IMG-001', 'IMG-005']);
    expect(t?.footer).toBe(
      '6 registries · 13 images · 14 containers in 10 pods · private: registry.example.internal/tkg',
    );
  });
});

describe('images view: counts', () => {
  it('by namespace, each container counted once at its worst severity', () => {
    const rows = table('namespaces').rows.map(
      (r) =>
        `${r.cells.name} pods=${r.cells.pods} ctrs=${r.cells.containers} f=${r.cells.fail} w=${r.cells.warn} i=${r.cells.info} p=${r.cells.pass}`,
    );
    expect(rows).toEqual([
      'apps pods=2 ctrs=2 f=1 w=1 i=0 p=0',
      'default pods=3 ctrs=4 f=3 w=0 i=0 p=1',
      'kube-system pods=3 ctrs=4 f=1 w=0 i=1 p=2',
      'monitoring pods=1 ctrs=2 f=1 w=0 i=0 p=1',
      'ops pods=1 ctrs=2 f=2 w=0 i=0 p=0',
    ]);
  });

  it('by workload', () => {
    const rows = table('workloads').rows.map(
      (r) => `${r.cells.name} [${r.severity}] images=${r.cells.images}`,
    );
    expect(rows).toEqual([
      'apps/Deployment/worker [fail] images=1',
      'default/Deployment/web [fail] images=1',
      'default/Pod/bad-image [fail] images=1',
      'default/Pod/toolbox [fail] images=2',
      'kube-system/CronJob/etcd-defrag [fail] images=1',
      'monitoring/StatefulSet/prometheus [fail] images=2',
      'ops/Pod/legacy-tools [fail] images=2',
      'apps/Deployment/api [warn] images=1',
      'kube-system/Node/tkg-wc-control-plane-k8x2p [info] images=1',
      'kube-system/DaemonSet/antrea-agent [pass] images=1',
    ]);
  });

  it('the ViewBuilder draws nothing until there is data', () => {
    const config = fixtureConfig();
    const input = {
      data: undefined as never,
      state: { status: 'loading' as const },
      findings: [],
      snapshot: {},
      config,
      now: new Date(),
    };
    expect(createImagesView()(input)).toEqual([]);
  });

  it("a container's rows carry exactly the findings about it: not a finding placed on a node, not another pod's", () => {
    const data = fixtureData();
    const config = fixtureConfig();
    const findings = evaluateImages(data, config);
    const worker = findings.find((f) => f.subject.name.startsWith('worker') && f.subject.kind === 'Pod');
    if (!worker) throw new Error('fixture: no worker finding');
    const onNode = {
      ...worker,
      code: 'IMG-004' as typeof worker.code,
      subject: { ...worker.subject, node: 'node-1' },
    };
    const t = buildImagesTables(data, [...findings, onNode], config.registry.private).find(
      (x) => x.id === 'registries',
    );
    const row = t?.rows.find((r) => r.key === 'image:registry.example.internal/tkg/apps/worker:2.0.0');
    expect(row?.findingKeys).toEqual(
      findings
        .filter((f) => f.subject.kind === 'Pod' && f.subject.name === worker.subject.name)
        .map(findingKey),
    );
    expect(row?.findingKeys).not.toContain(findingKey(onNode));
  });
});

describe('images view: the pieces of a build', () => {
  const pod = (uid: string, name: string, images: string[], namespace = 'ns') => ({
    uid,
    namespace,
    name,
    workload: { kind: 'Deployment', name: 'web' },
    containers: images.map((image, i) => ({ name: `c${i}`, kind: 'container' as const, image })),
  });
  const finding = (name: string, container: string, severity: 'pass' | 'warn' | 'fail', node?: string) =>
    ({
      probe: 'images',
      code: 'IMG-002',
      severity,
      subject: { kind: 'Pod', namespace: 'ns', name, container, ...(node !== undefined ? { node } : {}) },
      title: '',
      detail: '',
      evidence: {},
      remedy: '',
    }) as const;

  it.each([
    ['a parsed reference', 'nginx:1.25', 'docker.io', 'docker.io/library/nginx:1.25'],
    [
      'a private registry',
      'registry.example.internal/tkg/app:1',
      'registry.example.internal',
      'registry.example.internal/tkg/app:1',
    ],
    ['an unparsable reference', 'UPPER/Case:1', '(invalid reference)', 'UPPER/Case:1'],
  ])('podFacts: %s', (_what, image, registry, ref) => {
    expect(podFacts(pod('u1', 'p1', [image]))).toEqual({
      uid: 'u1',
      namespace: 'ns',
      workload: 'ns/Deployment/web',
      containers: [{ registry, image: ref, subject: 'Pod/ns/p1/c0/' }],
    });
  });

  it.each([
    ['one finding', [finding('p1', 'c0', 'warn')], { 'Pod/ns/p1/c0/': ['warn', 1] }],
    [
      'worst of two, keys in order',
      [finding('p1', 'c0', 'pass'), finding('p1', 'c0', 'fail')],
      { 'Pod/ns/p1/c0/': ['fail', 2] },
    ],
    [
      'a node finding keyed apart',
      [finding('p1', 'c0', 'fail', 'n1'), finding('p1', 'c0', 'pass')],
      { 'Pod/ns/p1/c0/n1': ['fail', 1], 'Pod/ns/p1/c0/': ['pass', 1] },
    ],
    ['no findings', [], {}],
  ])('findingsBySubject: %s', (_what, findings, expected) => {
    const index = findingsBySubject(findings as never);
    expect(Object.fromEntries([...index].map(([k, v]) => [k, [v.worst, v.keys.length]]))).toEqual(expected);
    for (const [k, v] of index) for (const key of v.keys) expect(key).toBe(`IMG-002|${k}`);
  });

  it.each([
    [
      'unique uids: a pod with two containers of one image counts once',
      [pod('u1', 'p1', ['a:1', 'a:1'])],
      1,
      2,
    ],
    ['two pods', [pod('u1', 'p1', ['a:1']), pod('u2', 'p2', ['a:1'])], 2, 2],
    [
      'two records sharing a uid, apart in order, count once',
      [pod('u1', 'p1', ['a:1']), pod('u2', 'p2', ['a:1']), pod('u1', 'p3', ['a:1'])],
      2,
      3,
    ],
    ['a pod without containers is not counted', [pod('u1', 'p1', []), pod('u2', 'p2', ['a:1'])], 1, 1],
  ])('groupContainers: %s', (_what, pods, podCount, containers) => {
    const groups = groupContainers(
      pods.map((p) => podFacts(p as never)),
      new Map(),
    );
    expect(groups.all.pods).toBe(podCount);
    expect(groups.all.containers).toBe(containers);
    expect(groups.registries.get('docker.io')?.pods).toBe(podCount);
    expect(groups.workloads.get('ns/Deployment/web')?.pods).toBe(podCount);
  });

  it('a view remembers per object yet builds what the plain build does', () => {
    const data = fixtureData();
    const config = fixtureConfig();
    const findings = evaluateImages(data, config);
    const memo = new ImagesViewMemo();
    const plain = buildImagesTables(data, findings, config.registry.private);
    expect(buildImagesTables(data, findings, config.registry.private, memo)).toEqual(plain);
    // A new findings array of the same objects, and a new pods array: the same tables again.
    expect(buildImagesTables({ pods: [...data.pods] }, [...findings], config.registry.private, memo)).toEqual(
      plain,
    );
    // One pod gone: what the plain build says without it.
    const fewer = { pods: data.pods.slice(1) };
    expect(buildImagesTables(fewer, findings, config.registry.private, memo)).toEqual(
      buildImagesTables(fewer, findings, config.registry.private),
    );
  });
});
