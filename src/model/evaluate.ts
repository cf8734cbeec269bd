import { errorMessage } from '../core/errors.js';
import type { Config } from './config.js';
import { countBySeverity, type Finding, type SeverityCounts } from './finding.js';
import { compareFindings } from './finding-order.js';
import {
  type LiveState,
  PROBE_IDS,
  type ProbeId,
  type ProbeProgress,
  type ProbeStatus,
  probeTitle,
} from './probe.js';
import type { ProbeDataMap } from './probe-data.js';
import type { StoreSnapshot } from './store.js';

/** What an evaluator sees: its own probe's data and exactly the other probes' data it declared. */
export interface EvaluationInput<Id extends ProbeId = ProbeId, Inputs extends ProbeId = never> {
  /** The probe's own records (an evaluator runs only once its probe has published some). */
  readonly data: ProbeDataMap[Id];
  /** The declared other probes' records, each absent until that probe has published. */
  readonly inputs: { readonly [K in Inputs]?: ProbeDataMap[K] };
  readonly config: Config;
  /** Injected so age-based checks (grace periods) are testable. */
  readonly now: Date;
}

/**
 * A probe's pure verdict logic. `inputs` lists the other probes whose data it joins: it receives
 * exactly those (typed), and is re-run when any of them, or its own data, changes.
 */
export interface Evaluator<Id extends ProbeId = ProbeId, Inputs extends ProbeId = ProbeId> {
  readonly probe: Id;
  readonly inputs: readonly Inputs[];
  /**
   * Whether verdicts change with the clock alone (grace periods, flap windows, certificate expiry).
   * Only those are refreshed periodically; the others re-run only when their data changes.
   * Defaults to true, the safe side.
   */
  readonly timeDependent?: boolean;
  /**
   * true: `evaluate` returns its findings already in compareFindings order, so they are not sorted
   * again (12,000 findings at 10,000 pods, at every evaluation). Only for an evaluator that sorts
   * with compareFindings or its keyed equal; the goldens and a test hold it to that.
   */
  readonly returnsSorted?: boolean;
  evaluate(input: EvaluationInput<Id, Inputs>): Finding[];
}

/** The probes an evaluator's verdicts depend on: its own, then its declared inputs. */
export const dependenciesOf = (e: Evaluator): readonly ProbeId[] => [e.probe, ...e.inputs];

export interface ProbeResult {
  readonly id: ProbeId;
  readonly title: string;
  readonly status: ProbeStatus;
  /** Error or not-applicable reason; for an evaluation bug, says so. */
  readonly message?: string;
  readonly updatedAt?: string;
  readonly progress?: ProbeProgress;
  readonly live?: LiveState;
  readonly findings: readonly Finding[];
  readonly summary: SeverityCounts;
  /** True when the evaluation itself threw: a bug in airgap-top, shown as such, never a crash. */
  readonly bug?: boolean;
}

interface CacheEntry {
  readonly deps: readonly unknown[];
  readonly config: Config;
  readonly findings: Finding[];
  readonly bug?: string;
  readonly at: number;
}

/**
 * Evaluates every probe from the store. Results are memoised per probe on the identity of the data
 * it depends on, so a watch event on pods does not re-evaluate IPAM. Time-dependent findings (grace
 * periods) are refreshed at most every `maxAgeMs`.
 */
export class Evaluation {
  private readonly cache = new Map<ProbeId, CacheEntry>();

  constructor(
    private readonly evaluators: readonly Evaluator[],
    private readonly maxAgeMs = 5_000,
  ) {}

  run(snapshot: StoreSnapshot, config: Config, now: Date = new Date()): ProbeResult[] {
    return PROBE_IDS.map((id) => this.runOne(id, snapshot, config, now));
  }

  private runOne(id: ProbeId, snapshot: StoreSnapshot, config: Config, now: Date): ProbeResult {
    const state = snapshot[id];
    const base = {
      id,
      title: probeTitle(id),
      status: state?.status ?? ('not-applicable' as ProbeStatus),
      message: state ? state.message : 'not enabled',
      updatedAt: state?.updatedAt,
      progress: state?.progress,
      live: state?.live,
    };
    const evaluator = this.evaluators.find((e) => e.probe === id);
    if (!state || !evaluator || state.data === undefined) {
      return { ...base, findings: [], summary: countBySeverity([]) };
    }
    const deps = dependenciesOf(evaluator).map((d) => snapshot[d]?.data);
    const cached = this.cache.get(id);
    const fresh =
      cached &&
      cached.config === config &&
      (evaluator.timeDependent === false || now.getTime() - cached.at < this.maxAgeMs) &&
      cached.deps.length === deps.length &&
      cached.deps.every((d, i) => d === deps[i]);
    let entry = fresh ? cached : undefined;
    if (!entry) {
      try {
        const inputs = Object.fromEntries(evaluator.inputs.map((d) => [d, snapshot[d]?.data]));
        const found = evaluator.evaluate({ data: state.data, inputs, config, now });
        const sorted = evaluator.returnsSorted === true ? found : found.sort(compareFindings);
        // The very findings of last time (an evaluator whose own caches re-judged nothing): the last
        // array is kept, so the screens keep what they built from it (10,000 rows at 10,000 pods).
        const findings = cached && sameFindings(cached.findings, sorted) ? cached.findings : sorted;
        entry = { deps, config, findings, at: now.getTime() };
      } catch (err) {
        const reason = errorMessage(err);
        entry = { deps, config, findings: [], bug: reason, at: now.getTime() };
      }
      this.cache.set(id, entry);
    }
    if (entry.bug !== undefined) {
      return {
        ...base,
        status: 'error',
        message: `evaluation failed (a bug in airgap-top, please report it): ${entry.bug}`,
        findings: [],
        summary: countBySeverity([]),
        bug: true,
      };
    }
    return { ...base, findings: entry.findings, summary: countBySeverity(entry.findings) };
  }
}

/** The same Finding objects in the same order. */
function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
