import { type CheckCode, makeFinding } from '../checks/index.js';
import type { Config, IgnoreRule } from '../config.js';
import type { EvaluationInput, Evaluator } from '../evaluate.js';
import {
  type Evidence,
  type Finding,
  type Severity,
  type Subject,
  severityRank,
  subjectKey,
} from '../finding.js';
import {
  type ImageRef,
  ImageRefError,
  matchesPrefix,
  parseImageID,
  parseRegistryPrefix,
  type RegistryPrefix,
  refString,
  tryParseImageRef,
} from '../image-ref.js';
import { PULL_FAILURE_REASONS } from './records.js';
import type { ContainerRecord, ImagesData, PodRecord } from './types.js';

export { PULL_FAILURE_REASONS } from './records.js';

/** Registries on the internet. A private prefix always wins over this list. */
const PUBLIC_REGISTRIES: ReadonlySet<string> = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
  'gcr.io',
  'k8s.gcr.io',
  'registry.k8s.io',
  'quay.io',
  'ghcr.io',
  'docker.pkg.github.com',
  'mcr.microsoft.com',
  'projects.registry.vmware.com',
  'public.ecr.aws',
  'registry.gitlab.com',
  'nvcr.io',
  'docker.elastic.co',
  'registry.access.redhat.com',
  'registry.redhat.io',
  'container-registry.oracle.com',
  'cgr.dev',
]);
const PUBLIC_REGISTRY_SUFFIXES = ['.gcr.io', '.pkg.dev', '.docker.io', '.azurecr.io', '.amazonaws.com'];

/** The CSE 4.2+ layout: these three must be siblings under one base (seed 001). */
export const CSE_LAYOUT = ['tkg', 'vmware-cloud-director', 'tanzu_cli'] as const;

/** The host without its port, lower-cased: `Registry.Example:5000` → `registry.example`. */
function hostOnly(domain: string): string {
  const lower = domain.toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.indexOf(':');
  return colon < 0 ? lower : lower.slice(0, colon);
}

export function isPublicRegistry(domain: string): boolean {
  const host = hostOnly(domain);
  return PUBLIC_REGISTRIES.has(host) || PUBLIC_REGISTRY_SUFFIXES.some((s) => host.endsWith(s));
}

interface CompiledIgnore {
  readonly rule: IgnoreRule;
  readonly image?: RegExp;
  readonly codes: ReadonlySet<string>;
}

/** What the config says, prepared once per config object. */
interface Policy {
  readonly privateSpecs: readonly string[];
  /** The allowed prefixes as one phrase, for details. */
  readonly allowedLabel: string;
  readonly prefixes: readonly RegistryPrefix[];
  /** CSE bases, one per prefix (a prefix that already ends in tkg/... has its parent as base). */
  readonly cseBases: readonly RegistryPrefix[];
  readonly profile: Config['registry']['profile'];
  readonly ignores: readonly CompiledIgnore[];
  /** Per image string: parsed reference and origin verdict (the same image recurs across many pods). */
  readonly origins: Map<string, Origin>;
  /** Per imageID string: the parsed id and whether its registry is an allowed one. */
  readonly pulled: Map<string, Pulled | undefined>;
  /**
   * Per pod record: its findings. The probe keeps unchanged pods' records identical across
   * publishes, so a watch event re-evaluates only the pods it touched.
   */
  pods: Map<PodRecord, readonly Keyed[]>;
  /** All findings of the pods in `pods` (and the config finding), in compareFindings order. */
  sorted: Keyed[] | undefined;
  /** IMG-010 when no private prefix is configured: one per config. */
  readonly configFinding: Keyed | undefined;
}

interface Pulled {
  readonly ref: ImageRef;
  readonly digest?: string;
  readonly name: string;
  readonly private: boolean;
}

/** The pod-independent verdict on one image string. */
interface Origin {
  readonly ref?: ImageRef;
  readonly normalised?: string;
  readonly error?: string;
  readonly code: CheckCode;
  readonly severity?: Severity;
  readonly matchedPrefix?: string;
  readonly expectedLayout?: readonly string[];
}

const policies = new WeakMap<Config, Policy>();

function policyFor(config: Config): Policy {
  let policy = policies.get(config);
  if (!policy) {
    const prefixes = config.registry.private.map(parseRegistryPrefix);
    policy = {
      privateSpecs: config.registry.private,
      allowedLabel:
        config.registry.private.length > 0 ? config.registry.private.join(', ') : '(none configured)',
      prefixes,
      cseBases: prefixes.map(cseBaseOf),
      profile: config.registry.profile,
      ignores: config.ignore.map((rule) => ({
        rule,
        image: rule.image !== undefined ? globToRegExp(rule.image) : undefined,
        codes: new Set(rule.codes ?? []),
      })),
      origins: new Map(),
      pulled: new Map(),
      pods: new Map(),
      sorted: undefined,
      configFinding:
        prefixes.length === 0
          ? keyed(
              makeFinding('IMG-010', {
                subject: { kind: 'Config', name: 'registry.private' },
                detail: `${config.source} sets no [registry] private prefixes, so no image can be proven private; only known public registries are flagged. Set e.g. [registry] private = ["registry.example.internal/tkg"].`,
                evidence: { configSource: config.source, private: [] },
              }),
            )
          : undefined,
    };
    policies.set(config, policy);
  }
  return policy;
}

function cseBaseOf(prefix: RegistryPrefix): RegistryPrefix {
  const segments = prefix.path === '' ? [] : prefix.path.split('/');
  const last = segments[segments.length - 1];
  if (last !== undefined && (CSE_LAYOUT as readonly string[]).includes(last)) {
    return { domain: prefix.domain, path: segments.slice(0, -1).join('/') };
  }
  return prefix;
}

/** `*` is any run of characters (slashes included); everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

function originOf(image: string, policy: Policy): Origin {
  const cached = policy.origins.get(image);
  if (cached) return cached;
  const origin = classify(image, policy);
  // A runaway number of distinct images (generated names) must not grow memory without bound.
  if (policy.origins.size > 50_000) policy.origins.clear();
  policy.origins.set(image, origin);
  return origin;
}

function pulledOf(imageID: string | undefined, policy: Policy): Pulled | undefined {
  if (!imageID) return undefined;
  if (policy.pulled.has(imageID)) return policy.pulled.get(imageID);
  const id = parseImageID(imageID);
  const pulled = id?.ref
    ? {
        ref: id.ref,
        digest: id.digest,
        name: `${id.ref.domain}/${id.ref.path}`,
        private: policy.prefixes.some((p) => matchesPrefix(id.ref as ImageRef, p)),
      }
    : undefined;
  if (policy.pulled.size > 50_000) policy.pulled.clear();
  policy.pulled.set(imageID, pulled);
  return pulled;
}

function classify(image: string, policy: Policy): Origin {
  const parsed = tryParseImageRef(image);
  if (parsed instanceof ImageRefError) return { error: parsed.message, code: 'IMG-006' };
  const ref = parsed;
  const normalised = refString(ref);
  const index = policy.prefixes.findIndex((p) => matchesPrefix(ref, p));
  if (index >= 0) {
    const matchedPrefix = policy.privateSpecs[index];
    const base = policy.cseBases[index];
    if (policy.profile === 'cse' && base) {
      const layout = CSE_LAYOUT.map((dir) => ({
        domain: base.domain,
        path: base.path ? `${base.path}/${dir}` : dir,
      }));
      if (!layout.some((p) => matchesPrefix(ref, p))) {
        return {
          ref,
          normalised,
          code: 'IMG-008',
          matchedPrefix,
          expectedLayout: layout.map((p) => `${p.domain}/${p.path}`),
        };
      }
    }
    return { ref, normalised, code: 'IMG-001', matchedPrefix };
  }
  if (policy.profile === 'gdc' && hostOnly(ref.domain) === 'gcr.io')
    return { ref, normalised, code: 'IMG-009' };
  if (isPublicRegistry(ref.domain)) return { ref, normalised, code: 'IMG-002' };
  // Without any private prefix nothing can be proven: one IMG-010 says so; these stay informational.
  return { ref, normalised, code: 'IMG-003', severity: policy.prefixes.length === 0 ? 'info' : undefined };
}

/** The usual causes of a failed pull, read from the runtime's error text, with what to do. */
const PULL_CAUSES: readonly {
  readonly test: RegExp;
  readonly cause: string;
  readonly remedy: (publicRegistry: boolean) => string;
}[] = [
  {
    test: /not found|manifest unknown|name unknown/i,
    cause: 'not in the registry',
    remedy: () =>
      'Push the image (that exact tag or digest) to the registry the spec names, e.g. `imgpkg copy` / `crane copy`, then wait for the back-off or delete the pod.',
  },
  {
    test: /x509|certificate|tls: /i,
    cause: 'registry certificate not trusted',
    remedy: () =>
      'Install the registry CA on every node (containerd certs.d/<host>/hosts.toml ca, or TKG_CUSTOM_IMAGE_REPOSITORY_CA_CERTIFICATE at cluster creation); check with `crictl pull` on the node.',
  },
  {
    test: /server gave HTTP response to HTTPS client/i,
    cause: 'registry speaks plain HTTP',
    remedy: () =>
      'Serve the registry over TLS (GDC does not support insecure registries), or declare it in containerd hosts.toml for TKG.',
  },
  {
    test: /unauthorized|authentication required|access denied|denied:|pull access denied|401|403 forbidden/i,
    cause: 'pull refused (credentials)',
    remedy: () =>
      'TKG pulls anonymously: make the Harbor project public, or give the workload imagePullSecrets / configure registry auth in containerd.',
  },
  {
    test: /i\/o timeout|no such host|connection refused|network is unreachable|dial tcp|context deadline exceeded|TLS handshake timeout/i,
    cause: 'registry unreachable',
    remedy: (publicRegistry) =>
      publicRegistry
        ? 'The air gap is doing its job: this public registry is unreachable. Move the image to the private registry and point the workload at it.'
        : 'Check DNS and routing from the node to the registry (and any proxy settings in containerd); `crictl pull` on the node shows the same error.',
  },
];

export function diagnosePullFailure(
  message: string,
  publicRegistry: boolean,
): { readonly cause: string; readonly remedy: string } | undefined {
  const hit = PULL_CAUSES.find((c) => c.test.test(message));
  return hit ? { cause: hit.cause, remedy: hit.remedy(publicRegistry) } : undefined;
}

function workloadLabel(pod: PodRecord): string {
  return `${pod.workload.kind} ${pod.namespace}/${pod.workload.name}`;
}

function containerLabel(c: ContainerRecord): string {
  return c.kind === 'container' ? `container ${c.name}` : `${c.kind} ${c.name}`;
}

/** All findings of one container, before [[ignore]] rules. */
function rawFindings(pod: PodRecord, c: ContainerRecord, policy: Policy, subject: Subject): Finding[] {
  const origin = originOf(c.image, policy);
  const evidence: Record<string, unknown> = {
    image: c.image,
    reference: origin.normalised ?? null,
    registry: origin.ref?.domain ?? null,
    imageID: c.imageID ?? null,
    node: pod.nodeName ?? null,
    workload: `${pod.workload.kind}/${pod.workload.name}`,
    containerKind: c.kind,
    waitingReason: c.waitingReason ?? null,
    waitingMessage: c.waitingMessage ?? null,
  };
  if (origin.matchedPrefix !== undefined) evidence.matchedPrefix = origin.matchedPrefix;
  if (origin.expectedLayout !== undefined) evidence.expectedLayout = origin.expectedLayout;
  if (origin.error !== undefined) evidence.parseError = origin.error;
  if (c.pullError !== undefined) {
    evidence.pullError = c.pullError;
    evidence.pullErrorCount = c.pullErrorCount ?? null;
    evidence.pullErrorAt = c.pullErrorAt ?? null;
  }
  const pulled = pulledOf(c.imageID, policy);
  if (pulled) {
    evidence.pulledRegistry = pulled.ref.domain;
    evidence.pulledRepository = pulled.name;
    evidence.pulledDigest = pulled.digest ?? null;
  }
  const who = `${workloadLabel(pod)} (pod ${pod.name}, ${containerLabel(c)})`;
  const allowed = policy.allowedLabel;
  const out: Finding[] = [];

  switch (origin.code) {
    case 'IMG-006': {
      const kubelet =
        c.waitingReason === 'InvalidImageName' && c.waitingMessage ? ` Kubelet: ${c.waitingMessage}` : '';
      out.push(
        makeFinding('IMG-006', {
          subject,
          title: `Invalid image reference "${c.image}"`,
          detail: `${who} has image "${c.image}": ${origin.error}.${kubelet}`,
          evidence,
        }),
      );
      break;
    }
    case 'IMG-001':
      out.push(
        makeFinding('IMG-001', {
          subject,
          title: `${origin.normalised} is private`,
          detail: `${who} runs ${origin.normalised}, under the allowed prefix ${origin.matchedPrefix}.`,
          evidence,
        }),
      );
      break;
    case 'IMG-008':
      out.push(
        makeFinding('IMG-008', {
          subject,
          title: `${origin.normalised} is outside the CSE layout`,
          detail: `${who} runs ${origin.normalised}: private (${origin.matchedPrefix}) but not under ${origin.expectedLayout?.join(', ')}, the sibling paths CSE 4.2+ requires.`,
          evidence,
        }),
      );
      break;
    case 'IMG-009':
      out.push(
        makeFinding('IMG-009', {
          subject,
          title: `${origin.normalised} relies on the node's gcr.io mirror`,
          detail: `${who} runs ${origin.normalised}. On GDC this is private only if containerd on node ${pod.nodeName ?? '(not scheduled yet)'} mirrors gcr.io to the private registry and the image is there; otherwise containerd falls back to gcr.io.`,
          evidence,
        }),
      );
      break;
    case 'IMG-002':
      out.push(
        makeFinding('IMG-002', {
          subject,
          title: `${workloadLabel(pod)} runs ${origin.normalised} from public ${origin.ref?.domain}`,
          detail: `${who} runs ${origin.normalised}${c.image !== origin.normalised ? ` (written "${c.image}")` : ''}, from the public registry ${origin.ref?.domain}. Allowed: ${allowed}.`,
          evidence,
        }),
      );
      break;
    default:
      out.push(
        makeFinding('IMG-003', {
          subject,
          severity: origin.severity,
          title:
            origin.severity === 'info'
              ? `${origin.normalised}: unverified (no private registry configured)`
              : `${workloadLabel(pod)} runs ${origin.normalised} from unlisted registry ${origin.ref?.domain}`,
          detail:
            origin.severity === 'info'
              ? `${who} runs ${origin.normalised} from ${origin.ref?.domain}; whether that registry is private cannot be judged until [registry] private is set.`
              : `${who} runs ${origin.normalised} from ${origin.ref?.domain}, which is not under any allowed prefix (${allowed}).`,
          evidence,
        }),
      );
  }

  if (c.waitingReason && PULL_FAILURE_REASONS.has(c.waitingReason)) {
    const why = c.pullError ?? c.waitingMessage ?? '';
    const diagnosis = diagnosePullFailure(why, origin.ref ? isPublicRegistry(origin.ref.domain) : false);
    if (diagnosis) evidence.pullDiagnosis = diagnosis.cause;
    const event = c.pullError
      ? ` Last pull error${c.pullErrorCount && c.pullErrorCount > 1 ? ` (${c.pullErrorCount}×, last ${c.pullErrorAt})` : ''}: ${c.pullError}`
      : '';
    out.push(
      makeFinding('IMG-005', {
        subject,
        title: `${c.waitingReason}${diagnosis ? ` (${diagnosis.cause})` : ''}: ${origin.normalised ?? c.image}`,
        detail: `${who} cannot pull ${origin.normalised ?? c.image} on node ${pod.nodeName ?? '(none)'}: ${c.waitingReason}${c.waitingMessage ? `: ${c.waitingMessage}` : ''}.${event}`,
        evidence,
        remedy: diagnosis?.remedy,
      }),
    );
  } else if (c.waitingReason === 'InvalidImageName' && origin.code !== 'IMG-006') {
    // The kubelet rejected a string our grammar accepts: report the kubelet's view.
    out.push(
      makeFinding('IMG-006', {
        subject,
        title: `Invalid image reference "${c.image}" (kubelet)`,
        detail: `${who}: the kubelet rejects "${c.image}": ${c.waitingMessage ?? 'InvalidImageName'}`,
        evidence,
      }),
    );
  }

  if (origin.ref && pulled && pulled.ref.domain.toLowerCase() !== origin.ref.domain.toLowerCase()) {
    const pulledPrivate = pulled.private;
    const pulledName = pulled.name;
    out.push(
      makeFinding('IMG-004', {
        subject,
        severity: pulledPrivate ? 'info' : undefined,
        title: `${origin.normalised}: node reports digest under ${pulled.ref.domain}`,
        detail: `${who}: the spec says ${origin.normalised}, but node ${pod.nodeName ?? '(unknown)'} reports the running digest as ${pulledName}@${pulled.digest ?? '?'}${pulledPrivate ? ' (also an allowed private prefix)' : ': that content is on the node under a registry the spec does not name'}.`,
        evidence,
      }),
    );
  }
  return out;
}

function ignoreMatches(ig: CompiledIgnore, pod: PodRecord, c: ContainerRecord, origin: Origin): boolean {
  if (ig.rule.namespace !== undefined && ig.rule.namespace !== pod.namespace) return false;
  if (ig.image && !ig.image.test(c.image) && !(origin.normalised && ig.image.test(origin.normalised)))
    return false;
  return true;
}

/** Applies the first [[ignore]] rule that covers a non-pass finding: those become one IMG-007. */
function applyIgnores(
  found: Finding[],
  pod: PodRecord,
  c: ContainerRecord,
  policy: Policy,
  subject: Subject,
): Finding[] {
  if (policy.ignores.length === 0) return found;
  const origin = originOf(c.image, policy);
  for (const ig of policy.ignores) {
    if (!ignoreMatches(ig, pod, c, origin)) continue;
    const covered = found.filter(
      (f) => f.severity !== 'pass' && (ig.codes.size === 0 || ig.codes.has(f.code)),
    );
    if (covered.length === 0) continue;
    const kept = found.filter((f) => !covered.includes(f));
    const codes = covered.map((f) => f.code);
    const where = [
      ig.rule.namespace && `namespace ${ig.rule.namespace}`,
      ig.rule.image && `image ${ig.rule.image}`,
    ]
      .filter(Boolean)
      .join(', ');
    kept.push(
      makeFinding('IMG-007', {
        subject,
        title: `Accepted: ${codes.join(', ')} (${ig.rule.reason})`,
        detail: `[[ignore]] (${where}${ig.codes.size ? `, codes ${[...ig.codes].join(', ')}` : ''}) accepts ${codes.join(', ')} for ${c.image}: ${ig.rule.reason}. Would have been: ${covered.map((f) => `${f.code} ${f.severity}: ${f.title}`).join('; ')}.`,
        evidence: {
          ...(covered[0]?.evidence ?? {}),
          ignoredCodes: codes,
          ignoredSeverities: covered.map((f) => f.severity),
          reason: ig.rule.reason,
          rule: { namespace: ig.rule.namespace ?? null, image: ig.rule.image ?? null, codes: [...ig.codes] },
        } satisfies Evidence,
      }),
    );
    return kept;
  }
  return found;
}

/**
 * Subject keys of pods are DNS names, container names and slashes. Over that alphabet every character
 * has its own primary collation weight, so localeCompare order is plain lexicographic order on the
 * characters' collation ranks: mapping each character to its rank lets `<` replace localeCompare
 * (several times faster). The ranks come from localeCompare itself, so they follow the runtime's ICU;
 * keys with any other character fall back to localeCompare.
 */
const COLLATION_RANK: Uint16Array = (() => {
  const alphabet = [...'abcdefghijklmnopqrstuvwxyz0123456789-./_:'].sort((a, b) => a.localeCompare(b));
  const table = new Uint16Array(128);
  alphabet.forEach((c, i) => {
    table[c.charCodeAt(0)] = 0x41 + i;
  });
  return table;
})();
const collationBuffer = new Uint16Array(1024);

/** The key rewritten in collation ranks, or undefined when it has a character outside the alphabet. */
export function collationKey(key: string): string | undefined {
  if (key.length > collationBuffer.length) return undefined;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    const rank = code < 128 ? (COLLATION_RANK[code] ?? 0) : 0;
    if (rank === 0) return undefined;
    collationBuffer[i] = rank;
  }
  // One flat string, not a chain of one-character concatenations.
  return String.fromCharCode.apply(null, collationBuffer.subarray(0, key.length) as unknown as number[]);
}

/** A finding with its compareFindings sort key computed once. */
interface Keyed {
  readonly f: Finding;
  readonly rank: number;
  readonly key: string;
  readonly fast: string | undefined;
}

function keyed(f: Finding): Keyed {
  const key = subjectKey(f.subject);
  return { f, rank: severityRank(f.severity), key, fast: collationKey(key) };
}

/** Exactly compareFindings (severity, code, subject key), on precomputed keys. */
function compareKeyed(a: Keyed, b: Keyed): number {
  const byRank = b.rank - a.rank;
  if (byRank !== 0) return byRank;
  if (a.f.code !== b.f.code) return a.f.code.localeCompare(b.f.code);
  if (a.fast !== undefined && b.fast !== undefined) return a.fast < b.fast ? -1 : a.fast > b.fast ? 1 : 0;
  return a.key.localeCompare(b.key);
}

/** Inserts into a sorted array at its place (binary search). */
function insertSorted(sorted: Keyed[], item: Keyed): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeyed(sorted[mid] as Keyed, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  sorted.splice(lo, 0, item);
}

/**
 * Every finding of the images probe, from its slim records and the config. Pure in its result; the
 * caches behind it (per config) make the work proportional to what changed: a pod record that is the
 * same object as last time keeps its findings, and the sorted list is patched rather than re-sorted.
 * Findings come out in compareFindings order, so the evaluation's own sort is a single pass (sorting
 * 20k findings from scratch rebuilds two subject keys per comparison and costs more than judging them).
 */
export function evaluateImages(data: ImagesData, config: Config): Finding[] {
  const policy = policyFor(config);
  const previous = policy.pods;
  // Patch the sorted list only while few findings changed; past that, one sort is cheaper.
  const patchLimit = policy.sorted ? Math.max(64, policy.sorted.length / 20) : -1;
  let patch = patchLimit >= 0;
  // Keyed by the record object itself: identity hashes are cheaper than 10k string hashes, and a
  // record that is the same object as last time has the same findings.
  const next: Policy['pods'] = new Map();
  const added: Keyed[] = [];
  let hits = 0;
  for (const pod of data.pods) {
    const cached = previous.get(pod);
    if (cached) {
      hits += 1;
      next.set(pod, cached);
      continue;
    }
    const list: Keyed[] = [];
    for (const c of pod.containers) {
      const subject: Subject = { kind: 'Pod', namespace: pod.namespace, name: pod.name, container: c.name };
      for (const f of applyIgnores(rawFindings(pod, c, policy, subject), pod, c, policy, subject)) {
        list.push(keyed(f));
      }
    }
    if (pod.malformed?.length) list.push(keyed(malformedPodFinding(pod)));
    next.set(pod, list);
    if (patch) {
      for (const k of list) added.push(k);
      if (added.length > patchLimit) patch = false;
    }
  }
  const removed = new Set<Keyed>();
  if (patch && hits !== previous.size) {
    // Records replaced or gone: their findings leave the sorted list.
    for (const [pod, list] of previous) {
      if (!next.has(pod)) for (const k of list) removed.add(k);
      if (added.length + removed.size > patchLimit) {
        patch = false;
        break;
      }
    }
  }
  policy.pods = next;

  let sorted: Keyed[];
  if (patch && policy.sorted) {
    sorted = removed.size > 0 ? policy.sorted.filter((k) => !removed.has(k)) : policy.sorted;
    for (const k of added) insertSorted(sorted, k);
  } else {
    // Bucket by (severity, code) first, keeping pod order: the probe publishes pods sorted by
    // namespace/name, so each bucket is nearly sorted already and the sort below mostly merges runs.
    const byRank: Map<string, Keyed[]>[] = [new Map(), new Map(), new Map(), new Map()];
    const add = (k: Keyed): void => {
      const buckets = byRank[k.rank] as Map<string, Keyed[]>;
      const list = buckets.get(k.f.code);
      if (list) list.push(k);
      else buckets.set(k.f.code, [k]);
    };
    if (policy.configFinding) add(policy.configFinding);
    for (const list of next.values()) for (const k of list) add(k);
    sorted = [];
    for (let rank = byRank.length - 1; rank >= 0; rank--) {
      const buckets = byRank[rank] as Map<string, Keyed[]>;
      for (const code of [...buckets.keys()].sort()) for (const k of buckets.get(code) ?? []) sorted.push(k);
    }
    sorted.sort(compareKeyed);
  }
  policy.sorted = sorted;
  return sorted.map((k) => k.f);
}

/** IMG-011: what of the pod could not be read (the rest was judged). */
function malformedPodFinding(pod: PodRecord): Finding {
  const problems = pod.malformed ?? [];
  return makeFinding('IMG-011', {
    subject: { kind: 'Pod', namespace: pod.namespace, name: pod.name },
    title: `Pod ${pod.namespace}/${pod.name} could not be read completely`,
    detail: `Skipped what could not be read: ${problems.join('; ')}. Its readable containers were judged; what was skipped is not proven.`,
    evidence: { malformed: problems },
  });
}

export const imagesEvaluator: Evaluator = {
  probe: 'images',
  dependsOn: ['images'],
  timeDependent: false,
  evaluate({ snapshot, config }: EvaluationInput): Finding[] {
    const data = snapshot.images?.data as ImagesData | undefined;
    if (!data) return [];
    return evaluateImages(data, config);
  },
};
