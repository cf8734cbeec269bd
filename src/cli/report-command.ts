import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from '../app/session.js';
import { errorMessage, UserFacingError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { OpenDump } from '../dump/index.js';
import type { Config } from '../model/config.js';
import { type FailOn, type Report, reportExitCode } from '../model/report.js';
import { diffReports, type RecordedReport } from '../model/report-diff.js';
import { readExpectSets } from '../probes/readiness/expect-files.js';
import { renderDiff, renderDiffJson } from '../report/diff.js';
import { isReportFormat, RENDERERS, REPORT_FORMATS, type ReportFormat } from '../report/index.js';
import { writeFilesAtomic } from '../report/write.js';
import type { ParsedOptions } from './args.js';
import { requireNamespace } from './namespace.js';
import { showProgress } from './progress.js';
import { announceWarnings } from './warnings.js';

export function parseFormats(values: readonly string[] | undefined): ReportFormat[] {
  const formats = (values?.length ? values : ['json'])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '');
  for (const f of formats) {
    if (!isReportFormat(f)) {
      throw new UserFacingError(`unknown report format "${f}" (known: ${REPORT_FORMATS.join(', ')})`);
    }
  }
  return [...new Set(formats)] as ReportFormat[];
}

export function parseFailOn(flags: Pick<ParsedOptions, 'strict' | 'fail-on'>): FailOn {
  if (flags.strict) return 'warn';
  const value = flags['fail-on'] ?? 'fail';
  if (value !== 'fail' && value !== 'warn')
    throw new UserFacingError(`--fail-on takes fail or warn, not "${value}"`);
  return value;
}

/** Where each rendered format goes: files (written atomically) or standard output. */
export interface ReportOutputs {
  readonly files: readonly { format: ReportFormat; path: string }[];
  readonly stdout: ReportFormat | undefined;
}

/**
 * One format: --output-file FILE, or standard output. Several: --output-dir (report.json, report.md,
 * report.html, junit.xml, airgap-top.prom). With --diff the diff owns standard output, so a report
 * is written only to --output-file FILE or --output-dir.
 */
export function planOutputs(
  flags: Pick<ParsedOptions, 'output' | 'output-dir' | 'diff'>,
  formats: readonly ReportFormat[],
): ReportOutputs {
  const dir = flags['output-dir'];
  if (dir !== undefined && flags.output !== undefined)
    throw new UserFacingError('use --output-file or --output-dir, not both');
  if (dir !== undefined) {
    return {
      files: formats.map((format) => ({ format, path: join(dir, RENDERERS[format].file) })),
      stdout: undefined,
    };
  }
  if (formats.length > 1) throw new UserFacingError('several formats need --output-dir DIR (one file each)');
  const format = formats[0] ?? 'json';
  if (flags.output !== undefined && flags.output !== '-')
    return { files: [{ format, path: flags.output }], stdout: undefined };
  if (flags.diff !== undefined) {
    if (flags.output === '-')
      throw new UserFacingError('--diff prints to standard output: write the report with --output-file FILE');
    return { files: [], stdout: undefined };
  }
  return { files: [], stdout: format };
}

/** `--diff` with an explicit `-o json` (alone or among others) prints the diff as JSON; else as text. */
function diffAsJson(flags: Pick<ParsedOptions, 'format'>): boolean {
  return (flags.format ?? []).some((v) =>
    v
      .split(',')
      .map((f) => f.trim().toLowerCase())
      .includes('json'),
  );
}

async function readPreviousReport(path: string): Promise<RecordedReport> {
  // Loaded for --diff only: the schema validator (ajv, ~80 modules) costs every other report ~60 ms.
  const { parseRecordedReport } = await import('../report/recorded.js');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserFacingError(
      `--diff ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`,
    );
  }
  try {
    return parseRecordedReport(text);
  } catch (err) {
    throw new UserFacingError(`--diff ${path}: not an airgap-top JSON report: ${errorMessage(err)}`);
  }
}

function parseTimeout(flags: Pick<ParsedOptions, 'timeout'>): number {
  const timeoutSeconds = Number(flags.timeout ?? 120);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new UserFacingError('--timeout takes seconds > 0');
  return timeoutSeconds;
}

/** `airgap-top report`: one full sync of every probe, then the report. Returns the exit code. */
export async function runReport(flags: ParsedOptions, config: Config, log: Logger): Promise<number> {
  // Everything that can be wrong with the command line fails before any cluster is touched.
  const formats = parseFormats(flags.format);
  const failOn = parseFailOn(flags);
  if (flags.fleet) {
    const { runFleetReport } = await import('./fleet-report.js');
    return runFleetReport(flags, config, log, { formats, failOn, timeoutSeconds: parseTimeout(flags) });
  }
  const outputs = planOutputs(flags, formats);
  const previous = flags.diff !== undefined ? await readPreviousReport(flags.diff) : undefined;
  const timeoutSeconds = parseTimeout(flags);

  // A malformed expect file is one line naming the file and line (exit 2), before any cluster is asked.
  readExpectSets(config);

  const dumpDir = flags['from-dump'];
  const dump = dumpDir !== undefined ? await (await import('../dump/index.js')).openDump(dumpDir) : undefined;
  if (dump) log.info(`from-dump ${dump.dir}: ${dump.objects} objects from ${dump.files.length} files`);
  try {
    const report = await reportFromCluster(flags, config, log, dump, timeoutSeconds);
    writeOutputs(report, outputs, failOn);
    if (previous) {
      const diff = diffReports(previous, report);
      // `-o json` asks for machines: the diff comes as JSON too (schema/diff.schema.json).
      process.stdout.write(diffAsJson(flags) ? renderDiffJson(diff) : renderDiff(diff));
    }
    return reportExitCode(report, failOn);
  } finally {
    await dump?.close();
  }
}

/**
 * The report, from the cluster (or the dump): the session's data (pod records, collections, the
 * registry's answers) is only reachable inside, so it can be collected while the report is
 * written rather than adding to the write's peak memory.
 */
async function reportFromCluster(
  flags: ParsedOptions,
  config: Config,
  log: Logger,
  dump: OpenDump | undefined,
  timeoutSeconds: number,
): Promise<Report> {
  const session = await Session.open({
    kubeconfig: dump ? dump.kubeconfigPath : flags.kubeconfig,
    context: dump ? undefined : flags.context,
    namespace: flags['all-namespaces'] ? undefined : flags.namespace,
    config,
    log,
    live: false,
    dumpDir: dump?.dir,
  });
  announceWarnings(session.kube.warnings, log);
  let report: Report;
  try {
    // A dump holds no Namespace objects: there the simulator's answer would not be the cluster's.
    if (!dump) await requireNamespace(session.kube, session.options.namespace, log);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutSeconds * 1000);
    });
    const stopProgress = showProgress(session.store, process.stderr, { enabled: !log.echoesToStderr });
    let outcome: 'synced' | 'timeout';
    try {
      outcome = await Promise.race([session.start().then(() => 'synced' as const), timedOut]);
    } finally {
      stopProgress();
    }
    clearTimeout(timer);
    if (outcome === 'timeout') {
      // Unfinished probes become errors (exit 1) and every request in flight is aborted, so the
      // process ends now rather than when the slowest socket gives up.
      const unfinished = session.expire(timeoutSeconds);
      log.warn(
        `first sync not complete after ${timeoutSeconds} s (${unfinished.join(', ') || 'none'} unfinished); reporting them as errors`,
      );
    }
    const now = new Date();
    // From a dump, the cluster is the one the bundle came from, not the local simulator, and
    // ages and expiry dates are those of the moment it was collected: a week-old bundle must not
    // turn a 35-minute pending claim into "False for 7d".
    const collectedAt = dump?.collectedAt ? new Date(dump.collectedAt) : undefined;
    const judgedAt = collectedAt && !Number.isNaN(collectedAt.getTime()) ? collectedAt : now;
    if (dump && judgedAt !== now) log.info(`from-dump: findings judged as of ${judgedAt.toISOString()}`);
    report = session.report(
      now,
      dump ? { context: dump.context ?? `dump:${dump.dir}`, server: dump.server ?? undefined } : undefined,
      judgedAt,
    );
  } finally {
    session.close();
  }
  return report;
}

/**
 * Writes every format to its temporary file first (streamed, so a large JSON report is never held
 * whole), then renames them all: a renderer that throws leaves every earlier report as it was.
 */
export function writeOutputs(report: Report, outputs: ReportOutputs, failOn: FailOn): void {
  writeFilesAtomic(
    outputs.files.map((f) => ({
      path: f.path,
      content: () => RENDERERS[f.format].chunks(report, { failOn }),
    })),
    (path) => process.stderr.write(`wrote ${path}\n`),
  );
  if (outputs.stdout) process.stdout.write(RENDERERS[outputs.stdout].render(report, { failOn }));
}
