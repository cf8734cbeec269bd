import type { ContainerdView, EndpointView, NodeContainerdRecord } from './types.js';

/**
 * Drift between nodes: each node's registry view reduced to comparable lines; the largest group is the
 * reference, and every other node is told what differs from it.
 */
export type ViewSignature = Readonly<Record<string, string>>;

function endpointSummary(e: EndpointView): string {
  const parts = [e.url || '<image host>'];
  if (e.caFiles.length > 0) parts.push(`ca=${e.caFiles.join('+')}`);
  if (e.skipVerify) parts.push('skip_verify');
  if (e.overridePath) parts.push('override_path');
  if (e.clientCertificate) parts.push('client-cert');
  if (e.capabilities.join(',') !== 'pull,resolve,push') parts.push(`caps=${e.capabilities.join(',')}`);
  return parts.join(' ');
}

/** The parts of a view that decide how images are pulled (file names and credential fields aside). */
export function viewSignature(view: ContainerdView): ViewSignature {
  const sig: Record<string, string> = {
    'sandbox image': view.sandboxImage,
    config_path: view.configPath ?? '(unset)',
  };
  // In config_path mode legacy tables are not in `registries`, but they decide whether CRI runs at all.
  if (view.configPath && (view.legacyMirrorHosts.length > 0 || view.legacyTlsHosts.length > 0)) {
    sig['legacy tables'] =
      `mirrors: ${view.legacyMirrorHosts.join(', ') || '-'}; configs.tls: ${view.legacyTlsHosts.join(', ') || '-'}`;
  }
  for (const r of view.registries) {
    sig[`registry ${r.host}`] = `${r.source}: ${r.endpoints.map(endpointSummary).join(' -> ')}`;
  }
  const credHosts = [...new Set(view.credentials.map((c) => c.host))].sort();
  sig.credentials = credHosts.length > 0 ? credHosts.join(', ') : '(none)';
  return sig;
}

export interface DriftGroup {
  /** Stable id of the variant (its signature as JSON). */
  readonly key: string;
  readonly nodes: readonly string[];
  readonly signature: ViewSignature;
  readonly majority: boolean;
}

export interface DriftResult {
  readonly groups: readonly DriftGroup[];
  /** Per drifting node, lines `key: this node's value (majority: value)`. */
  readonly differences: ReadonlyMap<string, readonly string[]>;
  /** True when the reference group has more than half of the nodes read. */
  readonly strictMajority: boolean;
}

function signatureKey(sig: ViewSignature): string {
  return JSON.stringify(
    Object.keys(sig)
      .sort()
      .map((k) => [k, sig[k]]),
  );
}

export function diffSignatures(node: ViewSignature, reference: ViewSignature): string[] {
  const keys = [...new Set([...Object.keys(node), ...Object.keys(reference)])].sort();
  const out: string[] = [];
  for (const k of keys) {
    const a = node[k];
    const b = reference[k];
    if (a === b) continue;
    out.push(`${k}: ${a ?? '(not configured)'} (majority: ${b ?? '(not configured)'})`);
  }
  return out;
}

/** Groups nodes whose config was read by identical views; largest group first (ties: by first node name). */
export function driftGroups(records: readonly NodeContainerdRecord[]): DriftResult {
  const byKey = new Map<string, { nodes: string[]; signature: ViewSignature }>();
  for (const r of records) {
    if (!r.view) continue;
    const signature = viewSignature(r.view);
    const key = signatureKey(signature);
    const group = byKey.get(key) ?? { nodes: [], signature };
    group.nodes.push(r.node);
    byKey.set(key, group);
  }
  const sorted = [...byKey.entries()]
    .map(([key, g]) => ({ key, nodes: [...g.nodes].sort(), signature: g.signature }))
    .sort((a, b) => b.nodes.length - a.nodes.length || (a.nodes[0] ?? '').localeCompare(b.nodes[0] ?? ''));
  const total = sorted.reduce((n, g) => n + g.nodes.length, 0);
  const reference = sorted[0];
  const differences = new Map<string, string[]>();
  if (reference && sorted.length > 1) {
    for (const g of sorted.slice(1)) {
      const diff = diffSignatures(g.signature, reference.signature);
      for (const n of g.nodes) differences.set(n, diff);
    }
  }
  return {
    groups: sorted.map((g, i) => ({ ...g, majority: i === 0 && sorted.length > 1 })),
    differences,
    strictMajority: reference !== undefined && reference.nodes.length * 2 > total,
  };
}
