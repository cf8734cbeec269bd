import { driftGroups } from '../model/containerd/drift.js';
import { type Origin, originOfRef, privatePrefixes } from '../model/containerd/origin.js';
import type { NodeContainerdRecord } from '../model/containerd/types.js';
import { type Finding, findingKey, type Severity, worstSeverity } from '../model/finding.js';
import { tryParseImageRef } from '../model/image-ref.js';
import type { ViewBuilder, ViewRow, ViewTable } from './types.js';

function findingsOfNode(findings: readonly Finding[], node: string): Finding[] {
  return findings.filter(
    (f) => f.subject.node === node || (f.subject.kind === 'Node' && f.subject.name === node),
  );
}

function groupLetter(index: number): string {
  return index < 26 ? String.fromCharCode(65 + index) : `G${index + 1}`;
}

function nodeStatus(r: NodeContainerdRecord): string {
  if (r.failure) return r.failure.kind;
  if (!r.view) return 'config invalid';
  return r.hostKeyRecorded ? 'read (key recorded)' : 'read';
}

const VERDICT_LABEL: Readonly<Record<Origin['verdict'], string>> = {
  private: 'private registry',
  mirrored: 'mirror -> private',
  public: 'PUBLIC (no mirror)',
  'foreign-mirror': 'mirror not private',
  'cri-disabled': 'CRI disabled',
};

const VERDICT_SEVERITY: Readonly<Record<Origin['verdict'], Severity>> = {
  private: 'pass',
  mirrored: 'pass',
  public: 'fail',
  'foreign-mirror': 'fail',
  'cri-disabled': 'fail',
};

/** The containerd screen: nodes with their drift group, the groups, and effective origin per node. */
export const containerdView: ViewBuilder<'containerd'> = ({ data: d, findings, snapshot, config }) => {
  const drift = driftGroups(d.nodes);
  const groupOf = new Map<string, number>();
  drift.groups.forEach((g, i) => {
    for (const n of g.nodes) groupOf.set(n, i);
  });

  const nodeRows: ViewRow[] = d.nodes.map((r) => {
    const fs = findingsOfNode(findings, r.node);
    // Per-container origins (CTRD-2xx on a Pod) have their own table; everything about the node's
    // configuration marks its row, a registry that falls back to the internet (CTRD-203 warn) included.
    const nonOrigin = fs.filter((f) => !(f.code.startsWith('CTRD-2') && f.subject.kind === 'Pod'));
    const g = groupOf.get(r.node);
    return {
      key: `node|${r.node}`,
      cells: {
        node: r.node,
        status: nodeStatus(r),
        version: r.view ? `v${r.view.version}` : '',
        mode: r.view ? (r.view.configPath ? `config_path ${r.view.configPath}` : 'legacy mirrors') : '',
        sandbox: r.view
          ? `${r.view.sandboxImage}${r.view.sandboxImageSource === 'default' ? ' (default)' : ''}`
          : '',
        registries: r.view ? r.view.registries.map((x) => x.host).join(', ') || '(none)' : '',
        group: g === undefined ? '' : `${groupLetter(g)}${drift.groups.length > 1 && g === 0 ? '*' : ''}`,
      },
      severity: worstSeverity(nonOrigin),
      findingKeys: nonOrigin.map(findingKey),
      object: r,
    };
  });
  const failed = d.nodes.filter((n) => n.failure).length;
  const tables: ViewTable[] = [
    {
      id: 'containerd-nodes',
      title: 'Nodes: containerd registry configuration',
      columns: [
        { key: 'node', title: 'NODE', width: 28, truncate: 'middle' },
        { key: 'status', title: 'STATUS', width: 18 },
        { key: 'version', title: 'VER', width: 4 },
        { key: 'group', title: 'GRP', width: 4 },
        { key: 'mode', title: 'MODE', width: 34 },
        { key: 'sandbox', title: 'SANDBOX IMAGE', width: 44 },
        { key: 'registries', title: 'REGISTRIES' },
      ],
      rows: nodeRows,
      footer: `${d.nodes.length} nodes, ${failed} failed, ${drift.groups.length} distinct view(s)${d.skipped?.length ? `, ${d.skipped.length} skipped (${d.skipped.map((x) => x.node).join(', ')}: Windows)` : ''} (${d.source === 'dump' ? 'from dump' : 'over SSH'}, ${d.durationMs} ms)`,
    },
  ];

  if (drift.groups.length > 0) {
    const rows: ViewRow[] = [];
    drift.groups.forEach((g, i) => {
      rows.push({
        key: `group|${g.key}`,
        cells: {
          group: groupLetter(i),
          nodes: `${g.nodes.length}: ${g.nodes.slice(0, 6).join(', ')}${g.nodes.length > 6 ? ', ...' : ''}`,
          detail: i === 0 ? (drift.groups.length > 1 ? 'reference (largest group)' : 'all nodes agree') : '',
        },
        severity: i === 0 ? 'pass' : 'warn',
        depth: 0,
        object: g.signature,
      });
      const first = g.nodes[0];
      const diff = first ? drift.differences.get(first) : undefined;
      for (const [j, line] of (diff ?? []).entries()) {
        rows.push({
          key: `group|${g.key}|${j}`,
          cells: { group: '', nodes: '', detail: line },
          severity: 'warn',
          depth: 1,
        });
      }
    });
    tables.push({
      id: 'containerd-drift',
      title: 'Drift: nodes grouped by identical registry view',
      columns: [
        { key: 'group', title: 'GRP', width: 4 },
        { key: 'nodes', title: 'NODES', width: 50 },
        { key: 'detail', title: 'DIFFERENCE FROM THE REFERENCE' },
      ],
      rows,
    });
  }

  const images = snapshot.images?.data;
  if (images && config.registry.private.length > 0) {
    const prefixes = privatePrefixes(config.registry.private);
    const views = new Map(d.nodes.filter((n) => n.view).map((n) => [n.node, n.view]));
    const cells = new Map<
      string,
      { node: string; host: string; origin: Origin; containers: number; images: Set<string> }
    >();
    for (const pod of images.pods) {
      const view = pod.nodeName ? views.get(pod.nodeName) : undefined;
      if (!view || !pod.nodeName) continue;
      for (const c of pod.containers) {
        const ref = tryParseImageRef(c.image);
        if (ref instanceof Error) continue;
        const origin = originOfRef(ref, view, prefixes);
        const key = `${pod.nodeName}|${ref.domain}|${origin.verdict}`;
        const cell = cells.get(key) ?? {
          node: pod.nodeName,
          host: ref.domain,
          origin,
          containers: 0,
          images: new Set<string>(),
        };
        cell.containers += 1;
        cell.images.add(c.image);
        cells.set(key, cell);
      }
    }
    const rows: ViewRow[] = [...cells.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, c]) => {
        const related = findings.filter(
          (f) =>
            f.code.startsWith('CTRD-2') &&
            f.subject.node === c.node &&
            (f.evidence.image === undefined || c.images.has(String(f.evidence.image))),
        );
        const fallback = c.origin.fallsBackTo ? ` (falls back to ${c.origin.fallsBackTo})` : '';
        return {
          key: `origin|${key}`,
          cells: {
            node: c.node,
            host: c.host,
            verdict: VERDICT_LABEL[c.origin.verdict] + (c.origin.fallsBackTo ? ' !' : ''),
            containers: String(c.containers),
            endpoints: c.origin.endpoints.join(' -> ') + fallback,
          },
          severity: c.origin.fallsBackTo ? 'warn' : VERDICT_SEVERITY[c.origin.verdict],
          findingKeys: related.map(findingKey),
          object: { ...c.origin, images: [...c.images].sort() },
        };
      });
    tables.push({
      id: 'containerd-origin',
      title: 'Effective origin: where each node pulls each image host from',
      columns: [
        { key: 'node', title: 'NODE', width: 28, truncate: 'middle' },
        { key: 'host', title: 'IMAGE HOST', width: 28 },
        { key: 'verdict', title: 'PULLED FROM', width: 22 },
        { key: 'containers', title: 'CTRS', width: 5, align: 'right' },
        { key: 'endpoints', title: 'ENDPOINTS TRIED (IN ORDER)' },
      ],
      rows,
    });
  }
  return tables;
};
