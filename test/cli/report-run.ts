import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vi } from 'vitest';
import { parseCommandLine } from '../../src/cli/args.js';
import { applyFlags, loadConfigFile } from '../../src/cli/config-file.js';
import { runReport } from '../../src/cli/report-command.js';
import { UserFacingError } from '../../src/core/errors.js';
import { Logger } from '../../src/core/log.js';
import { ConfigError } from '../../src/model/config.js';
import { parseDocuments } from '../../src/sim/scenario.js';

const ROOT = join(import.meta.dirname, '../..');

/** The demo scenario once the sim helper's lands; until then the report tests' own small cluster. */
export function reportScenario(): { documents: object[]; config: string; name: string } {
  const demo = join(ROOT, 'fixtures/demo/scenario');
  const demoConfig = join(ROOT, 'fixtures/demo/airgap-top.toml');
  if (existsSync(demo) && existsSync(demoConfig)) {
    return { documents: [], config: demoConfig, name: demo };
  }
  const files = [join(ROOT, 'test/report/fixtures/cluster.yaml'), join(ROOT, 'fixtures/images/pods.yaml')];
  const documents = files
    .filter(existsSync)
    .flatMap((f) => parseDocuments(readFileSync(f, 'utf8')) as object[]);
  return { documents, config: join(ROOT, 'fixtures/images/airgap-top.toml'), name: files.join(', ') };
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `airgap-top report ARGS` in this process, as src/cli/main.ts runs it (main.ts runs itself on
 * import, so it cannot be imported): same flag parsing, config loading and exit-2 mapping.
 */
export async function runReportCli(args: readonly string[]): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  try {
    let flags: ReturnType<typeof parseCommandLine>['values'];
    try {
      flags = parseCommandLine(['report', ...args]).values;
    } catch (e) {
      // main.ts: a command line it cannot run is one line and exit 2, like any UserFacingError.
      if (!(e instanceof UserFacingError)) throw e;
      stderr += `airgap-top: ${e.message}\n`;
      return { code: 2, stdout, stderr };
    }
    const log = new Logger({
      file: flags.log,
      stderr: flags.verbose === true,
      minLevel: flags.verbose ? 'debug' : 'info',
    });
    try {
      const loaded = loadConfigFile(flags.config);
      const code = await runReport(flags, applyFlags(loaded.config, flags), log);
      return { code, stdout, stderr };
    } catch (e) {
      if (e instanceof UserFacingError || e instanceof ConfigError) {
        stderr += `airgap-top: ${e.message}\n`;
        return { code: 2, stdout, stderr };
      }
      throw e;
    }
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
