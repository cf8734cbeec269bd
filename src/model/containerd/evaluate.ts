import { type CheckCode, makeFinding } from '../checks/index.js';
import type { EvaluationInput, Evaluator } from '../evaluate.js';
import type { Finding, Subject } from '../finding.js';
import { tryParseImageRef } from '../image-ref.js';
import type { ImagesData } from '../images/types.js';
import { driftGroups } from './drift.js';
import { criDisabled, isPrivateImage, type Origin, originOfRef, privatePrefixes } from './origin.js';
import type { ContainerdData, ContainerdView, NodeContainerdRecord, NodeFailureKind } from './types.js';

const FAILURE_CODES: Readonly<Record<NodeFailureKind, CheckCode>> = {
  unreachable: 'CTRD-101',
  'auth-refused': 'CTRD-102',
  'host-key-mismatch': 'CTRD-103',
  'host-key-unknown': 'CTRD-104',
  'permission-denied': 'CTRD-105',
  'file-missing': 'CTRD-106',
  timeout: 'CTRD-107',
  'no-address': 'CTRD-108',
  'too-large': 'CTRD-109',
};

const DAY_MS = 86_400_000;
const EXPIRY_WARN_DAYS = 30;

function nodeSubject(node: string): Subject {
  return { kind: 'Node', name: node };
}

/** Findings about one node's own config (independent of pods). */
export function nodeFindings(
  record: NodeContainerdRecord,
  privates: readonly string[],
  now: Date,
): Finding[] {
  const out: Finding[] = [];
  const subject = nodeSubject(record.node);
  if (record.failure) {
    out.push(
      makeFinding(FAILURE_CODES[record.failure.kind], {
        subject,
        detail: record.failure.message,
        evidence: {
          target: record.target,
          kind: record.failure.kind,
          ...(record.failure.path ? { path: record.failure.path } : {}),
        },
      }),
    );
  }
  for (const p of record.problems) {
    const code: CheckCode =
      p.kind === 'toml' ? 'CTRD-009' : p.kind === 'ignored-section' ? 'CTRD-011' : 'CTRD-010';
    const where = p.line !== undefined ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
    out.push(
      makeFinding(code, {
        subject: { kind: 'File', name: p.file, node: record.node },
        detail: `${where}: ${p.message}`,
        evidence: { file: p.file, ...(p.line !== undefined ? { line: p.line, column: p.column } : {}) },
      }),
    );
  }
  for (const cert of record.certificates) {
    const fileSubject: Subject = { kind: 'CAFile', name: cert.path, node: record.node };
    if (cert.status !== 'ok') {
      out.push(
        makeFinding('CTRD-004', {
          subject: fileSubject,
          detail: `${cert.path} (named by ${cert.namedBy}) is ${cert.status}${cert.message ? `: ${cert.message}` : ''}.`,
          evidence: { path: cert.path, namedBy: cert.namedBy, status: cert.status },
        }),
      );
      continue;
    }
    const expired = cert.certificates.filter((c) => Date.parse(c.notAfter) <= now.getTime());
    const soon = cert.certificates.filter((c) => {
      const t = Date.parse(c.notAfter);
      return t > now.getTime() && t - now.getTime() <= EXPIRY_WARN_DAYS * DAY_MS;
    });
    if (expired.length > 0) {
      out.push(
        makeFinding('CTRD-005', {
          subject: fileSubject,
          detail: expired.map((c) => `${c.subject} expired on ${c.notAfter}`).join('; '),
          evidence: { path: cert.path, namedBy: cert.namedBy, certificates: expired },
        }),
      );
    } else if (soon.length > 0) {
      out.push(
        makeFinding('CTRD-006', {
          subject: fileSubject,
          detail: soon
            .map(
              (c) =>
                `${c.subject} expires on ${c.notAfter} (in ${Math.ceil((Date.parse(c.notAfter) - now.getTime()) / DAY_MS)} days)`,
            )
            .join('; '),
          evidence: { path: cert.path, namedBy: cert.namedBy, certificates: soon },
        }),
      );
    }
  }
  const view = record.view;
  if (!view) return out;
  if (criDisabled(view)) {
    const parts: string[] = [];
    if (view.legacyMirrorHosts.length > 0) parts.push(`mirrors for ${view.legacyMirrorHosts.join(', ')}`);
    if (view.legacyTlsHosts.length > 0) parts.push(`configs.*.tls for ${view.legacyTlsHosts.join(', ')}`);
    out.push(
      makeFinding('CTRD-002', {
        subject,
        detail: `config_path = "${view.configPath}" together with ${parts.join(' and ')}: containerd refuses this registry config and skips its CRI plugin, so this node cannot pull images or start pods.`,
        evidence: {
          configPath: view.configPath,
          legacyMirrors: view.legacyMirrorHosts,
          legacyTls: view.legacyTlsHosts,
          files: view.files,
        },
      }),
    );
  }
  if (view.skipVerify.length > 0) {
    out.push(
      makeFinding('CTRD-003', {
        subject,
        detail: `TLS verification is off for ${[...new Set(view.skipVerify.map((s) => s.host))].join(', ')}.`,
        evidence: { settings: view.skipVerify.map((s) => `${s.file}: ${s.location}`) },
      }),
    );
  }
  if (view.credentials.length > 0) {
    out.push(
      makeFinding('CTRD-007', {
        subject,
        detail: `Credentials are written in plain text for ${[...new Set(view.credentials.map((c) => c.host))].join(', ')} (values redacted, never read into reports).`,
        evidence: {
          locations: view.credentials.map((c) => `${c.file}: ${c.location} (${c.fields.join(', ')})`),
        },
      }),
    );
  }
  if (privates.length > 0 && !criDisabled(view)) {
    const prefixes = privatePrefixes(privates);
    const ref = tryParseImageRef(view.sandboxImage);
    if (!(ref instanceof Error)) {
      const origin = originOfRef(ref, view, prefixes);
      if (origin.verdict !== 'private' && origin.verdict !== 'mirrored') {
        out.push(
          makeFinding('CTRD-001', {
            subject,
            detail: `The sandbox image is ${view.sandboxImage}${view.sandboxImageSource === 'default' ? " (containerd's default: no file sets it)" : ''}; containerd pulls it from ${origin.endpoints.join(', ') || origin.imageHost}, not from ${privates.join(', ')}.`,
            evidence: {
              sandboxImage: view.sandboxImage,
              source: view.sandboxImageSource,
              endpoints: origin.endpoints,
            },
          }),
        );
      }
    }
  }
  return out;
}

/** Everything the probe reports, from its node records and (for the effective origin) the pods. */
export function evaluateContainerd(
  data: ContainerdData,
  images: ImagesData | undefined,
  privates: readonly string[],
  now: Date,
): Finding[] {
  const out: Finding[] = [];
  for (const record of data.nodes) out.push(...nodeFindings(record, privates, now));

  const drift = driftGroups(data.nodes);
  const reference = drift.groups[0];
  for (const [node, diff] of drift.differences) {
    out.push(
      makeFinding('CTRD-008', {
        subject: nodeSubject(node),
        detail: `Differs from ${drift.strictMajority ? 'the majority' : 'the largest group (no strict majority)'} of ${reference?.nodes.length ?? 0} node(s): ${diff.join('; ')}`,
        evidence: { differences: diff, majorityNodes: reference?.nodes.slice(0, 10) ?? [] },
      }),
    );
  }

  if (privates.length === 0 || !images) return out;
  out.push(...originFindings(data, images, privates));
  return out;
}

/** Effective origin per container per node, plus one fallback warning per node and public host. */
export function originFindings(
  data: ContainerdData,
  images: ImagesData,
  privates: readonly string[],
): Finding[] {
  const out: Finding[] = [];
  const prefixes = privatePrefixes(privates);
  const views = new Map<string, ContainerdView>();
  for (const r of data.nodes) if (r.view && !criDisabled(r.view)) views.set(r.node, r.view);
  const cache = new Map<string, Origin>();
  const fallbacks = new Map<string, { node: string; origin: Origin; images: Set<string> }>();
  for (const pod of images.pods) {
    if (!pod.nodeName) continue;
    const view = views.get(pod.nodeName);
    if (!view) continue;
    for (const c of pod.containers) {
      const ref = tryParseImageRef(c.image);
      if (ref instanceof Error) continue; // the images probe reports invalid names
      const cacheKey = `${pod.nodeName}\u0000${ref.domain}\u0000${isPrivateImage(ref, prefixes)}`;
      let origin = cache.get(cacheKey);
      if (!origin) {
        origin = originOfRef(ref, view, prefixes);
        cache.set(cacheKey, origin);
      }
      const subject: Subject = {
        kind: 'Pod',
        namespace: pod.namespace,
        name: pod.name,
        container: c.name,
        node: pod.nodeName,
      };
      const evidence = {
        image: c.image,
        node: pod.nodeName,
        endpoints: origin.endpoints,
        ...(origin.via ? { via: origin.via } : {}),
      };
      switch (origin.verdict) {
        case 'private':
          out.push(
            makeFinding('CTRD-201', {
              subject,
              detail: `${c.image} on ${pod.nodeName}: pulled from ${origin.endpoints[0] ?? origin.imageHost}.`,
              evidence,
            }),
          );
          break;
        case 'mirrored': {
          out.push(
            makeFinding('CTRD-202', {
              subject,
              detail: `${c.image} on ${pod.nodeName}: name on ${origin.imageHost}, pulled through ${origin.endpoints[0]}${origin.fallsBackTo ? `; note: if the mirror misses, containerd falls back to ${origin.fallsBackTo}` : '; no public fallback'}.`,
              evidence,
            }),
          );
          if (origin.fallsBackTo) {
            const key = `${pod.nodeName}\u0000${origin.imageHost}`;
            const entry = fallbacks.get(key) ?? { node: pod.nodeName, origin, images: new Set<string>() };
            entry.images.add(c.image);
            fallbacks.set(key, entry);
          }
          break;
        }
        case 'foreign-mirror':
          out.push(
            makeFinding('CTRD-205', {
              subject,
              detail: `${c.image} on ${pod.nodeName}: containerd tries ${origin.endpoints.join(' -> ')}, none in ${privates.join(', ')} first.`,
              evidence,
            }),
          );
          break;
        case 'public':
          out.push(
            makeFinding('CTRD-204', {
              subject,
              detail: `${c.image} on ${pod.nodeName}: no mirror for ${origin.imageHost}; containerd pulls from ${origin.endpoints.join(' -> ')}.`,
              evidence,
            }),
          );
          break;
        case 'cri-disabled':
          break;
      }
    }
  }
  // The kubelet's sandbox (pause) pull goes through the same mirror and falls back the same way.
  for (const [node, view] of views) {
    const ref = tryParseImageRef(view.sandboxImage);
    if (ref instanceof Error) continue;
    const origin = originOfRef(ref, view, prefixes);
    if (origin.verdict !== 'mirrored' || !origin.fallsBackTo) continue;
    const key = `${node}\u0000${origin.imageHost}`;
    const entry = fallbacks.get(key) ?? { node, origin, images: new Set<string>() };
    entry.images.add(`${view.sandboxImage} (sandbox)`);
    fallbacks.set(key, entry);
  }
  for (const { node, origin, images: names } of fallbacks.values()) {
    const list = [...names].sort();
    out.push(
      makeFinding('CTRD-203', {
        subject: { kind: 'Registry', name: origin.imageHost, node },
        detail: `On ${node}, ${origin.imageHost} is mirrored to ${origin.endpoints[0]} but containerd falls back to ${origin.fallsBackTo} when the mirror misses (${list.length} image(s) in use, e.g. ${list.slice(0, 3).join(', ')}). Unless egress is blocked, a missing image is pulled from the internet.`,
        evidence: { endpoints: origin.endpoints, fallback: origin.fallsBackTo, images: list.slice(0, 20) },
      }),
    );
  }
  return out;
}

/** Node configs joined with the images the pods run (CTRD-2xx: the effective origin per container). */
export const containerdEvaluator: Evaluator<'containerd', 'images'> = {
  probe: 'containerd',
  inputs: ['images'],
  evaluate({ data, inputs, config, now }: EvaluationInput<'containerd', 'images'>): Finding[] {
    return evaluateContainerd(data, inputs.images, config.registry.private, now);
  },
};
