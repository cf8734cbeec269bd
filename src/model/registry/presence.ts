import type { ContainerdData, ContainerdView, NodeContainerdRecord } from '../containerd/types.js';
import { ImageIdReader, type ImageRef, parseImageID, tryParseImageRef } from '../image-ref.js';
import type { ImagesData } from '../images/types.js';
import { atLength, extend } from '../objects.js';
import { classifyAnswer, verdictCode } from './classify.js';
import { centralPlan, type PlannedEndpoint, type PullPlan, planProbes, pullPlan } from './endpoints.js';
import { centralCaFiles, type RegistryCheckSettings } from './settings.js';
import {
  endpointKey,
  hostPort,
  type ManifestAnswer,
  type ManifestProbe,
  probeKey,
  type RegistryVerdict,
  type TlsInventory,
  tripleKeyOf,
} from './types.js';
import { isDigestReference, manifestUrl } from './url.js';

/**
 * The presence sweep, planned and judged (pure). Planning: the pods' images × the nodes' registry
 * configurations, nodes with one configuration grouped (300 nodes with one config cost one check),
 * each group's pull plan built exactly as its containerd would (endpoints.ts), without node data the
 * image's own registry with [registry] ca_files/ca_file ("central"). The client asks each
 * (endpoint, repository, reference) once; judging walks each plan's endpoints in containerd's order
 * (resolver.go: any failure or 404 → "trying next host") to one outcome per (group, image).
 */

/** Nodes that pull every image the same way: one check stands for all of them. */
export interface NodeGroup {
  /** `central`, or `nodes:<first node>` (the group's first node by name). */
  readonly id: string;
  readonly source: 'node' | 'central';
  /** Sorted. For `central`: the nodes without containerd data (unread, failed, none configured). */
  readonly nodes: readonly string[];
}

export const CENTRAL_GROUP = 'central';

/** One thing to judge: an image as one group pulls it, with the digest its pods run (when known). */
export interface PresenceRequest {
  readonly key: string;
  readonly group: string;
  readonly image: string;
  readonly expectDigest?: string;
  /** Shared by every request of one (group, image): its digests do not change how it is pulled. */
  readonly plan: PullPlan;
  readonly probes: readonly ManifestProbe[];
  /** probeKey of each of `probes`, in order (computed once per plan, not per lookup). */
  readonly tripleKeys: readonly string[];
}

export interface PresencePlan {
  /** Fingerprint of the node groups' configurations and the central CA settings. */
  readonly configKey: string;
  readonly groups: readonly NodeGroup[];
  /** node → group id; a node not listed is checked centrally. */
  readonly nodeGroups: Readonly<Record<string, string>>;
  readonly requests: readonly PresenceRequest[];
  /** Every probe of every request (the client asks each triple once). */
  readonly probes: readonly ManifestProbe[];
  /**
   * One probe per (endpoint, repository, reference) triple, the first of `probes` that names it: what
   * the client is asked. 10,000 containers each running their own digest of a few hundred images
   * are 10,000 probes and a few hundred triples.
   */
  readonly asks: readonly ManifestProbe[];
  /** Unique (endpoint, repository, reference) triples among `probes` (asks.length). */
  readonly triples: number;
}

export interface PresencePlanOptions {
  /** A local copy of a CA file a node names (read over SFTP / from the dump), for the node's view. */
  readonly localCaFile?: (node: string, nodePath: string) => string | undefined;
  /**
   * Images no pod runs yet (templates, expect files, sandbox images), asked in the same sweep: with
   * `node`, as that node's group pulls; without, as every group pulls (pullGroupsOf).
   */
  readonly extraImages?: readonly ExtraImage[];
}

/** An image to check that no container names (readiness probe). */
export interface ExtraImage {
  readonly image: string;
  /** The node that will pull it (its sandbox image); undefined: any node may. */
  readonly node?: string;
}

/**
 * The groups an image that any node may pull is judged for: every group of nodes with a view, and
 * the central group when some nodes have none or no node has one.
 */
export function pullGroupsOf(groups: readonly NodeGroup[]): string[] {
  const ids = groups.filter((g) => g.source === 'node' || g.nodes.length > 0).map((g) => g.id);
  return ids.length > 0 ? ids : [CENTRAL_GROUP];
}

/** The key a later join looks an image up under: group, spec image, expected digest. */
export function presenceKey(group: string, image: string, expectDigest?: string): string {
  return `${group}\u0000${image}\u0000${expectDigest ?? ''}`;
}

/** The digest a container's pods run, from status imageID (`repo@sha256:…`), when it names one. */
export function runningDigest(imageID: string | undefined, reader?: ImageIdReader): string | undefined {
  // The common shape, `repo@sha256:<hex>`, is a digest reference: no record, no regular expression.
  const sha256 = reader?.sha256Of(imageID);
  if (sha256 !== undefined) return sha256;
  const id = reader ? reader.read(imageID) : parseImageID(imageID);
  return id?.ref && id.digest && isDigestReference(id.digest) ? id.digest : undefined;
}

/**
 * What changes a node's requests: its registry configuration and the CA files it names (path and
 * the certificates in them, so two nodes with one path but different CAs are not merged). File
 * lists, sandbox image and credentials locations do not change a presence request.
 */
export function registryConfigKey(record: NodeContainerdRecord): string | undefined {
  const view = record.view;
  if (!view) return undefined;
  return JSON.stringify([
    view.version,
    view.configPath ?? '',
    view.legacyMirrorHosts,
    view.legacyTlsHosts,
    view.registries.map((r) => [r.host, r.source, r.endpoints]),
    record.certificates.map((c) => [c.path, c.status, c.certificates]),
  ]);
}

/** Groups nodes by registryConfigKey; nodes without a view go to the central group. */
export function groupNodes(data: ContainerdData | undefined): {
  groups: NodeGroup[];
  nodeGroups: Record<string, string>;
  views: Map<string, { view: ContainerdView; representative: string }>;
  /** A fingerprint of every group's configuration: equal keys, equal pull plans. */
  configKey: string;
} {
  const byKey = new Map<string, string[]>();
  const central: string[] = [];
  const records = new Map<string, NodeContainerdRecord>();
  for (const record of data?.nodes ?? []) {
    records.set(record.node, record);
    const key = registryConfigKey(record);
    if (key === undefined) {
      central.push(record.node);
      continue;
    }
    const list = byKey.get(key);
    if (list) list.push(record.node);
    else byKey.set(key, [record.node]);
  }
  const groups: NodeGroup[] = [];
  const nodeGroups: Record<string, string> = {};
  const views = new Map<string, { view: ContainerdView; representative: string }>();
  for (const nodes of byKey.values()) {
    nodes.sort();
    const first = nodes[0] as string;
    const id = `nodes:${first}`;
    groups.push({ id, source: 'node', nodes });
    for (const n of nodes) nodeGroups[n] = id;
    views.set(id, {
      view: (records.get(first) as NodeContainerdRecord).view as ContainerdView,
      representative: first,
    });
  }
  groups.sort((a, b) => a.id.localeCompare(b.id));
  groups.push({ id: CENTRAL_GROUP, source: 'central', nodes: central.sort() });
  const configKey = fnv1a(
    [...byKey.entries()]
      .map(([k, nodes]) => `${nodes.join(',')}=${k}`)
      .sort()
      .join('\n'),
  );
  return { groups, nodeGroups, views, configKey };
}

/**
 * Plans one sweep: for every container's image, the group of its pod's node (central when the node
 * has no containerd data or the pod is not scheduled) and that group's pull plan.
 */
export function planPresence(
  images: ImagesData,
  containerd: ContainerdData | undefined,
  settings: Pick<RegistryCheckSettings, 'caFile' | 'caFiles' | 'dialable'>,
  options: PresencePlanOptions = {},
): PresencePlan {
  const dialable = settings.dialable ? new Set(settings.dialable) : undefined;
  const contactable = (plan: PullPlan): PullPlan =>
    dialable
      ? {
          ...plan,
          endpoints: plan.endpoints.map((e) =>
            e.public || dialable.has(hostPort(e.endpoint)) ? e : { ...e, public: true, outside: true },
          ),
        }
      : plan;
  const { groups, nodeGroups, views, configKey } = groupNodes(containerd);
  const requests = new Map<string, PresenceRequest>();
  const refs = new Map<string, ImageRef | undefined>();
  const imageIds = new ImageIdReader();
  const templates = new Map<string, PullPlan>();
  // One plan per (group, image), with the probe key of each endpoint it asks.
  const plans = new Map<string, { plan: PullPlan; tripleKeys: string[] }>();
  const endpointKeys = new Map<PlannedEndpoint, string>();
  const asks = new Map<string, ManifestProbe>();
  const add = (group: string, image: string, expectDigest: string | undefined): void => {
    const key = presenceKey(group, image, expectDigest);
    if (requests.has(key)) return;
    const planned = plans.get(presenceKey(group, image)) ?? planFor(group, image);
    if (!planned) return; // the images probe reports invalid names
    const { plan, tripleKeys } = planned;
    const probes = planProbes(plan, expectDigest);
    probes.forEach((probe, i) => {
      const triple = tripleKeys[i] as string;
      if (!asks.has(triple)) asks.set(triple, probe);
    });
    requests.set(key, {
      key,
      group,
      image,
      ...(expectDigest ? { expectDigest } : {}),
      plan,
      probes,
      tripleKeys,
    });
  };
  const planFor = (group: string, image: string): { plan: PullPlan; tripleKeys: string[] } | undefined => {
    let ref = refs.get(image);
    if (!refs.has(image)) {
      const parsed = tryParseImageRef(image);
      ref = parsed instanceof Error ? undefined : parsed;
      refs.set(image, ref);
    }
    if (!ref) return; // the images probe reports invalid names
    // The endpoints depend on the group, the registry host and tag-or-digest only: built once.
    const templateKey = `${group}\u0000${ref.domain}\u0000${ref.digest ? 'd' : 't'}`;
    let template = templates.get(templateKey);
    if (!template) {
      const entry = views.get(group);
      template = contactable(
        entry
          ? pullPlan(entry.view, ref, {
              ...(options.localCaFile
                ? { localCaFile: (p: string) => options.localCaFile?.(entry.representative, p) }
                : {}),
            })
          : centralPlan(ref, centralCaFiles(settings, ref.domain)),
      );
      templates.set(templateKey, template);
    }
    const plan: PullPlan = extend(template, {
      repository: ref.path,
      reference: ref.digest ?? ref.tag ?? 'latest',
    });
    const tripleKeys = plan.criDisabled
      ? []
      : plan.endpoints
          .filter((e) => !e.public)
          .map((e) => {
            let endpoint = endpointKeys.get(e);
            if (endpoint === undefined) {
              endpoint = endpointKey(e.endpoint);
              endpointKeys.set(e, endpoint);
            }
            return tripleKeyOf(endpoint, plan.repository, plan.reference);
          });
    const planned = { plan, tripleKeys };
    plans.set(presenceKey(group, image), planned);
    return planned;
  };
  for (const pod of images.pods) {
    const group = (pod.nodeName !== undefined ? nodeGroups[pod.nodeName] : undefined) ?? CENTRAL_GROUP;
    for (const c of pod.containers) add(group, c.image, runningDigest(c.imageID, imageIds));
  }
  if (options.extraImages && options.extraImages.length > 0) {
    const anyNode = pullGroupsOf(groups);
    for (const extra of options.extraImages) {
      if (extra.node !== undefined) add(nodeGroups[extra.node] ?? CENTRAL_GROUP, extra.image, undefined);
      else for (const group of anyNode) add(group, extra.image, undefined);
    }
  }
  const list = [...requests.values()];
  const probes = list.flatMap((r) => r.probes);
  return {
    configKey: fnv1a(
      `${configKey}\n${JSON.stringify([settings.caFile ?? '', settings.caFiles, settings.dialable ?? null])}`,
    ),
    groups: groups.filter(
      (g) => g.source === 'node' || g.nodes.length > 0 || list.some((r) => r.group === g.id),
    ),
    nodeGroups,
    requests: list,
    probes,
    asks: [...asks.values()],
    triples: asks.size,
  };
}

// ---------------------------------------------------------------- judging

/** What one endpoint of a plan answered (or why it was not asked). */
export interface EndpointAnswer {
  /** The manifest URL (no secrets: tokens travel in headers). */
  readonly url: string;
  readonly role: PlannedEndpoint['role'];
  readonly public: boolean;
  readonly verdict: RegistryVerdict;
  /** REG-0xx/1xx of the verdict. */
  readonly code: string;
  readonly status?: number;
  readonly method?: 'HEAD' | 'GET';
  readonly digest?: string;
  readonly mediaType?: string;
}

/**
 * One image as one group's containerd would pull it:
 * - present: an endpoint in the plan serves it (the first that does, as containerd takes it);
 * - fallback-public: every private endpoint missed it and the next is on the internet;
 * - public-only: the first endpoint is public (no private mirror): judged from config, not asked;
 * - absent: every endpoint answered "absent", the pull fails;
 * - refused: no endpoint served it and one refused in a way the node meets too (auth, TLS, 403);
 * - unverified: no endpoint served it and one could not be asked from here (reason given);
 * - cri-disabled: the node refuses its registry config, nothing is pulled.
 */
export type PresenceOutcome =
  | { readonly kind: 'present'; readonly served: EndpointAnswer; readonly viaMirror: boolean }
  | {
      readonly kind: 'fallback-public';
      readonly host: string;
      readonly url: string;
      readonly allAbsent: boolean;
    }
  | { readonly kind: 'public-only'; readonly host: string; readonly url: string }
  | { readonly kind: 'absent' }
  | { readonly kind: 'refused'; readonly by: EndpointAnswer }
  | { readonly kind: 'unverified'; readonly reason: string; readonly by?: EndpointAnswer }
  | { readonly kind: 'cri-disabled' };

export interface ImagePresence {
  readonly group: string;
  readonly image: string;
  readonly expectDigest?: string;
  readonly imageHost: string;
  readonly repository: string;
  readonly reference: string;
  /** Endpoints in the node's order, each with its answer. */
  readonly endpoints: readonly EndpointAnswer[];
  readonly outcome: PresenceOutcome;
}

/** What the client learnt about one triple (the sweep's answers, or the live cache's). */
export interface TripleAnswer {
  readonly answer: ManifestAnswer;
  readonly status?: number;
  readonly method: 'HEAD' | 'GET';
}

/** The result the registry probe publishes: slim, keyed for the join, JSON-serialisable. */
export interface PresenceData {
  /** PresencePlan.configKey of the sweep: a later sweep reuses judgements only under the same one. */
  readonly configKey: string;
  readonly sweptAt: string;
  readonly durationMs: number;
  readonly groups: readonly NodeGroup[];
  readonly nodeGroups: Readonly<Record<string, string>>;
  /** By presenceKey(group, image, expectDigest). */
  readonly images: Readonly<Record<string, ImagePresence>>;
  /** TLS inventory per endpoint (by endpointKey). */
  readonly tls: Readonly<Record<string, TlsInventory>>;
  readonly counts: {
    readonly requests: number;
    readonly triples: number;
    readonly manifestRequests: number;
    readonly tokenRequests: number;
    /** Triples answered from the live cache, not asked again. */
    readonly fromCache: number;
  };
  /** Endpoints that could not be reached from here (for the probe's status line). */
  readonly unreachable: readonly string[];
}

/** Walks one plan's endpoints in containerd's order to its outcome. */
export function judgePresence(
  request: PresenceRequest,
  answers: ReadonlyMap<string, TripleAnswer>,
): ImagePresence {
  const { plan } = request;
  const endpoints: EndpointAnswer[] = [];
  let outcome: PresenceOutcome | undefined;
  if (plan.criDisabled) outcome = { kind: 'cri-disabled' };
  const central = request.group === CENTRAL_GROUP;
  let asked = 0;
  for (const planned of plan.endpoints) {
    const probe = {
      endpoint: planned.endpoint,
      repository: plan.repository,
      reference: plan.reference,
    };
    const url = manifestUrl(probe);
    if (planned.public) {
      const verdict: RegistryVerdict = {
        kind: 'public-not-contacted',
        host: planned.endpoint.host,
        ...(planned.outside ? { outside: true } : {}),
      };
      endpoints.push({ url, role: planned.role, public: true, verdict, code: verdictCode(verdict) });
      if (!outcome) {
        const tried = endpoints.slice(0, -1);
        outcome =
          tried.length === 0
            ? { kind: 'public-only', host: plan.imageHost, url: planned.url }
            : {
                kind: 'fallback-public',
                host: planned.endpoint.host,
                url: planned.url,
                allAbsent: tried.every((e) => e.verdict.kind === 'absent'),
              };
      }
      continue;
    }
    const got = answers.get(request.tripleKeys[asked++] ?? probeKey(probe));
    const expect = request.expectDigest ?? (plan.byDigest ? plan.reference : undefined);
    const verdict: RegistryVerdict = got
      ? classifyAnswer(got.answer, expect)
      : { kind: 'unreachable', failure: 'other', message: 'not asked in this sweep' };
    const answer: EndpointAnswer = {
      url,
      role: planned.role,
      public: false,
      verdict,
      code: verdictCode(verdict),
      ...(got?.status !== undefined ? { status: got.status } : {}),
      ...(got ? { method: got.method } : {}),
      ...(verdict.kind === 'present' && verdict.digest ? { digest: verdict.digest } : {}),
      ...(verdict.kind === 'digest-mismatch' ? { digest: verdict.actual } : {}),
      ...((verdict.kind === 'present' || verdict.kind === 'digest-mismatch') && verdict.mediaType
        ? { mediaType: verdict.mediaType }
        : {}),
    };
    endpoints.push(answer);
    if (!outcome && (verdict.kind === 'present' || verdict.kind === 'digest-mismatch')) {
      outcome = { kind: 'present', served: answer, viaMirror: planned.endpoint.ns !== undefined };
    }
  }
  if (!outcome) outcome = exhausted(endpoints, central);
  else if (outcome.kind === 'fallback-public' && !outcome.allAbsent) {
    // A private endpoint could not be asked from here: it may serve the image to the node.
    const blocked = endpoints.find((e) => !e.public && isUnverified(e.verdict, central));
    if (blocked) outcome = { kind: 'unverified', reason: reasonOf(blocked), by: blocked };
  }
  return {
    group: request.group,
    image: request.image,
    ...(request.expectDigest ? { expectDigest: request.expectDigest } : {}),
    imageHost: plan.imageHost,
    repository: plan.repository,
    reference: plan.reference,
    endpoints: atLength(endpoints),
    outcome,
  };
}

/** No endpoint served the image and none is public: absent, refused or unverified. */
function exhausted(endpoints: readonly EndpointAnswer[], central: boolean): PresenceOutcome {
  if (endpoints.length === 0) return { kind: 'unverified', reason: 'no endpoint to ask' };
  if (endpoints.every((e) => e.verdict.kind === 'absent')) return { kind: 'absent' };
  const unverified = endpoints.find((e) => isUnverified(e.verdict, central));
  if (unverified) return { kind: 'unverified', reason: reasonOf(unverified), by: unverified };
  const refused = endpoints.find((e) => e.verdict.kind !== 'absent') as EndpointAnswer;
  return { kind: 'refused', by: refused };
}

/**
 * Verdicts that prove nothing about what the node gets: the registry could not be asked from here.
 * An untrusted certificate in the central check only says airgap-top lacks the CA (set
 * [registry.ca_files]); in the node's view it is the node's own CA that failed.
 */
function isUnverified(verdict: RegistryVerdict, central: boolean): boolean {
  switch (verdict.kind) {
    case 'unreachable':
    case 'rate-limited':
    case 'registry-error':
    case 'unexpected':
      return true;
    case 'tls-untrusted':
      return central;
    default:
      return false;
  }
}

function reasonOf(e: EndpointAnswer): string {
  return `${e.code} at ${e.url}`;
}

/** The outcomes of a plan, keyed for the join, from the answers per triple. */
export function judgeAll(
  plan: PresencePlan,
  answers: ReadonlyMap<string, TripleAnswer>,
  /** Live mode: last sweep's judgement of a request whose answers did not change (reused as is). */
  unchanged?: (request: PresenceRequest) => ImagePresence | undefined,
): Record<string, ImagePresence> {
  const out: Record<string, ImagePresence> = {};
  // Only a served manifest is judged against the running digest: while no triple of a plan has
  // one, every digest of that (group, image) is judged alike, and judged once.
  const digestFree = new Map<PullPlan, ImagePresence>();
  for (const request of plan.requests) {
    const reused = unchanged?.(request);
    if (reused) {
      out[request.key] = reused;
      continue;
    }
    const same = digestFree.get(request.plan);
    if (same) {
      out[request.key] = {
        group: request.group,
        image: request.image,
        ...(request.expectDigest ? { expectDigest: request.expectDigest } : {}),
        imageHost: same.imageHost,
        repository: same.repository,
        reference: same.reference,
        endpoints: same.endpoints,
        outcome: same.outcome,
      };
      continue;
    }
    const judged = judgePresence(request, answers);
    out[request.key] = judged;
    // (A node that refuses its config asks nothing, yet its endpoints show what others were told.)
    if (!request.plan.criDisabled && request.tripleKeys.every((k) => !servesManifest(answers.get(k))))
      digestFree.set(request.plan, judged);
  }
  return out;
}

/** An answer that classifyAnswer judges against an expected digest: a 2xx manifest. */
function servesManifest(got: TripleAnswer | undefined): boolean {
  return got?.answer.kind === 'http' && got.answer.status >= 200 && got.answer.status < 300;
}

/** Endpoints (origin) that answered as unreachable, sorted and unique. */
export function unreachableEndpoints(images: Readonly<Record<string, ImagePresence>>): string[] {
  const out = new Set<string>();
  // 10,000 answers name a handful of endpoints: each scheme://host:port prefix is parsed once.
  const origins = new Map<string, string>();
  // Judgements of one (group, image) share their endpoint list (judgeAll): each is read once.
  const seen = new Set<readonly EndpointAnswer[]>();
  for (const p of Object.values(images)) {
    if (seen.has(p.endpoints)) continue;
    seen.add(p.endpoints);
    for (const e of p.endpoints) {
      if (e.verdict.kind !== 'unreachable') continue;
      const authorityEnd = e.url.indexOf('/', e.url.indexOf('//') + 2);
      const prefix = authorityEnd < 0 ? e.url : e.url.slice(0, authorityEnd);
      let origin = origins.get(prefix);
      if (origin === undefined) {
        origin = new URL(e.url).origin;
        origins.set(prefix, origin);
      }
      out.add(origin);
    }
  }
  return [...out].sort();
}

/** Looks up the presence of one container's image as its node pulls it. */
export function presenceFor(
  data: PresenceData,
  node: string | undefined,
  image: string,
  imageID: string | undefined,
  /** Kept by the caller across lookups (10,000 pods' imageIDs name few repositories). */
  imageIds?: ImageIdReader,
): ImagePresence | undefined {
  const group = (node !== undefined ? data.nodeGroups[node] : undefined) ?? CENTRAL_GROUP;
  return data.images[presenceKey(group, image, runningDigest(imageID, imageIds))];
}

/** FNV-1a, 32 bit, hex: a short fingerprint (not a security boundary). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
