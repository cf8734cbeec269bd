import { errorMessage } from '../core/errors.js';
import type { Config } from './config.js';
import { countBySeverity, type Finding, type SeverityCounts } from './finding.js';
import { compareFindings } from './finding-order.js';
import {
  type LiveState,
  PROBE_IDS,
  PROBE_TITLES,
  type ProbeId,
  type ProbeProgress,
  type ProbeStatus,
} from './probe.js';
import type { StoreSnapshot } from './store.js';

export interface EvaluationInput {
  readonly snapshot: StoreSnapshot;
  readonly config: Config;
  /** Injected so age-based checks (grace periods) are testable. */
  readonly now: Date;
}

/** A probe's pure verdict logic. `dependsOn` lists the probes whose data it joins (itself included). */
export interface Evaluator {
  readonly probe: ProbeId;
  readonly dependsOn: readonly ProbeId[];
  /**
   * Whether verdicts change with the clock alone (grace periods, flap windows, certificate expiry).
   * Only those are refreshed periodically; the others re-run only when their data changes.
   * Defaults to true, the safe side.
   */
  readonly timeDependent?: boolean;
  evaluate(input: EvaluationInput): Finding[];
}

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
      title: PROBE_TITLES[id],
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
    const deps = evaluator.dependsOn.map((d) => snapshot[d]?.data);
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
        const findings = evaluator.evaluate({ snapshot, config, now }).sort(compareFindings);
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
