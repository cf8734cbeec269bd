import { join } from 'node:path';
import { DEFAULT_FLEET_CONCURRENCY, Fleet } from '../app/fleet.js';
import { UserFacingError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Config } from '../model/config.js';
import { type FleetReport, fleetExitCode } from '../model/fleet.js';
import type { FailOn } from '../model/report.js';
import { FLEET_FILES, renderFleet } from '../report/fleet.js';
import type { ReportFormat } from '../report/index.js';
import { writeFilesAtomic } from '../report/write.js';
import type { ParsedOptions } from './args.js';
import { announceWarnings } from './warnings.js';

/** --fleet-concurrency N: 1..64 (default 4). */
export function parseFleetConcurrency(value: string | undefined): number {
  if (value === undefined) return DEFAULT_FLEET_CONCURRENCY;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UserFacingError(`--fleet-concurrency takes a whole number 1..64 (got "${value}")`);
  return n;
}

/** What fleet mode cannot combine with: a dump is one cluster, -n and --diff are single-report ideas. */
export function refuseFleetConflicts(flags: ParsedOptions): void {
  if (flags['from-dump'] !== undefined)
    throw new UserFacingError('--fleet reads live clusters, not --from-dump');
  if (flags.diff !== undefined)
    throw new UserFacingError('--diff compares single-cluster reports, not --fleet');
  if (flags.namespace !== undefined && !flags['all-namespaces'])
    throw new UserFacingError('--fleet reads every namespace of every cluster: drop -n');
}

/**
 * `airgap-top report --fleet`: every workload cluster the management cluster lists, once. Exit code:
 * the worst cluster's (a cluster that could not be read is 1); 2 when the management cluster itself
 * cannot be read.
 */
export async function runFleetReport(
  flags: ParsedOptions,
  config: Config,
  log: Logger,
  plan: {
    readonly formats: readonly ReportFormat[];
    readonly failOn: FailOn;
    readonly timeoutSeconds: number;
  },
): Promise<number> {
  refuseFleetConflicts(flags);
  const concurrency = parseFleetConcurrency(flags['fleet-concurrency']);
  const outputs = planFleetOutputs(flags, plan.formats);
  const fleet = await Fleet.open({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    config,
    log,
    concurrency,
    timeoutSeconds: plan.timeoutSeconds,
  });
  announceWarnings(fleet.management.warnings, log);
  let report: FleetReport;
  try {
    report = await fleet.report();
  } finally {
    fleet.close();
  }
  writeFilesAtomic(
    outputs.files.map((f) => ({ path: f.path, content: () => renderFleet(f.format, report, plan.failOn) })),
    (path) => process.stderr.write(`wrote ${path}\n`),
  );
  if (outputs.stdout) process.stdout.write(renderFleet(outputs.stdout, report, plan.failOn));
  return fleetExitCode(report, plan.failOn);
}

/** As planOutputs, with the fleet's file names in --output-dir (fleet.json, fleet.md, ...). */
function planFleetOutputs(
  flags: Pick<ParsedOptions, 'output' | 'output-dir'>,
  formats: readonly ReportFormat[],
): { files: { format: ReportFormat; path: string }[]; stdout: ReportFormat | undefined } {
  const dir = flags['output-dir'];
  if (dir !== undefined && flags.output !== undefined)
    throw new UserFacingError('use --output-file or --output-dir, not both');
  if (dir !== undefined)
    return {
      files: formats.map((format) => ({ format, path: join(dir, FLEET_FILES[format]) })),
      stdout: undefined,
    };
  if (formats.length > 1) throw new UserFacingError('several formats need --output-dir DIR (one file each)');
  const format = formats[0] ?? 'json';
  if (flags.output !== undefined && flags.output !== '-')
    return { files: [{ format, path: flags.output }], stdout: undefined };
  return { files: [], stdout: format };
}
