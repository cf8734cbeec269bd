import { type Finding, findingKey, type Severity, subjectKey, worstSeverity } from '../model/finding.js';
import { describeVerdict } from '../model/registry/classify.js';
import { endpointSubject, leafCertificates, summariseEndpoints } from '../model/registry/evaluate.js';
import {
  CENTRAL_GROUP,
  type ImagePresence,
  type NodeGroup,
  type PresenceOutcome,
} from '../model/registry/presence.js';
import type { ViewBuilder, ViewRow, ViewTable } from './types.js';

/**
 * The registry screen: per node group (nodes whose containerd pulls the same way), each image with
 * the registry's answer as that group asks, problems first; then the endpoints with their TLS
 * inventory (issuer, expiry, SANs, which CA verified it). Enter on an image shows the exact requests
 * (URL without secrets, status, digest, media type) that prove it.
 */

const OUTCOME: Readonly<Record<PresenceOutcome['kind'], { label: string; severity: Severity }>> = {
  present: { label: 'present', severity: 'pass' },
  'fallback-public': { label: 'MISSING: falls back to internet', severity: 'fail' },
  'public-only': { label: 'public (not asked)', severity: 'info' },
  absent: { label: 'MISSING', severity: 'fail' },
  refused: { label: 'REFUSED', severity: 'fail' },
  unverified: { label: 'unverified', severity: 'warn' },
  'cri-disabled': { label: 'CRI disabled', severity: 'fail' },
};

function outcomeOf(p: ImagePresence): { label: string; severity: Severity; how: string } {
  const o = p.outcome;
  const base = OUTCOME[o.kind];
  switch (o.kind) {
    case 'present': {
      const mismatch = o.served.verdict.kind === 'digest-mismatch';
      return {
        label: mismatch ? 'other digest' : o.viaMirror ? 'present via mirror' : base.label,
        severity: mismatch ? 'warn' : 'pass',
        how: `${o.served.method ?? 'HEAD'} ${o.served.url} ${o.served.status ?? ''} ${o.served.digest ?? ''}`.trim(),
      };
    }
    case 'fallback-public':
    case 'public-only':
      return { ...base, how: `next: ${o.url}` };
    case 'refused':
      return { ...base, how: `${o.by.url}: ${describeVerdict(o.by.verdict)}` };
    case 'unverified':
      return { ...base, how: o.by ? `${o.by.url}: ${describeVerdict(o.by.verdict)}` : o.reason };
    case 'absent':
      return {
        ...base,
        how: p.endpoints
          .filter((e) => !e.public)
          .map((e) => `${e.url} ${e.status ?? ''}`.trim())
          .join('; '),
      };
    case 'cri-disabled':
      return { ...base, how: "containerd rejects this group's registry configuration" };
  }
}

const RANK: Readonly<Record<Severity, number>> = { fail: 0, warn: 1, info: 2, pass: 3 };

function groupLabel(g: NodeGroup): string {
  if (g.id === CENTRAL_GROUP) {
    return g.nodes.length > 0
      ? `central check (${g.nodes.length} node${g.nodes.length === 1 ? '' : 's'} without containerd data)`
      : 'central check (no node data)';
  }
  const first = g.nodes[0] ?? g.id;
  return g.nodes.length > 1 ? `nodes ${first} +${g.nodes.length - 1}` : `node ${first}`;
}

export const registryView: ViewBuilder<'registry'> = ({ data, findings, now }) => {
  const byGroup = new Map<string, ImagePresence[]>();
  for (const p of Object.values(data.images)) {
    const list = byGroup.get(p.group);
    if (list) list.push(p);
    else byGroup.set(p.group, [p]);
  }
  const imageRows: ViewRow[] = [];
  for (const g of data.groups) {
    const list = (byGroup.get(g.id) ?? []).map((p) => ({ p, o: outcomeOf(p) }));
    if (list.length === 0) continue;
    list.sort((a, b) => RANK[a.o.severity] - RANK[b.o.severity] || a.p.image.localeCompare(b.p.image));
    const count = (severity: Severity) => list.filter((x) => x.o.severity === severity).length;
    const [failing, unverified, notAsked] = [count('fail'), count('warn'), count('info')];
    imageRows.push({
      key: `group|${g.id}`,
      cells: {
        image: groupLabel(g),
        result: `${count('pass')}/${list.length} present`,
        how: [
          failing ? `${failing} failing` : '',
          unverified ? `${unverified} unverified` : '',
          notAsked ? `${notAsked} not asked (public or unlisted)` : '',
        ]
          .filter(Boolean)
          .join(', '),
      },
      severity: list.reduce<Severity>((w, x) => (RANK[x.o.severity] < RANK[w] ? x.o.severity : w), 'pass'),
      depth: 0,
      object: g,
    });
    for (const { p, o } of list) {
      imageRows.push({
        key: `image|${g.id}|${p.image}|${p.expectDigest ?? ''}`,
        cells: { image: p.image, result: o.label, how: o.how },
        severity: o.severity,
        depth: 1,
        object: p,
      });
    }
  }

  const leaves = leafCertificates(data);
  const endpointRows: ViewRow[] = summariseEndpoints(data).map((s) => {
    const key = subjectKey(endpointSubject(s.origin));
    const mine = findings.filter((f: Finding) => subjectKey(f.subject) === key);
    const cert = leaves.get(s.origin);
    const days = cert ? Math.floor((Date.parse(cert.leaf.notAfter) - now.getTime()) / 86_400_000) : undefined;
    return {
      key: `endpoint|${s.origin}`,
      cells: {
        endpoint: s.origin,
        answers: s.public
          ? `public: ${s.publicImages} not asked`
          : `${s.present} present, ${s.absent} absent`,
        tls: cert
          ? `${cert.leaf.issuer.replace(/^.*CN=/, 'CA ')} · to ${cert.leaf.notAfter.slice(0, 10)}${days !== undefined ? ` (${days} d)` : ''} · ${cert.tls.verifiedBy ?? (cert.tls.skipVerify ? 'skip_verify' : 'not verified')}`
          : s.public
            ? 'never contacted'
            : s.origin.startsWith('http:')
              ? 'plain HTTP'
              : 'no handshake',
        sans: cert ? cert.leaf.sans.join(', ') : '',
      },
      severity: worstSeverity(mine),
      findingKeys: mine.map(findingKey),
      object: { summary: { ...s, buckets: Object.fromEntries(s.buckets) }, tls: cert?.tls },
    };
  });

  const tables: ViewTable[] = [
    {
      id: 'registry-images',
      title: 'Images, as each node group pulls them',
      columns: [
        { key: 'image', title: 'GROUP / IMAGE', width: 56, truncate: 'middle' },
        { key: 'result', title: 'RESULT', width: 22 },
        { key: 'how', title: 'PROOF (LAST REQUEST)' },
      ],
      rows: imageRows,
      footer: `${data.counts.requests} images × groups, ${data.counts.triples} (endpoint, repository, reference) triples; ${data.counts.manifestRequests} manifest + ${data.counts.tokenRequests} token requests${data.counts.fromCache ? `, ${data.counts.fromCache} from cache` : ''}; swept ${data.sweptAt.slice(11, 19)}${data.unreachable.length ? `; unreachable: ${data.unreachable.join(', ')}` : ''}`,
    },
    {
      id: 'registry-endpoints',
      title: 'Endpoints and their TLS',
      columns: [
        { key: 'endpoint', title: 'ENDPOINT', width: 40, truncate: 'middle' },
        { key: 'answers', title: 'ANSWERS', width: 24 },
        { key: 'tls', title: 'TLS (ISSUER · EXPIRY · VERIFIED BY)', width: 60 },
        { key: 'sans', title: 'SANS' },
      ],
      rows: endpointRows,
    },
  ];
  return tables;
};
