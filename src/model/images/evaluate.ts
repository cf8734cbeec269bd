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
import type { PresenceData } from '../registry/presence.js';
import { rawFindings } from './container.js';
import {
  containerEffectiveFinding,
  type EffectiveContext,
  effectiveContext,
  withEffectiveVerdict,
} from './effective-verdict.js';
import { compilePolicy, originOf, type Policy } from './policy.js';
import { applyIgnores } from './rules.js';
import type { ImagesData, PodRecord, UnreadableSource } from './types.js';

/** What an images checker remembers from its last run, for one config object. */
interface LastRun {
  readonly config: Config;
  /** The containerd and registry data the effective verdicts were joined with. */
  readonly join: JoinInputs;
  readonly policy: Policy;
  /**
   * Per pod record: its findings. The probe keeps unchanged pods' records identical across
   * publishes, so a watch event re-evaluates only the pods it touched.
   */
  readonly pods: Map<PodRecord, readonly KeyedFinding[]>;
  /** All findings of the pods in `pods` (and the config finding), in compareFindings order. */
  readonly sorted: KeyedFinding[] | undefined;
}

/**
 * Every finding of the images probe, from its slim records and the config. Pure in its result; the
 * caches behind it (per config, owned by the instance) make the work proportional to what changed:
 * a pod record that is the same object as last time keeps its findings, and the sorted list is
 * patched rather than re-sorted. Findings come out in compareFindings order, so the evaluation's own
 * sort is a single pass (sorting 20k findings from scratch rebuilds two subject keys per comparison
 * and costs more than judging them). A session owns one checker; a new config object starts afresh.
 */
/** The other probes' data each container's effective verdict joins (either may be missing). */
export interface JoinInputs {
  readonly containerd?: ContainerdData;
  readonly registry?: PresenceData;
}

export class ImagesChecker {
  private last: LastRun | undefined;
  private context: EffectiveContext | undefined;

  evaluate(data: ImagesData, config: Config, join: JoinInputs = {}): Finding[] {
    // New node configurations or registry answers change verdicts of unchanged pods: start afresh.
    const last =
      this.last?.config === config &&
      this.last.join.containerd === join.containerd &&
      this.last.join.registry === join.registry
        ? this.last
        : undefined;
    const policy = last?.policy ?? compilePolicy(config);
    const effective = last ? undefined : effectiveContext(config, join.containerd, join.registry);
    const context = effective ?? this.context;
    this.context = context;
    const previous = last?.pods ?? new Map<PodRecord, readonly KeyedFinding[]>();
    const previousSorted = last?.sorted;
    // Patch the sorted list only while few findings changed; past that, one sort is cheaper.
    const patchLimit = previousSorted ? Math.max(64, previousSorted.length / 20) : -1;
    let patch = patchLimit >= 0;
    // Keyed by the record object itself: identity hashes are cheaper than 10k string hashes, and a
    // record that is the same object as last time has the same findings.
    const next = new Map<PodRecord, readonly KeyedFinding[]>();
    const added: KeyedFinding[] = [];
    let hits = 0;
    for (const pod of data.pods) {
      const cached = previous.get(pod);
      if (cached) {
        hits += 1;
        next.set(pod, cached);
        continue;
      }
      const list = podFindings(pod, policy, context);
      next.set(pod, list);
      if (patch) {
        for (const k of list) added.push(k);
        if (added.length > patchLimit) patch = false;
      }
    }
    const removed = new Set<KeyedFinding>();
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

    let sorted: KeyedFinding[];
    if (patch && previousSorted) {
      sorted = removed.size > 0 ? previousSorted.filter((k) => !removed.has(k)) : previousSorted;
      for (const k of added) insertSorted(sorted, k);
    } else {
      sorted = sortAll(policy, next);
    }
    this.last = { config, join, policy, pods: next, sorted };
    return sorted.map((k) => k.f);
  }
}

/**
 * One pod's findings: each container judged by name, its "where from" verdict replaced by the
 * effective one (node origin + registry answer), then its [[ignore]] rules applied.
 */
function podFindings(pod: PodRecord, policy: Policy, context: EffectiveContext | undefined): KeyedFinding[] {
  const list: KeyedFinding[] = [];
  for (const c of pod.containers) {
    const subject: Subject = { kind: 'Pod', namespace: pod.namespace, name: pod.name, container: c.name };
    const named = rawFindings(pod, c, policy, subject);
    const nameFinding = named[0];
    const raw =
      context && nameFinding
        ? withEffectiveVerdict(named, containerEffectiveFinding(context, pod, c, nameFinding.code, subject))
        : named;
    const kept =
      policy.ignores.length === 0
        ? raw
        : applyIgnores(raw, pod, c, policy.ignores, originOf(c.image, policy), subject);
    for (const f of kept) list.push(keyedFinding(f));
  }
  if (pod.malformed?.length) list.push(keyedFinding(malformedPodFinding(pod)));
  return list;
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
function sortAll(policy: Policy, pods: ReadonlyMap<PodRecord, readonly KeyedFinding[]>): KeyedFinding[] {
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
  for (const list of pods.values()) for (const k of list) add(k);
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
