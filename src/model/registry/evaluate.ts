import { makeFinding } from '../checks/index.js';
import type { CheckCode } from '../checks/registry.js';
import type { Evaluator } from '../evaluate.js';
import type { Finding, Subject } from '../finding.js';
import { compareFindings } from '../finding-order.js';
import { describeVerdict } from './classify.js';
import { CENTRAL_GROUP, type EndpointAnswer, type ImagePresence, type PresenceData } from './presence.js';
import type { CertificateFacts, RegistryVerdict, TlsInventory } from './types.js';

/**
 * The registry probe's own verdicts, one set per endpoint (origin) the sweep asked: does it answer,
 * over TLS its askers trust, and does it serve pulls? Each container's verdict lives in the images
 * probe (effective-verdict.ts); here is what an SRE fixes on the registry itself. Pure.
 */

/** Days before a certificate's expiry that REG-304 warns. */
export const CERT_WARN_DAYS = 30;

type Bucket = 'answered' | 'unverified' | 'tls-refused' | 'pull-refused';

/** What one endpoint answered across the sweep, per kind of answer. */
export interface EndpointSummary {
  /** `scheme://host[:port]`. */
  readonly origin: string;
  /** Node groups that ask it (`central` included). */
  readonly groups: readonly string[];
  readonly present: number;
  readonly absent: number;
  /** Per bucket: how many answers, and the first one as an example. */
  readonly buckets: ReadonlyMap<Bucket, { count: number; example: EndpointAnswer }>;
  /** Images (per group) whose pull path ends at this public endpoint; 0 for private ones. */
  readonly publicImages: number;
  readonly public: boolean;
  /** Not public but not named by the config (never contacted either). */
  readonly outside: boolean;
}

function bucketOf(verdict: RegistryVerdict, central: boolean): Bucket | undefined {
  switch (verdict.kind) {
    case 'present':
    case 'absent':
    case 'digest-mismatch':
      return 'answered';
    case 'anonymous-refused':
    case 'credentials-refused':
    case 'forbidden':
      return 'pull-refused';
    case 'tls-expired':
    case 'tls-name-mismatch':
      return 'tls-refused';
    case 'tls-untrusted':
      // Centrally, "untrusted" only says airgap-top lacks the CA; on a node's view, the node's CA failed.
      return central ? 'unverified' : 'tls-refused';
    case 'public-not-contacted':
      return undefined;
    default:
      return 'unverified';
  }
}

/** Every endpoint the sweep planned, with what it answered, sorted by origin. */
export function summariseEndpoints(data: PresenceData): EndpointSummary[] {
  interface Acc {
    groups: Set<string>;
    present: number;
    absent: number;
    buckets: Map<Bucket, { count: number; example: EndpointAnswer }>;
    publicImages: number;
    public: boolean;
    outside: boolean;
  }
  const byOrigin = new Map<string, Acc>();
  // The judgements of one (group, image) share their endpoint list (judgeAll): each distinct list
  // is read once, counted as often as it occurs, in the order first seen.
  const lists: { endpoints: readonly EndpointAnswer[]; group: string; count: number }[] = [];
  const listIndex = new Map<readonly EndpointAnswer[], Map<string, number>>();
  for (const p of Object.values(data.images) as ImagePresence[]) {
    let byGroup = listIndex.get(p.endpoints);
    if (!byGroup) {
      byGroup = new Map();
      listIndex.set(p.endpoints, byGroup);
    }
    const at = byGroup.get(p.group);
    if (at !== undefined) (lists[at] as { count: number }).count++;
    else {
      byGroup.set(p.group, lists.length);
      lists.push({ endpoints: p.endpoints, group: p.group, count: 1 });
    }
  }
  const origins = new Map<string, string>();
  for (const { endpoints, group, count } of lists) {
    for (const e of endpoints) {
      let origin = origins.get(e.url);
      if (origin === undefined) {
        origin = new URL(e.url).origin;
        origins.set(e.url, origin);
      }
      let acc = byOrigin.get(origin);
      if (!acc) {
        acc = {
          groups: new Set(),
          present: 0,
          absent: 0,
          buckets: new Map(),
          publicImages: 0,
          public: e.public,
          outside: e.verdict.kind === 'public-not-contacted' && e.verdict.outside === true,
        };
        byOrigin.set(origin, acc);
      }
      acc.groups.add(group);
      if (e.public) {
        acc.publicImages += count;
        continue;
      }
      if (e.verdict.kind === 'present' || e.verdict.kind === 'digest-mismatch') acc.present += count;
      if (e.verdict.kind === 'absent') acc.absent += count;
      const bucket = bucketOf(e.verdict, group === CENTRAL_GROUP);
      if (!bucket) continue;
      const b = acc.buckets.get(bucket);
      if (b) b.count += count;
      else acc.buckets.set(bucket, { count, example: e });
    }
  }
  return [...byOrigin.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([origin, acc]) => ({
      origin,
      groups: [...acc.groups].sort(),
      present: acc.present,
      absent: acc.absent,
      buckets: acc.buckets,
      publicImages: acc.publicImages,
      public: acc.public,
      outside: acc.outside,
    }));
}

/** The server certificate (leaf) each origin served, from the sweep's TLS inventory. */
export function leafCertificates(
  data: PresenceData,
): Map<string, { leaf: CertificateFacts; tls: TlsInventory }> {
  const out = new Map<string, { leaf: CertificateFacts; tls: TlsInventory }>();
  for (const [key, tls] of Object.entries(data.tls)) {
    const leaf = tls.chain[0];
    const origin = originOfEndpointKey(key);
    if (!leaf || !origin || out.has(origin)) continue;
    out.set(origin, { leaf, tls });
  }
  return out;
}

/** `https://host:port/path?ns=…#…` (endpointKey) → `https://host:port`. */
function originOfEndpointKey(key: string): string | undefined {
  const m = /^(https?:\/\/[^/?#]+)/.exec(key);
  return m?.[1];
}

export const endpointSubject = (origin: string): Subject => ({ kind: 'RegistryEndpoint', name: origin });

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The registry probe's findings: per endpoint, its answers, its TLS, its refusals; public ones noted. */
export function evaluateRegistry(data: PresenceData, now: Date): Finding[] {
  const out: Finding[] = [];
  const leaves = leafCertificates(data);
  for (const s of summariseEndpoints(data)) {
    const subject = endpointSubject(s.origin);
    const groups = s.groups.map((g) => (g === CENTRAL_GROUP ? 'central check' : g)).join(', ');
    if (s.public) {
      out.push(
        makeFinding('REG-306', {
          subject,
          detail: `${plural(s.publicImages, 'image')} (per node group: ${groups}) end their pull path at ${s.origin}. It was not contacted: ${s.outside ? 'no [registry] private prefix or connect_to names it' : 'a public registry'}, judged from the configuration only.`,
          evidence: { origin: s.origin, images: s.publicImages, groups: s.groups },
        }),
      );
      continue;
    }
    const base = { origin: s.origin, groups: s.groups, present: s.present, absent: s.absent };
    const answered = s.buckets.get('answered');
    const example = (bucket: Bucket) => s.buckets.get(bucket);
    const push = (code: CheckCode, bucket: Bucket, title: string, extra: Record<string, unknown> = {}) => {
      const b = example(bucket);
      if (!b) return;
      out.push(
        makeFinding(code, {
          subject,
          title,
          detail: `${plural(b.count, 'check')} against ${s.origin} (${groups}): ${describeVerdict(b.example.verdict)}; for example ${b.example.url}${b.example.status !== undefined ? ` answered ${b.example.status}` : ''}.`,
          evidence: { ...base, checks: b.count, example: b.example.url, code: b.example.code, ...extra },
        }),
      );
    };
    push('REG-303', 'tls-refused', `${s.origin}: TLS certificate refused`);
    push('REG-305', 'pull-refused', `${s.origin}: pull refused`);
    push('REG-302', 'unverified', `${s.origin}: could not be asked from here`);
    if (answered) {
      const cert = leaves.get(s.origin);
      const tlsText = cert
        ? ` TLS: ${cert.leaf.subject}, issued by ${cert.leaf.issuer}, valid to ${cert.leaf.notAfter.slice(0, 10)}${cert.tls.verifiedBy ? `, verified by ${cert.tls.verifiedBy}` : cert.tls.skipVerify ? ', not verified (skip_verify)' : ''}.`
        : s.origin.startsWith('http:')
          ? ' Plain HTTP: nothing verifies who answers.'
          : '';
      out.push(
        makeFinding('REG-301', {
          subject,
          title: `${s.origin}: answers (${s.present} present, ${s.absent} absent)`,
          detail: `${plural(answered.count, 'check')} answered by ${s.origin} (${groups}): ${s.present} present, ${s.absent} absent.${tlsText}`,
          evidence: {
            ...base,
            checks: answered.count,
            ...(cert
              ? {
                  certificate: cert.leaf,
                  verifiedBy: cert.tls.verifiedBy ?? null,
                  caFiles: cert.tls.caFiles,
                  skipVerify: cert.tls.skipVerify,
                }
              : {}),
          },
        }),
      );
    }
    const cert = leaves.get(s.origin);
    if (cert) {
      const days = Math.floor((Date.parse(cert.leaf.notAfter) - now.getTime()) / 86_400_000);
      if (days >= 0 && days < CERT_WARN_DAYS) {
        out.push(
          makeFinding('REG-304', {
            subject,
            title: `${s.origin}: TLS certificate expires in ${plural(days, 'day')}`,
            detail: `${s.origin} serves ${cert.leaf.subject} (issued by ${cert.leaf.issuer}), valid to ${cert.leaf.notAfter} (in ${plural(days, 'day')}). SANs: ${cert.leaf.sans.join(', ') || 'none'}.`,
            evidence: { origin: s.origin, certificate: cert.leaf, days },
          }),
        );
      }
    }
  }
  return out.sort(compareFindings);
}

/** The registry probe's evaluator: endpoint verdicts; certificate expiry makes it time-dependent. */
export const registryEvaluator: Evaluator<'registry', never> = {
  probe: 'registry',
  inputs: [],
  timeDependent: true,
  evaluate: ({ data, now }) => evaluateRegistry(data, now),
};
