import { makeFinding } from '../checks/index.js';
import type { CheckCode } from '../checks/registry.js';
import type { Config } from '../config.js';
import { originOfRef } from '../containerd/origin.js';
import type { ContainerdData, ContainerdView } from '../containerd/types.js';
import type { Evaluator } from '../evaluate.js';
import type { Evidence, Finding, Subject } from '../finding.js';
import { compareFindings } from '../finding-order.js';
import { tryParseImageRef } from '../image-ref.js';
import { type EffectiveVerdict, effectiveVerdict } from '../images/effective-verdict.js';
import { compilePolicy, originOf, type Policy } from '../images/policy.js';
import type { ImagesData } from '../images/types.js';
import {
  CENTRAL_GROUP,
  type NodeGroup,
  type PresenceData,
  presenceKey,
  pullGroupsOf,
} from '../registry/presence.js';
import { registryCheckSettings } from '../registry/settings.js';
import { pendingContainers, runningImages, sandboxImages } from './plan.js';
import type { ExpectedImage, ReadinessData } from './types.js';

/**
 * The readiness verdicts (pure): each image the cluster will pull next, and each expected image,
 * gets the effective verdict a running container gets (images/effective-verdict.ts: private or
 * mirrored, present or missing, as the node's containerd pulls it), for every node group that may
 * pull it; the worst group wins. Templates and sandbox images: RDY-00x; expected images: RDY-10x,
 * with one RDY-106 summary per expect file.
 */

/** What became of one image, across the groups that may pull it. */
export type ReadinessBucket = 'present' | 'missing' | 'refused' | 'unverified' | 'outside';

const RANK: Record<ReadinessBucket, number> = {
  present: 0,
  unverified: 1,
  refused: 2,
  outside: 3,
  missing: 4,
};

export interface ImageJudgement {
  readonly bucket: ReadinessBucket;
  /** The group whose verdict this is (the worst). */
  readonly group: string;
  readonly title: string;
  readonly detail: string;
  readonly evidence: Evidence;
  /** The REG code of the effective verdict, when there is one. */
  readonly regCode?: string;
}

interface JudgeContext {
  readonly policy: Policy;
  readonly presence?: PresenceData;
  readonly views: ReadonlyMap<string, ContainerdView>;
  readonly unchecked: string;
  readonly cache: Map<string, ImageJudgement>;
}

function bucketOf(v: EffectiveVerdict): ReadinessBucket {
  switch (v.code) {
    case 'REG-201':
    case 'REG-202':
      return 'present';
    case 'REG-203':
    case 'REG-204':
      return 'missing';
    case 'REG-205':
    case 'REG-006':
      return 'unverified';
    default:
      return 'refused';
  }
}

/** The groups an image is judged for: the node's own group, or every group that may pull it. */
function groupsFor(ctx: JudgeContext, node: string | undefined): { id: string; node?: string }[] {
  const data = ctx.presence;
  if (!data) return [{ id: CENTRAL_GROUP, ...(node !== undefined ? { node } : {}) }];
  if (node !== undefined) return [{ id: data.nodeGroups[node] ?? CENTRAL_GROUP, node }];
  const byId = new Map<string, NodeGroup>(data.groups.map((g) => [g.id, g]));
  return pullGroupsOf(data.groups).map((id) => {
    const first = byId.get(id)?.nodes[0];
    return first !== undefined && id !== CENTRAL_GROUP ? { id, node: first } : { id };
  });
}

/** One image as every group that may pull it would: the worst group's verdict. */
export function judgeImage(ctx: JudgeContext, image: string, node?: string): ImageJudgement {
  const cacheKey = `${node ?? ''}\u0000${image}`;
  const cached = ctx.cache.get(cacheKey);
  if (cached) return cached;
  const name = originOf(image, ctx.policy);
  let worst: ImageJudgement | undefined;
  for (const g of groupsFor(ctx, node)) {
    const judged = judgeInGroup(ctx, image, name.code, g.id, g.node);
    if (!worst || RANK[judged.bucket] > RANK[worst.bucket]) worst = judged;
  }
  const result = worst as ImageJudgement;
  ctx.cache.set(cacheKey, result);
  return result;
}

function judgeInGroup(
  ctx: JudgeContext,
  image: string,
  nameCode: CheckCode,
  group: string,
  node: string | undefined,
): ImageJudgement {
  const ref = tryParseImageRef(image);
  const view = node !== undefined && group !== CENTRAL_GROUP ? ctx.views.get(node) : undefined;
  const origin = view && !(ref instanceof Error) ? originOfRef(ref, view, ctx.policy.prefixes) : undefined;
  const presence = ctx.presence?.images[presenceKey(group, image, undefined)];
  // A private name in the wrong CSE layout is still pulled from the private registry.
  const asName: CheckCode = nameCode === 'IMG-008' ? 'IMG-001' : nameCode;
  const verdict = effectiveVerdict({
    image,
    ...(node !== undefined ? { node } : {}),
    nameCode: asName,
    ...(origin ? { origin } : {}),
    ...(presence ? { presence } : {}),
    unchecked: ctx.presence ? 'this image was not in the last sweep' : ctx.unchecked,
  });
  const where = group === CENTRAL_GROUP ? 'checked centrally' : `as node group ${group} pulls`;
  if (!verdict) {
    if (asName === 'IMG-001') {
      return {
        bucket: 'unverified',
        group,
        title: `${image}: presence unverified`,
        detail: `${image} is named on the private registry; whether it is there is unverified (${ctx.presence ? 'not in the last sweep' : ctx.unchecked}).`,
        evidence: { image, group, nameCode, reason: ctx.unchecked },
      };
    }
    return {
      bucket: 'outside',
      group,
      title: `${image}: points outside the private registry`,
      detail: `${image} is not under a [registry] private prefix (${ctx.policy.allowedLabel}) and no private mirror serves it ${where}: in an air gap the pull fails.`,
      evidence: { image, group, nameCode },
    };
  }
  return {
    bucket: bucketOf(verdict),
    group,
    title: verdict.title,
    detail: verdict.detail,
    evidence: { ...verdict.evidence, group },
    regCode: verdict.code,
  };
}

const TEMPLATE_CODES: Record<ReadinessBucket, CheckCode> = {
  present: 'RDY-001',
  missing: 'RDY-002',
  unverified: 'RDY-003',
  refused: 'RDY-004',
  outside: 'RDY-005',
};
const EXPECTED_CODES: Record<ReadinessBucket, CheckCode> = {
  present: 'RDY-101',
  missing: 'RDY-102',
  unverified: 'RDY-103',
  refused: 'RDY-104',
  outside: 'RDY-105',
};

const FAILURE_WORDS: Record<ReadinessBucket, string> = {
  present: 'is present',
  missing: 'is not in the registry',
  unverified: 'could not be verified',
  refused: 'is refused by the registry',
  outside: 'points outside the private registry',
};

export interface ReadinessInputs {
  readonly data: ReadinessData;
  readonly config: Config;
  readonly images?: ImagesData;
  readonly containerd?: ContainerdData;
  readonly presence?: PresenceData;
}

export function evaluateReadiness(input: ReadinessInputs): Finding[] {
  const { data, config } = input;
  const views = new Map<string, ContainerdView>();
  for (const r of input.containerd?.nodes ?? []) if (r.view) views.set(r.node, r.view);
  const ctx: JudgeContext = {
    policy: compilePolicy(config),
    ...(input.presence ? { presence: input.presence } : {}),
    views,
    unchecked: registryCheckSettings(config.registry).enabled
      ? 'the registry probe has not answered'
      : '[registry] check is off (--no-registry-check)',
    cache: new Map(),
  };
  const out: Finding[] = [];
  const running = runningImages(input.images);
  for (const t of data.templates) {
    const owner = `${t.kind} ${t.namespace}/${t.name}`;
    const why =
      t.kind === 'CronJob' || t.kind === 'Job'
        ? 'when it runs'
        : t.replicas === 0
          ? 'when it scales up (replicas 0)'
          : 'when its pods are created';
    for (const c of pendingContainers(t, running)) {
      const subject: Subject = { kind: t.kind, namespace: t.namespace, name: t.name, container: c.name };
      if (tryParseImageRef(c.image) instanceof Error) {
        out.push(
          makeFinding('RDY-006', {
            subject,
            title: `${owner} will fail: "${c.image}" is not a valid image reference`,
            detail: `${owner}, ${c.kind} ${c.name}: "${c.image}" is not a valid reference (${(tryParseImageRef(c.image) as Error).message}).`,
            evidence: { image: c.image, containerKind: c.kind },
          }),
        );
        continue;
      }
      const j = judgeImage(ctx, c.image);
      out.push(
        makeFinding(TEMPLATE_CODES[j.bucket], {
          subject,
          title:
            j.bucket === 'present' || j.bucket === 'unverified'
              ? `${owner}: ${c.image} ${FAILURE_WORDS[j.bucket]}`
              : `${owner} will fail ${why}: ${c.image} ${FAILURE_WORDS[j.bucket]}`,
          detail: `${owner}, ${c.kind} ${c.name} (no pod runs this image yet): ${j.detail}`,
          evidence: {
            ...j.evidence,
            owner,
            containerKind: c.kind,
            ...(t.replicas !== undefined ? { replicas: t.replicas } : {}),
            ...(j.regCode ? { verdict: j.regCode } : {}),
          },
        }),
      );
    }
  }
  for (const s of sandboxImages(input.containerd)) {
    const j = judgeImage(ctx, s.image, s.node);
    out.push(
      makeFinding(TEMPLATE_CODES[j.bucket], {
        subject: { kind: 'Node', name: s.node, container: 'sandbox' },
        title:
          j.bucket === 'present' || j.bucket === 'unverified'
            ? `node ${s.node}: sandbox image ${s.image} ${FAILURE_WORDS[j.bucket]}`
            : `node ${s.node} cannot start a new pod: sandbox image ${s.image} ${FAILURE_WORDS[j.bucket]}`,
        detail: `The sandbox (pause) image of node ${s.node}'s containerd: ${j.detail}`,
        evidence: { ...j.evidence, sandboxImage: s.image, ...(j.regCode ? { verdict: j.regCode } : {}) },
      }),
    );
  }
  out.push(...expectedFindings(ctx, data));
  for (const u of data.unreadable ?? []) {
    out.push(
      makeFinding('RDY-201', {
        subject: { kind: 'Collection', name: u.resource },
        title: `${u.resource}: could not be read, its templates are not judged`,
        detail: `${u.resource}: ${u.reason}. The images its objects will pull are not judged.`,
        evidence: { resource: u.resource, reason: u.reason },
      }),
    );
  }
  return out.sort(compareFindings);
}

/** One finding per expected image (every file:line that names it), and one summary per file. */
function expectedFindings(ctx: JudgeContext, data: ReadinessData): Finding[] {
  const out: Finding[] = [];
  const byImage = new Map<string, ExpectedImage[]>();
  for (const set of data.expectSets) {
    for (const e of set.images) {
      const list = byImage.get(e.image);
      if (list) list.push(e);
      else byImage.set(e.image, [e]);
    }
  }
  for (const [image, sources] of byImage) {
    const j = judgeImage(ctx, image);
    const where = sources.map(sourceLabel);
    out.push(
      makeFinding(EXPECTED_CODES[j.bucket], {
        subject: { kind: 'ExpectedImage', name: image },
        title:
          j.bucket === 'present'
            ? `expected ${image} is present`
            : `expected ${image} (${where[0]}) ${FAILURE_WORDS[j.bucket]}`,
        detail: `${image}, expected by ${where.join(', ')}: ${j.detail}`,
        evidence: {
          ...j.evidence,
          sources: sources.map((s) => ({ file: s.file, line: s.line })),
          ...(j.regCode ? { verdict: j.regCode } : {}),
        },
      }),
    );
  }
  for (const set of data.expectSets) {
    const unique = [...new Set(set.images.map((e) => e.image))];
    const present = unique.filter((i) => judgeImage(ctx, i).bucket === 'present').length;
    const missing = unique.length - present;
    out.push(
      makeFinding('RDY-106', {
        subject: { kind: 'ExpectFile', name: set.file },
        title: `${set.file}: ${present} of ${unique.length} expected images present`,
        detail: `${set.file} (${set.format}${set.destination ? `, destination ${set.destination}` : ''}): ${present} of ${unique.length} expected images present${missing > 0 ? `, ${missing} not (see RDY-102..105)` : ''}.`,
        evidence: {
          file: set.file,
          format: set.format,
          destination: set.destination ?? null,
          expected: unique.length,
          present,
          notPresent: missing,
        },
      }),
    );
  }
  return out;
}

function sourceLabel(e: ExpectedImage): string {
  return e.line > 0 ? `${e.file}:${e.line}` : e.file;
}

export const readinessEvaluator: Evaluator<'readiness', 'registry' | 'containerd' | 'images'> = {
  probe: 'readiness',
  inputs: ['registry', 'containerd', 'images'],
  timeDependent: false,
  evaluate: ({ data, inputs, config }) =>
    evaluateReadiness({
      data,
      config,
      ...(inputs.images ? { images: inputs.images } : {}),
      ...(inputs.containerd ? { containerd: inputs.containerd } : {}),
      ...(inputs.registry ? { presence: inputs.registry } : {}),
    }),
};
