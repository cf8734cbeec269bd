import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../app/log.js';
import { Session } from '../app/session.js';
import type { Config } from '../model/config.js';
import { type FailOn, reportExitCode } from '../model/report.js';
import { isReportFormat, RENDERERS, type ReportFormat } from '../report/index.js';
import { writeFileAtomic } from '../report/write.js';
import { UserFacingError } from '../probes/kube/connection.js';
import type { ParsedOptions } from './args.js';

export function parseFormats(values: readonly string[] | undefined): ReportFormat[] {
  const formats = (values?.length ? values : ['json']).flatMap((v) => v.split(',')).map((v) => v.trim());
  for (const f of formats) {
    if (!isReportFormat(f)) {
      throw new UserFacingError(`unknown report format "${f}" (known: ${Object.keys(RENDERERS).join(', ')})`);
    }
  }
  return [...new Set(formats)] as ReportFormat[];
}

export function parseFailOn(flags: ParsedOptions): FailOn {
  if (flags.strict) return 'warn';
  const value = flags['fail-on'] ?? 'fail';
  if (value !== 'fail' && value !== 'warn') throw new UserFacingError(`--fail-on takes fail or warn, not "${value}"`);
  return value;
}

/** `airgap-top report`: one full sync of every probe, then the report. Returns the exit code. */
export async function runReport(flags: ParsedOptions, config: Config, log: Logger): Promise<number> {
  const formats = parseFormats(flags.format);
  const failOn = parseFailOn(flags);
  if (formats.length > 1 && !flags['output-dir']) {
    throw new UserFacingError('several formats need --output-dir DIR (one file each)');
  }
  const timeoutSeconds = Number(flags.timeout ?? 120);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UserFacingError('--timeout takes seconds > 0');
  const session = await Session.open({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    namespace: flags['all-namespaces'] ? undefined : flags.namespace,
    config,
    log,
    live: false,
  });
  try {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutSeconds * 1000);
    });
    const outcome = await Promise.race([session.start().then(() => 'synced' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') log.warn(`first sync not complete after ${timeoutSeconds}s; reporting what is known`);
    const report = session.report();
    if (flags['output-dir']) {
      mkdirSync(flags['output-dir'], { recursive: true });
      for (const format of formats) {
        const path = join(flags['output-dir'], `report.${RENDERERS[format].extension}`);
        writeFileAtomic(path, RENDERERS[format].render(report));
        process.stderr.write(`wrote ${path}\n`);
      }
    } else {
      const format = formats[0] ?? 'json';
      const text = RENDERERS[format].render(report);
      if (!flags.output || flags.output === '-') process.stdout.write(text);
      else {
        writeFileAtomic(flags.output, text);
        process.stderr.write(`wrote ${flags.output}\n`);
      }
    }
    return reportExitCode(report, failOn);
  } finally {
    session.close();
  }
}
