#!/usr/bin/env node
import { UserFacingError } from '../app/errors.js';
import { Logger } from '../app/log.js';
import { TOOL_VERSION } from '../app/version.js';
import { escapeControls } from '../core/sanitize.js';
import { ConfigError } from '../model/config.js';
import { parseCommandLine, USAGE } from './args.js';
import { renderChecksReference } from './checks-command.js';
import { applyFlags, loadConfigFile } from './config-file.js';

const COMMANDS = ['report', 'demo', 'sim', 'checks', 'tui'] as const;

/** Returns the exit code: 0 pass, 1 a finding failed, 2 airgap-top itself could not run. */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    process.stderr.write(`airgap-top: ${(err as Error).message}\nRun "airgap-top --help" for usage.\n`);
    return 2;
  }
  const flags = parsed.values;
  const command = parsed.positionals[0] ?? 'tui';
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`airgap-top ${TOOL_VERSION}\n`);
    return 0;
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    process.stderr.write(`airgap-top: unknown command "${command}" (commands: ${COMMANDS.join(', ')})\n`);
    return 2;
  }
  const log = new Logger({
    file: flags.log,
    stderr: command === 'report' && flags.verbose === true,
    minLevel: flags.verbose ? 'debug' : 'info',
  });
  try {
    switch (command) {
      case 'checks':
        process.stdout.write(renderChecksReference(flags.markdown === true));
        return 0;
      case 'sim': {
        const { runSim } = await import('./sim-command.js');
        return await runSim(flags, log);
      }
      case 'demo': {
        const { runDemo } = await import('./demo-command.js');
        return await runDemo(flags, log);
      }
      default: {
        const loaded = loadConfigFile(flags.config);
        for (const warning of loaded.warnings) process.stderr.write(`airgap-top: warning: ${warning}\n`);
        const config = applyFlags(loaded.config, flags);
        if (command === 'report') {
          const { runReport } = await import('./report-command.js');
          return await runReport(flags, config, log);
        }
        const { runLiveTui } = await import('./tui-command.js');
        return await runLiveTui(flags, config, log);
      }
    }
  } catch (err) {
    if (err instanceof UserFacingError || err instanceof ConfigError) {
      // The message may quote the API server or a file: its control characters are shown, not obeyed.
      process.stderr.write(`airgap-top: ${escapeControls(err.message, { keepLines: true })}\n`);
      return 2;
    }
    const reason = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log.error(`unexpected: ${reason}`);
    process.stderr.write(
      `airgap-top: internal error (a bug, please report it): ${escapeControls(err instanceof Error ? err.message : String(err), { keepLines: true })}\n`,
    );
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`airgap-top: ${String(err)}\n`);
    process.exitCode = 2;
  },
);
