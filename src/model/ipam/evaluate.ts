import type { EvaluationInput, Evaluator } from '../evaluate.js';
import type { Finding } from '../finding.js';
import { evaluateAddresses } from './addresses.js';
import type { IpamAnalysis } from './analysis.js';
import { IpamAnalyzer } from './analyze.js';
import { chainDeps, sameDeps } from './chain.js';
import { evaluateClaim } from './claims.js';
import { evaluateEndpoints } from './endpoints.js';
import { evaluatePools } from './pools.js';
import { DEFAULT_IPAM_SETTINGS, type IpamSettings, ipamSettings } from './settings.js';
import { FindingStabilizer } from './stabilize.js';
import type { IpamData, VSphereVMRecord } from './types.js';
import { evaluateVm, falseClaimConditions } from './vms.js';

/**
 * The IPAM evaluation: every check over the joined chain, incremental across watch events. The
 * caches (the analysis, each VM's findings, last run's finding objects) belong to the instance:
 * a session owns one, so two sessions (or two tests) never see each other's state.
 */
export class IpamChecker {
  private readonly vmFindings = new WeakMap<VSphereVMRecord, { deps: unknown[]; findings: Finding[] }>();
  private readonly stabilizer = new FindingStabilizer();

  constructor(readonly analyzer: IpamAnalyzer = new IpamAnalyzer()) {}

  evaluate(data: IpamData, now: Date, settings: IpamSettings = DEFAULT_IPAM_SETTINGS): Finding[] {
    const analysis = this.analyzer.analyze(data);
    const out: Finding[] = [];
    for (const vm of data.vsphereVMs) this.evaluateVmMemo(analysis, vm, now, settings, out);
    for (const claim of data.claims) evaluateClaim(analysis, claim, now, settings, out);
    evaluatePools(analysis, now, settings, out);
    evaluateAddresses(analysis, (address) => this.analyzer.parsedAddress(address), out);
    evaluateEndpoints(analysis, data, out);
    return this.stabilizer.stabilize(out);
  }

  /**
   * A VM's findings are reused while its chain (records and states) is unchanged, so one watch event
   * re-evaluates one VM, not 300. Findings that carry an age (a False condition) are always recomputed.
   */
  private evaluateVmMemo(
    analysis: IpamAnalysis,
    vm: VSphereVMRecord,
    now: Date,
    settings: IpamSettings,
    out: Finding[],
  ): void {
    if (falseClaimConditions(vm).length > 0) {
      evaluateVm(analysis, vm, now, settings, out);
      return;
    }
    const deps = chainDeps(analysis, vm);
    const cached = this.vmFindings.get(vm);
    if (cached && sameDeps(cached.deps, deps)) {
      out.push(...cached.findings);
      return;
    }
    const findings: Finding[] = [];
    evaluateVm(analysis, vm, now, settings, findings);
    this.vmFindings.set(vm, { deps, findings });
    out.push(...findings);
  }
}

/** A one-off evaluation with caches of its own (tests, tools); sessions use `createIpamEvaluator`. */
export function evaluateIpam(
  data: IpamData,
  now: Date,
  settings: IpamSettings = DEFAULT_IPAM_SETTINGS,
): Finding[] {
  return new IpamChecker().evaluate(data, now, settings);
}

/** The ipam probe's evaluator; pass the analyzer the session's IPAM view uses, so both share one analysis. */
export function createIpamEvaluator(analyzer: IpamAnalyzer = new IpamAnalyzer()): Evaluator<'ipam', never> {
  const checker = new IpamChecker(analyzer);
  return {
    probe: 'ipam',
    inputs: [],
    evaluate: ({ data, config, now }: EvaluationInput<'ipam'>) =>
      checker.evaluate(data, now, ipamSettings(config)),
  };
}
