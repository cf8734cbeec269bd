import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/model/config.js';
import { evaluateContainerd } from '../../../src/model/containerd/evaluate.js';
import type { ContainerdData, NodeContainerdRecord } from '../../../src/model/containerd/types.js';
import type { Finding } from '../../../src/model/finding.js';
import type { ImagesData, PodRecord } from '../../../src/model/images/types.js';
import { readDumpNodes } from '../../../src/probes/containerd/index.js';
import { containerdView } from '../../../src/views/containerd.js';

/** The fixtures' certificates have fixed dates: the "expires soon" one is 18 days away from here. */
const NOW = new Date('2026-11-22T00:00:00Z');
const PRIVATE = ['registry.example.internal', '172.18.0.20:5000'];
const FIXTURES = join(import.meta.dirname, '../../../fixtures/containerd');

function pod(name: string, node: string, images: string[]): PodRecord {
  return {
    uid: `uid-${name}`,
    namespace: 'default',
    name,
    nodeName: node,
    workload: { kind: 'Pod', name },
    containers: images.map((image, i) => ({ name: `c${i}`, kind: 'container' as const, image })),
  };
}

/** Every finding as `CODE subject` (node-level and file-level ones), sorted: the exact expected list. */
function codes(data: ContainerdData, images?: ImagesData): string[] {
  return evaluateContainerd(data, images, PRIVATE, NOW)
    .map(
      (f) =>
        `${f.code} ${f.subject.kind}:${f.subject.node ?? f.subject.name}${f.subject.container ? `/${f.subject.name}/${f.subject.container}` : ''}`,
    )
    .sort();
}

describe('node files from a dump directory (fixtures/containerd/nodes)', async () => {
  const nodes = await readDumpNodes(FIXTURES);
  const data: ContainerdData = { source: 'dump', nodes, sweptAt: NOW.toISOString(), durationMs: 0 };
  const byName = new Map(nodes.map((n) => [n.node, n] as [string, NodeContainerdRecord]));
  /** The containerd screen's tables over these nodes, with the given findings and pods. */
  const screenOf = (findings: readonly Finding[], images: ImagesData) =>
    containerdView({
      data,
      state: { status: 'ready', data },
      findings,
      snapshot: { containerd: { status: 'ready', data }, images: { status: 'ready', data: images } },
      config: { ...DEFAULT_CONFIG, registry: { private: PRIVATE } },
      now: NOW,
    });

  it('reads every node, each as containerd would', () => {
    expect(nodes.map((n) => n.node)).toEqual([
      'bad-toml',
      'default',
      'expired-ca',
      'gdc',
      'ib-v2',
      'ib-v3',
      'no-config',
      'skip-verify',
      'tkg-overlay',
    ]);
    expect(byName.get('ib-v2')?.view).toMatchObject({
      version: 2,
      files: ['/etc/containerd/config.toml', '/etc/containerd/conf.d/10-memory.toml'],
      sandboxImage: 'registry.example.internal/tkg/pause:3.10',
      configPath: '/etc/containerd/certs.d',
    });
    expect(byName.get('ib-v3')?.view).toMatchObject({
      version: 3,
      sandboxImage: 'registry.example.internal/tkg/pause:3.10',
    });
    expect(byName.get('default')?.view).toMatchObject({
      version: 2,
      sandboxImage: 'registry.k8s.io/pause:3.6',
      sandboxImageSource: 'config',
    });
    expect(byName.get('bad-toml')?.problems[0]).toMatchObject({ kind: 'toml', line: 3 });
    expect(byName.get('no-config')?.failure?.kind).toBe('file-missing');
    expect(byName.get('ib-v2')?.certificates).toMatchObject([
      {
        path: '/etc/containerd/certs.d/registry.example.internal/ca.crt',
        status: 'ok',
        certificates: [{ subject: 'CN=Example Internal Registry CA, O=Example' }],
      },
    ]);
  });

  it('never keeps the planted credential in the records', () => {
    expect(JSON.stringify(nodes)).not.toContain('PLANTED-SECRET');
    expect(byName.get('gdc')?.view?.credentials).toEqual([
      {
        file: '/etc/containerd/config.toml',
        location: 'registry.configs."172.18.0.20:5000".auth',
        host: '172.18.0.20:5000',
        fields: ['username', 'password'],
      },
    ]);
  });

  it('each finding fires where it should and nowhere else', () => {
    expect(codes(data)).toEqual([
      'CTRD-001 Node:default',
      'CTRD-002 Node:tkg-overlay',
      'CTRD-003 Node:skip-verify',
      'CTRD-004 CAFile:skip-verify',
      'CTRD-005 CAFile:expired-ca',
      'CTRD-006 CAFile:gdc',
      'CTRD-007 Node:gdc',
      // The largest identical group is ib-v2, ib-v3, expired-ca (CA content is not part of the view).
      'CTRD-008 Node:default',
      'CTRD-008 Node:gdc',
      'CTRD-008 Node:skip-verify',
      'CTRD-008 Node:tkg-overlay',
      'CTRD-009 File:bad-toml',
      'CTRD-106 Node:no-config',
    ]);
  });

  it('drift names the difference', () => {
    const f = evaluateContainerd(data, undefined, PRIVATE, NOW).find(
      (x) => x.code === 'CTRD-008' && x.subject.name === 'default',
    );
    expect(f?.detail).toContain(
      'sandbox image: registry.k8s.io/pause:3.6 (majority: registry.example.internal/tkg/pause:3.10)',
    );
    expect(f?.detail).toContain('no strict majority');
  });

  it('effective origin per container per node', () => {
    const images: ImagesData = {
      pods: [
        pod('app-v2', 'ib-v2', ['registry.example.internal/tkg/app:1', 'gcr.io/gke-on-prem-release/x:1']),
        pod('app-gdc', 'gdc', ['gcr.io/gke-on-prem-release/x:1', 'gcr.io/other/y:2', 'nginx']),
        pod('app-broken', 'tkg-overlay', ['registry.example.internal/tkg/app:1']),
        pod('app-unread', 'no-config', ['nginx']),
      ],
    };
    const origin = codes(data, images).filter((c) => /^CTRD-2/.test(c));
    expect(origin).toEqual([
      'CTRD-201 Pod:ib-v2/app-v2/c0',
      'CTRD-202 Pod:gdc/app-gdc/c0',
      'CTRD-202 Pod:gdc/app-gdc/c1',
      'CTRD-203 Registry:gdc',
      'CTRD-204 Pod:gdc/app-gdc/c2',
      'CTRD-204 Pod:ib-v2/app-v2/c1',
    ]);
    const fallback = evaluateContainerd(data, images, PRIVATE, NOW).find((f) => f.code === 'CTRD-203');
    expect(fallback?.detail).toContain('falls back to https://gcr.io');
    expect(fallback?.evidence.images).toContain('gcr.io/gke-on-prem-release/pause-amd64:3.1-gke.5 (sandbox)');
  });

  it('the screen shows effective origin per node and image host, with the findings behind each row', () => {
    const images: ImagesData = {
      pods: [
        pod('a', 'gdc', ['gcr.io/gke-on-prem-release/x:1', 'gcr.io/gke-on-prem-release/y:1', 'nginx']),
        pod('b', 'ib-v2', ['registry.example.internal/tkg/app:1']),
      ],
    };
    const tables = screenOf(evaluateContainerd(data, images, PRIVATE, NOW), images);
    const origin = tables.find((t) => t.id === 'containerd-origin');
    expect(
      origin?.rows.map((r) => [r.cells.node, r.cells.host, r.cells.verdict, r.cells.containers, r.severity]),
    ).toEqual([
      ['gdc', 'docker.io', 'PUBLIC (no mirror)', '1', 'fail'],
      ['gdc', 'gcr.io', 'mirror -> private !', '2', 'warn'],
      ['ib-v2', 'registry.example.internal', 'private registry', '1', 'pass'],
    ]);
    expect(origin?.rows[1]?.cells.endpoints).toBe(
      'https://172.18.0.20:5000 -> https://gcr.io (falls back to https://gcr.io)',
    );
    expect(origin?.rows[1]?.findingKeys?.length).toBe(3);
    const nodes = tables.find((t) => t.id === 'containerd-nodes');
    expect(nodes?.rows.find((r) => r.cells.node === 'bad-toml')?.cells.status).toBe('config invalid');
    expect(nodes?.rows.find((r) => r.cells.node === 'default')?.cells.sandbox).toBe(
      'registry.k8s.io/pause:3.6',
    );
  });

  it('a node row is marked by its configuration findings, a fallback mirror (CTRD-203 warn) included, not by its pods', () => {
    const images: ImagesData = { pods: [pod('a', 'gdc', ['gcr.io/gke-on-prem-release/x:1', 'nginx'])] };
    const all = evaluateContainerd(data, images, PRIVATE, NOW);
    const ofGdc = all.filter((f) => f.subject.node === 'gdc' || f.subject.name === 'gdc');
    // Only the mirror warning and the pods' own verdicts: the row is warn (!), not fail (the pod's x).
    const findings = ofGdc.filter((f) => f.code === 'CTRD-203' || f.subject.kind === 'Pod');
    expect(findings.map((f) => `${f.code} ${f.severity}`).sort()).toEqual([
      'CTRD-202 pass',
      'CTRD-203 warn',
      'CTRD-204 fail',
    ]);
    const tables = screenOf(findings, images);
    const row = tables.find((t) => t.id === 'containerd-nodes')?.rows.find((r) => r.cells.node === 'gdc');
    expect(row?.severity).toBe('warn');
    expect(row?.findingKeys).toHaveLength(1);
  });
});
