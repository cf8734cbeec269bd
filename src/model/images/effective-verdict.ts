import { makeFinding } from '../checks/index.js';
import type { CheckCode } from '../checks/registry.js';
import type { Config } from '../config.js';
import { type Origin as NodeOrigin, originOfRef, privatePrefixes } from '../containerd/origin.js';
import type { ContainerdData, ContainerdView } from '../containerd/types.js';
import type { Evidence, Finding, Subject } from '../finding.js';
import { ImageIdReader, ImageRefReader, type RegistryPrefix } from '../image-ref.js';
import { extend } from '../objects.js';
import { describeVerdict } from '../registry/classify.js';
import { CENTRAL_GROUP, type ImagePresence, type PresenceData, presenceFor } from '../registry/presence.js';
import { registryCheckSettings } from '../registry/settings.js';
import type { Severity } from '../severity.js';
import type { ContainerRecord, PodRecord } from './types.js';

/**
 * One effective verdict per container: its spec (the name's own verdict, IMG-001/002/003/009), the
 * digest it runs (imageID), the origin its node's containerd gives it (the containerd probe's
 * originOfRef, so the two probes judge one origin) and the registry's answer as that node asks
 * (registry/presence.ts). Pure.
 *
 * | route (node origin, else the name) | registry answer            | verdict                  |
 * |------------------------------------|----------------------------|--------------------------|
 * | private                            | present                    | REG-201 pass             |
 * | public name via private mirror     | present                    | REG-202 pass (via mirror)|
 * | either                             | present, other digest      | REG-006 warn             |
 * | via mirror                         | missing (fallback / none)  | REG-203 fail             |
 * | private                            | missing                    | REG-204 fail (even cached)|
 * | either                             | auth / TLS / 403           | that REG code, fail      |
 * | either                             | could not check            | REG-205 warn, with reason|
 * | via mirror                         | not checked (check off)    | REG-205 warn             |
 * | foreign mirror / CRI disabled      | —                          | REG-206 fail             |
 * | public, no private mirror          | —                          | none: IMG-002 stands     |
 * | unlisted registry, not mirrored    | —                          | none: IMG-003 stands     |
 * | private, no answer (check off)     | —                          | none: IMG-001 stands     |
 */
export type EffectiveCode =
  | 'REG-201'
  | 'REG-202'
  | 'REG-203'
  | 'REG-204'
  | 'REG-205'
  | 'REG-206'
  | 'REG-006'
  | 'REG-003'
  | 'REG-004'
  | 'REG-005'
  | 'REG-101'
  | 'REG-102'
  | 'REG-104';

/** How the node gets the image: from the private registry, through a private mirror, or otherwise. */
export type EffectiveRoute = 'private' | 'mirror' | 'elsewhere';

/** The name-based codes an effective verdict replaces (the container's "where from" verdict). */
export const REPLACEABLE_NAME_CODES: ReadonlySet<CheckCode> = new Set<CheckCode>([
  'IMG-001',
  'IMG-002',
  'IMG-003',
  'IMG-009',
]);

export interface EffectiveInput {
  readonly image: string;
  readonly imageID?: string;
  readonly node?: string;
  /** The name's own verdict (images/origin.ts classify): IMG-001, IMG-002, IMG-003, IMG-009, … */
  readonly nameCode: CheckCode;
  /** The node's containerd origin for this image; undefined without node data. */
  readonly origin?: NodeOrigin;
  /** The registry's answer as this node (group) asks; undefined when not asked. */
  readonly presence?: ImagePresence;
  /** Why there is no answer, when presence is undefined ("[registry] check is off", …). */
  readonly unchecked?: string;
}

export interface EffectiveVerdict {
  readonly code: EffectiveCode;
  readonly severity: Severity;
  readonly route: EffectiveRoute;
  readonly title: string;
  readonly detail: string;
  readonly evidence: Evidence;
  /** The name-based code this verdict stands in for ([[ignore]] codes match either). */
  readonly replaces: CheckCode;
}

/** The effective verdict, or undefined when the name's own verdict stands. */
export function effectiveVerdict(input: EffectiveInput): EffectiveVerdict | undefined {
  if (!REPLACEABLE_NAME_CODES.has(input.nameCode)) return undefined;
  const central = !input.origin && input.presence?.group === CENTRAL_GROUP;
  const where = input.node
    ? `on ${input.node}${central ? ' (checked centrally: its containerd configuration was not read)' : ''}`
    : 'checked centrally (no node data)';
  const base = baseEvidence(input);
  const make = (
    code: EffectiveCode,
    severity: Severity,
    route: EffectiveRoute,
    title: string,
    detail: string,
    extra: Evidence = {},
  ): EffectiveVerdict => ({
    code,
    severity,
    route,
    title,
    detail,
    evidence: extend(base, { route, ...extra }),
    replaces: input.nameCode,
  });

  const origin = input.origin;
  if (origin?.verdict === 'cri-disabled') {
    return make(
      'REG-206',
      'fail',
      'elsewhere',
      `${input.image}: node ${input.node} cannot pull (CRI registry config rejected)`,
      `${input.image} ${where}: containerd rejects this node's registry configuration (config_path with legacy mirrors/configs.tls) and disables its CRI image service; no pull can succeed.`,
    );
  }
  if (origin?.verdict === 'foreign-mirror') {
    return make(
      'REG-206',
      'fail',
      'elsewhere',
      `${input.image}: node ${input.node} pulls it from ${origin.endpoints[0] ?? origin.imageHost}`,
      `${input.image} ${where}: containerd tries ${origin.endpoints.join(' -> ')}, none in the private registry first.`,
    );
  }
  let route: EffectiveRoute;
  if (origin?.verdict === 'private') route = 'private';
  else if (origin?.verdict === 'mirrored') route = 'mirror';
  else if (origin === undefined && input.nameCode === 'IMG-001') route = 'private';
  else return undefined; // public with no private mirror, or a public name without node data

  const presence = input.presence;
  if (!presence) {
    if (route === 'private') return undefined;
    const why = input.unchecked ?? 'the registry was not asked';
    return make(
      'REG-205',
      'warn',
      route,
      `${input.image}: via mirror ${origin?.endpoints[0] ?? ''}, presence unverified`,
      `${input.image} ${where} is pulled through ${origin?.endpoints[0]}; whether the mirror holds it is unverified (${why})${origin?.fallsBackTo ? `, and a miss falls back to ${origin.fallsBackTo}` : ''}.`,
      { reason: why },
    );
  }
  const outcome = presence.outcome;
  switch (outcome.kind) {
    case 'present': {
      const served = outcome.served;
      const proof = {
        servedBy: served.url,
        status: served.status ?? null,
        digest: served.digest ?? null,
        mediaType: served.mediaType ?? null,
        method: served.method ?? null,
      };
      if (served.code === 'REG-006') {
        return make(
          'REG-006',
          'warn',
          route,
          `${input.image}: the registry serves another digest than the pod runs`,
          `${input.image} ${where}: ${served.url} answers ${served.digest}, the pod runs ${presence.expectDigest}: ${describeVerdict(served.verdict)}.`,
          proof,
        );
      }
      if (route === 'mirror') {
        return make(
          'REG-202',
          'pass',
          route,
          `${input.image}: via mirror, present`,
          `${input.image} ${where}: pulled through the private mirror ${served.url}, which holds it (${served.digest ?? 'no digest'}).`,
          proof,
        );
      }
      return make(
        'REG-201',
        'pass',
        route,
        `${input.image}: present in the private registry`,
        `${input.image} ${where}: ${served.url} holds it (${served.digest ?? 'no digest'}${served.mediaType ? `, ${served.mediaType}` : ''}).`,
        proof,
      );
    }
    case 'fallback-public':
    case 'public-only': {
      const fallback = outcome.url;
      const cached = input.imageID ? ' The pod runs from the node cache today.' : '';
      if (route === 'mirror') {
        return make(
          'REG-203',
          'fail',
          route,
          `${input.image}: ${outcome.kind === 'fallback-public' && !outcome.allAbsent ? 'not served by the mirror' : 'missing in the mirror'}; ${input.node ? `node ${input.node}` : 'the node'} would fall back to the internet`,
          `${input.image} ${where}: ${missingText(presence)}; this node would fall back to ${fallback} over the internet (or fail the pull where egress is blocked).${cached}`,
          { fallback },
        );
      }
      return make(
        'REG-204',
        'fail',
        route,
        `${input.image}: missing from the private registry`,
        `${input.image} ${where}: ${missingText(presence)}; the next pull goes to ${fallback}.${cached}`,
        { fallback },
      );
    }
    case 'absent': {
      const cached = input.imageID
        ? ' The pod runs from the node cache today; the next pull (a new or replaced node) fails.'
        : ' The pull fails.';
      if (route === 'mirror') {
        return make(
          'REG-203',
          'fail',
          route,
          `${input.image}: missing in the mirror; the pull fails`,
          `${input.image} ${where}: ${missingText(presence)}, and no endpoint after it serves it.${cached}`,
        );
      }
      return make(
        'REG-204',
        'fail',
        route,
        `${input.image}: missing from the private registry`,
        `${input.image} ${where}: ${missingText(presence)}.${cached}`,
      );
    }
    case 'refused': {
      const by = outcome.by;
      return make(
        by.code as EffectiveCode,
        'fail',
        route,
        `${input.image}: ${describeVerdict(by.verdict).split(' (')[0]} at ${new URL(by.url).host}`,
        `${input.image} ${where}: ${by.url}: ${describeVerdict(by.verdict)}. The node's pull fails the same way.`,
        { refusedBy: by.url, status: by.status ?? null },
      );
    }
    case 'unverified':
      return make(
        'REG-205',
        'warn',
        route,
        `${input.image}: presence unverified`,
        `${input.image} ${where}: ${outcome.by ? `${outcome.by.url}: ${describeVerdict(outcome.by.verdict)}` : outcome.reason}. Presence is unverified.`,
        { reason: outcome.by ? `${outcome.by.code} ${describeVerdict(outcome.by.verdict)}` : outcome.reason },
      );
    case 'cri-disabled':
      return make(
        'REG-206',
        'fail',
        'elsewhere',
        `${input.image}: node ${input.node} cannot pull (CRI registry config rejected)`,
        `${input.image} ${where}: containerd rejects this node's registry configuration; no pull can succeed.`,
      );
  }
}

function missingText(presence: ImagePresence): string {
  const asked = presence.endpoints.filter((e) => !e.public);
  if (asked.length === 0) return 'no private endpoint to ask';
  // containerd may list one URL twice (a [host] entry and the server): say each answer once.
  return [...new Set(asked.map((e) => `${e.url}: ${describeVerdict(e.verdict)}`))].join('; ');
}

function baseEvidence(input: EffectiveInput): Record<string, unknown> {
  const p = input.presence;
  return {
    image: input.image,
    imageID: input.imageID ?? null,
    node: input.node ?? null,
    nameCode: input.nameCode,
    replaces: input.nameCode,
    nodeOrigin: input.origin?.verdict ?? null,
    ...(input.origin ? { nodeEndpoints: input.origin.endpoints } : {}),
    ...(p
      ? {
          group: p.group,
          repository: p.repository,
          reference: p.reference,
          expectDigest: p.expectDigest ?? null,
          presence: p.outcome.kind,
          endpoints: p.endpoints.map((e) => ({
            url: e.url,
            code: e.code,
            public: e.public,
            status: e.status ?? null,
          })),
        }
      : {}),
  };
}

// ---------------------------------------------------------------- for the images evaluator

/** What the join needs besides the container, prepared once per evaluation. */
export interface EffectiveContext {
  readonly prefixes: readonly RegistryPrefix[];
  /** Nodes with a containerd view the CRI accepts or refuses (cri-disabled included). */
  readonly views: ReadonlyMap<string, ContainerdView>;
  readonly presence?: PresenceData;
  /** Why no answer exists when presence is undefined. */
  readonly unchecked: string;
  /** node + host + private + digest → origin (one image host recurs across thousands of pods). */
  readonly origins: Map<string, NodeOrigin>;
  /** Reads each container's imageID for its digest (each repository name parsed once). */
  readonly imageIds: ImageIdReader;
  /** Parses each container's image (each name once). */
  readonly imageRefs: ImageRefReader;
}

/**
 * Prepares the join from the config, the containerd probe's data and the registry probe's data
 * (either may be missing: no SSH, check off, not swept yet).
 */
export function effectiveContext(
  config: Config,
  containerd: ContainerdData | undefined,
  presence: PresenceData | undefined,
  /** The previous context under the same config and containerd data: its origin cache carries over. */
  previous?: EffectiveContext,
): EffectiveContext {
  const views = new Map<string, ContainerdView>();
  for (const r of containerd?.nodes ?? []) if (r.view) views.set(r.node, r.view);
  const enabled = registryCheckSettings(config.registry).enabled;
  return {
    prefixes: privatePrefixes(config.registry.private),
    views,
    ...(presence ? { presence } : {}),
    unchecked: enabled
      ? 'the registry probe has not answered yet'
      : '[registry] check is off (--no-registry-check)',
    origins: previous?.origins ?? new Map(),
    imageIds: previous?.imageIds ?? new ImageIdReader(),
    imageRefs: previous?.imageRefs ?? new ImageRefReader(),
  };
}

/**
 * What the registry said for one container, as the join reads it: the ImagePresence (the same
 * object while its answers did not change: the sweep reuses judgements), or why there is none. Two
 * equal signatures give equal effective verdicts under one containerd view, so a checker re-judges
 * only containers whose signature changed when new registry data arrives.
 */
export type PresenceSignature = ImagePresence | string;

/** The registry's answer for one container (see PresenceSignature), and its node's view. */
function presenceLookup(
  ctx: EffectiveContext,
  pod: PodRecord,
  c: ContainerRecord,
): { view: ContainerdView | undefined; signature: PresenceSignature } {
  const view = pod.nodeName ? ctx.views.get(pod.nodeName) : undefined;
  if (!ctx.presence) return { view, signature: ctx.unchecked };
  // A node whose configuration arrived after the last sweep was not asked as it pulls: the central
  // answer would judge its mirrors by the wrong endpoints.
  const sweptAsNode =
    !view || (pod.nodeName !== undefined && ctx.presence.nodeGroups[pod.nodeName] !== undefined);
  if (!sweptAsNode) {
    return {
      view,
      signature:
        'the registry has not been asked as this node pulls yet (its containerd configuration is newer than the last sweep)',
    };
  }
  return {
    view,
    signature:
      presenceFor(ctx.presence, pod.nodeName, c.image, c.imageID, ctx.imageIds) ??
      'this image was not in the last sweep',
  };
}

/** Each container's presence signature, in container order (for a checker's per-pod cache). */
export function podPresenceSignatures(ctx: EffectiveContext, pod: PodRecord): PresenceSignature[] {
  return pod.containers.map((c) => presenceLookup(ctx, pod, c).signature);
}

/** The lookup again from a signature podPresenceSignatures gave (the node's view is a map read). */
function lookupFromSignature(
  ctx: EffectiveContext,
  pod: PodRecord,
  signature: PresenceSignature,
): { view: ContainerdView | undefined; signature: PresenceSignature } {
  return { view: pod.nodeName ? ctx.views.get(pod.nodeName) : undefined, signature };
}

/** The effective verdict of one container as a finding, or undefined (the name verdict stands). */
export function containerEffectiveFinding(
  ctx: EffectiveContext,
  pod: PodRecord,
  c: ContainerRecord,
  nameCode: CheckCode,
  subject: Subject,
  /** This container's entry of podPresenceSignatures(ctx, pod), when the caller has it already. */
  known?: PresenceSignature,
): Finding | undefined {
  if (ctx.prefixes.length === 0) return undefined; // nothing can be proven private (IMG-010)
  const ref = ctx.imageRefs.read(c.image);
  if (ref instanceof Error) return undefined;
  const { view, signature } =
    known === undefined ? presenceLookup(ctx, pod, c) : lookupFromSignature(ctx, pod, known);
  let origin: NodeOrigin | undefined;
  if (view && pod.nodeName) {
    const key = `${pod.nodeName}\u0000${ref.domain}\u0000${ref.path}\u0000${ref.digest ? 'd' : 't'}`;
    origin = ctx.origins.get(key);
    if (!origin) {
      origin = originOfRef(ref, view, ctx.prefixes);
      ctx.origins.set(key, origin);
    }
  }
  const presence = typeof signature === 'string' ? undefined : signature;
  const verdict = effectiveVerdict({
    image: c.image,
    ...(c.imageID ? { imageID: c.imageID } : {}),
    ...(pod.nodeName ? { node: pod.nodeName } : {}),
    nameCode,
    ...(origin ? { origin } : {}),
    ...(presence ? { presence } : {}),
    ...(typeof signature === 'string' ? { unchecked: signature } : {}),
  });
  if (!verdict) return undefined;
  // Same subject as the name verdict it replaces (pod + container): the cursor and --diff keep it.
  return makeFinding(verdict.code, {
    subject,
    severity: verdict.severity,
    title: verdict.title,
    detail: verdict.detail,
    evidence: verdict.evidence,
  });
}

/**
 * A container's findings with its name-based "where from" finding replaced by the effective one
 * (IMG-005 pull failures, IMG-004 digest registry and the rest stay). Apply [[ignore]] after this.
 */
export function withEffectiveVerdict(raw: readonly Finding[], effective: Finding | undefined): Finding[] {
  if (!effective) return [...raw];
  const replaced = effective.evidence.replaces;
  return [...raw.filter((f) => f.code !== replaced), effective];
}
