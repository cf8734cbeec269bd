import { makeFinding } from '../checks/index.js';
import type { Config } from '../config.js';
import type { ContainerdData } from '../containerd/types.js';
import type { EvaluationInput, Evaluator } from '../evaluate.js';
import type { Finding, Subject } from '../finding.js';
import {
  compareFindings,
  compareKeyed,
  insertSorted,
  type KeyedFinding,
  keyedFinding,
} from '../finding-order.js';
import { atLength } from '../objects.js';
import type { PresenceData } from '../registry/presence.js';
import { rawFindings } from './container.js';
import {
  containerEffectiveFinding,
  type EffectiveContext,
  effectiveContext,
  type PresenceSignature,
  podPresenceSignatures,
  withEffectiveVerdict,
} from './effective-verdict.js';
import { compilePolicy, originOf, type Policy } from './policy.js';
import { applyIgnores } from './rules.js';
import type { ImagesData, PodRecord, UnreadableSource } from './types.js';

/** One pod's cached judgement: its findings and the registry answers they were joined with. */
interface PodEntry {
  readonly findings: readonly KeyedFinding[];
  readonly signatures: readonly PresenceSignature[];
}

/** What an images checker remembers from its last run, for one config object. */
interface LastRun {
  readonly config: Config;
  /** The containerd and registry data the effective verdicts were joined with. */
  readonly join: JoinInputs;
  readonly policy: Policy;
  readonly context: EffectiveContext;
  /**
   * Per pod record: its findings. The probe keeps unchanged pods' records identical across
   * publishes, so a watch event re-evaluates only the pods it touched.
   */
  readonly pods: Map<PodRecord, PodEntry>;
  /** All findings of the pods in `pods` (and the config finding), in compareFindings order. */
  readonly sorted: KeyedFinding[] | undefined;
}

/** The other probes' data each container's effective verdict joins (either may be missing). */
export interface JoinInputs {
  readonly containerd?: ContainerdData;
  readonly registry?: PresenceData;
}

/**
 * Every finding of the images probe, from its slim records and the config. Pure in its result; the
 * caches behind it (per config, owned by the instance) make the work proportional to what changed:
 * a pod record that is the same object as last time keeps its findings (unless the registry's
 * answer for one of its containers changed: the sweep keeps unchanged answers as the same objects,
 * so a new sweep re-judges only the pods it touched), and the sorted list is patched rather than
 * re-sorted. Findings come out in compareFindings order, so the evaluation's own sort is a single
 * pass. A session owns one checker; a new config object or new node configurations start afresh.
 */
export class ImagesChecker {
  private last: LastRun | undefined;

  evaluate(data: ImagesData, config: Config, join: JoinInputs = {}): Finding[] {
    const reusable =
      this.last?.config === config && this.last.join.containerd === join.containerd ? this.last : undefined;
    const policy = reusable?.policy ?? compilePolicy(config);
    const registryChanged = reusable !== undefined && reusable.join.registry !== join.registry;
    const context =
      reusable && !registryChanged
        ? reusable.context
        : effectiveContext(config, join.containerd, join.registry, reusable?.context);
    const previous = reusable?.pods ?? new Map<PodRecord, PodEntry>();
    const previousSorted = reusable?.sorted;
    // Patch the sorted list only while few findings changed; past that, one sort is cheaper.
    const patchLimit = previousSorted ? Math.max(64, previousSorted.length / 20) : -1;
    let patch = patchLimit >= 0;
    // Keyed by the record object itself: identity hashes are cheaper than 10k string hashes, and a
    // record that is the same object as last time has the same findings.
    const next = new Map<PodRecord, PodEntry>();
    const added: KeyedFinding[] = [];
    /** Findings of kept records that were judged again (their registry answer changed). */
    const rejudged = new Set<KeyedFinding>();
    let hits = 0;
    for (const pod of data.pods) {
      const cached = previous.get(pod);
      const signatures = registryChanged || !cached ? podPresenceSignatures(context, pod) : cached.signatures;
      if (cached && sameSignatures(cached.signatures, signatures)) {
        hits += 1;
        next.set(pod, cached);
        continue;
      }
      if (cached) {
        hits += 1;
        for (const k of cached.findings) rejudged.add(k);
      }
      const findings = podFindings(pod, policy, context, signatures);
      next.set(pod, { findings, signatures });
      if (patch) {
        for (const k of findings) added.push(k);
        if (added.length + rejudged.size > patchLimit) patch = false;
      }
    }
    const removed = rejudged;
    if (patch && hits !== previous.size) {
      // Records replaced or gone: their findings leave the sorted list.
      for (const [pod, entry] of previous) {
        if (!next.has(pod)) for (const k of entry.findings) removed.add(k);
        if (added.length + removed.size > patchLimit) {
          patch = false;
          break;
        }
      }
    }

    let sorted: KeyedFinding[];
    if (patch && previousSorted) {
      sorted = removed.size > 0 ? previousSorted.filter((k) => !removed.has(k)) : previousSorted;
      for (const k of added) insertSorted(sorted, k);
    } else {
      sorted = sortAll(policy, next);
    }
    this.last = { config, join, policy, context, pods: next, sorted };
    return sorted.map((k) => k.f);
  }
}

function sameSignatures(a: readonly PresenceSignature[], b: readonly PresenceSignature[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * One pod's findings: each container judged by name, its "where from" verdict replaced by the
 * effective one (node origin + registry answer), then its [[ignore]] rules applied.
 */
function podFindings(
  pod: PodRecord,
  policy: Policy,
  context: EffectiveContext | undefined,
  /** podPresenceSignatures(context, pod), computed for the cache already: not looked up twice. */
  signatures: readonly PresenceSignature[],
): KeyedFinding[] {
  const list: KeyedFinding[] = [];
  for (let i = 0; i < pod.containers.length; i++) {
    const c = pod.containers[i] as PodRecord['containers'][number];
    const subject: Subject = { kind: 'Pod', namespace: pod.namespace, name: pod.name, container: c.name };
    const named = rawFindings(pod, c, policy, subject);
    const nameFinding = named[0];
    const raw =
      context && nameFinding
        ? withEffectiveVerdict(
            named,
            containerEffectiveFinding(context, pod, c, nameFinding.code, subject, signatures[i]),
          )
        : named;
    const kept =
      policy.ignores.length === 0
        ? raw
        : applyIgnores(raw, pod, c, policy.ignores, originOf(c.image, policy), subject);
    for (const f of kept) list.push(keyedFinding(f));
  }
  if (pod.malformed?.length) list.push(keyedFinding(malformedPodFinding(pod)));
  return atLength(list);
}

/** IMG-012: what of the pod could not be read (the rest was judged). */
function malformedPodFinding(pod: PodRecord): Finding {
  const problems = pod.malformed ?? [];
  return makeFinding('IMG-012', {
    subject: { kind: 'Pod', namespace: pod.namespace, name: pod.name },
    title: `Pod ${pod.namespace}/${pod.name} could not be read completely`,
    detail: `Skipped what could not be read: ${problems.join('; ')}. Its readable containers were judged; what was skipped is not proven.`,
    evidence: { malformed: problems },
  });
}

/** Every finding sorted from scratch. */
function sortAll(policy: Policy, pods: ReadonlyMap<PodRecord, PodEntry>): KeyedFinding[] {
  // Bucket by (severity, code) first, keeping pod order: the probe publishes pods sorted by
  // namespace/name, so each bucket is nearly sorted already and the sort below mostly merges runs.
  const byRank: Map<string, KeyedFinding[]>[] = [new Map(), new Map(), new Map(), new Map()];
  const add = (k: KeyedFinding): void => {
    const buckets = byRank[k.rank] as Map<string, KeyedFinding[]>;
    const list = buckets.get(k.f.code);
    if (list) list.push(k);
    else buckets.set(k.f.code, [k]);
  };
  if (policy.configFinding) add(policy.configFinding);
  for (const entry of pods.values()) for (const k of entry.findings) add(k);
  const sorted: KeyedFinding[] = [];
  for (let rank = byRank.length - 1; rank >= 0; rank--) {
    const buckets = byRank[rank] as Map<string, KeyedFinding[]>;
    for (const code of [...buckets.keys()].sort()) for (const k of buckets.get(code) ?? []) sorted.push(k);
  }
  return sorted.sort(compareKeyed);
}

/** A one-off evaluation with caches of its own (tests, tools); sessions use `createImagesEvaluator`. */
export function evaluateImages(data: ImagesData, config: Config, join: JoinInputs = {}): Finding[] {
  return new ImagesChecker().evaluate(data, config, join);
}

/** The images probe's evaluator, with its own incremental state. */
export function createImagesEvaluator(): Evaluator<'images', 'containerd' | 'registry'> {
  const checker = new ImagesChecker();
  return {
    probe: 'images',
    inputs: ['containerd', 'registry'],
    timeDependent: false,
    // The checker's keyed sort is compareFindings' order; the unreadable findings are merged by it.
    returnsSorted: true,
    evaluate({ data, config, inputs }: EvaluationInput<'images', 'containerd' | 'registry'>): Finding[] {
      const findings = checker.evaluate(data, config, {
        ...(inputs.containerd ? { containerd: inputs.containerd } : {}),
        ...(inputs.registry ? { registry: inputs.registry } : {}),
      });
      if (!data.unreadable?.length) return findings;
      return [...findings, ...data.unreadable.map(unreadableFinding)].sort(compareFindings);
    },
  };
}

/** IMG-011: one collection the owner/pull-reason joins could not read, with the server's reason. */
function unreadableFinding(source: UnreadableSource): Finding {
  return makeFinding('IMG-011', {
    subject: { kind: 'APIResource', name: source.resource },
    detail: `cannot read ${source.resource}: ${source.reason}. Pods are judged, but their owning workloads or pull failure reasons are incomplete.`,
    evidence: { resource: source.resource, reason: source.reason },
  });
}
