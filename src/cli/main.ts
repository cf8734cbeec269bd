#!/usr/bin/env node
import { errorMessage, UserFacingError } from '../core/errors.js';
import { Logger } from '../core/log.js';
import { escapeControls } from '../core/sanitize.js';
import { TOOL_VERSION } from '../core/version.js';
import { ConfigError } from '../model/config.js';
import {
  type CommandLine,
  commandHelp,
  generalHelp,
  isCommandName,
  outputPathProblem,
  parseCommandLine,
} from './args.js';
import { explainCheck, renderChecksReference } from './checks-command.js';
import { applyFlags, loadConfigFile } from './config-file.js';

/** Returns the exit code: 0 pass, 1 a finding failed, 2 airgap-top itself could not run. */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed: CommandLine;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    process.stderr.write(`airgap-top: ${errorMessage(err)}\n`);
    return 2;
  }
  const { command, args, values: flags } = parsed;
  if (flags.version) {
    process.stdout.write(`airgap-top ${TOOL_VERSION}\n`);
    return 0;
  }
  if (command === 'help' || flags.help) {
    const topic = command === 'help' ? args[0] : command;
    if (topic === undefined || (command !== 'help' && argv.every((a) => a.startsWith('-')))) {
      process.stdout.write(generalHelp());
      return 0;
    }
    if (!isCommandName(topic)) {
      process.stderr.write(`airgap-top: no help for "${topic}": not a command (see "airgap-top help")\n`);
      return 2;
    }
    process.stdout.write(commandHelp(topic));
    return 0;
  }
  const pathProblem = outputPathProblem(flags);
  if (pathProblem) {
    process.stderr.write(`airgap-top: ${pathProblem}\n`);
    return 2;
  }
  let log: Logger;
  try {
    log = new Logger({
      file: flags.log,
      stderr: command === 'report' && flags.verbose === true,
      minLevel: flags.verbose ? 'debug' : 'info',
    });
  } catch (err) {
    process.stderr.write(`airgap-top: ${errorMessage(err)}\n`);
    return 2;
  }
  // What ran, without the arguments (a path or a context name is not worth the risk of a secret).
  log.info(`airgap-top ${TOOL_VERSION} ${command}: started (pid ${process.pid}, Node.js ${process.version})`);
  try {
    switch (command) {
      case 'checks':
        if (args[0] !== undefined) {
          const text = explainCheck(args[0]);
          if (text === undefined) {
            process.stderr.write(
              `airgap-top: no check "${args[0]}" (see "airgap-top checks" for every code)\n`,
            );
            return 2;
          }
          process.stdout.write(text);
          return 0;
        }
        process.stdout.write(renderChecksReference(flags.markdown === true));
        return 0;
      case 'config': {
        if (args[0] !== 'init') {
          process.stderr.write('airgap-top: config takes init (airgap-top config init [--config FILE])\n');
          return 2;
        }
        const { runConfigInit } = await import('./config-command.js');
        return await runConfigInit(flags, log);
      }
      case 'completion': {
        const { renderCompletion, isShell, kubeconfigContexts } = await import('./completion-command.js');
        const shell = args[0];
        if (shell === 'contexts') {
          // Called by the completion scripts themselves.
          for (const name of kubeconfigContexts(flags.kubeconfig, process.env))
            process.stdout.write(`${name}\n`);
          return 0;
        }
        if (shell === undefined || !isShell(shell)) {
          process.stderr.write(
            'airgap-top: completion takes bash, zsh or fish (e.g. airgap-top completion bash)\n',
          );
          return 2;
        }
        process.stdout.write(renderCompletion(shell));
        return 0;
      }

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
        if (command === 'serve') {
          const { runServe } = await import('./serve-command.js');
          return await runServe(flags, config, log);
        }
        if (command === 'dump') {
          const { runDump } = await import('./dump-command.js');
          return await runDump(flags, config, log);
        }
        const { runLiveTui } = await import('./tui-command.js');
        return await runLiveTui(flags, config, log);
      }
    }
  } catch (err) {
    if (err instanceof UserFacingError || err instanceof ConfigError) {
      // The message may quote the API server or a file: its control characters are shown, not obeyed.
      process.stderr.write(`airgap-top: ${escapeControls(err.message, { keepLines: true })}\n`);
      if (err instanceof UserFacingError && err.nextStep) {
        process.stderr.write(`  next: ${escapeControls(err.nextStep, { keepLines: true })}\n`);
      }
      return 2;
    }
    const reason = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log.error(`unexpected: ${reason}`);
    process.stderr.write(
      `airgap-top: internal error (a bug, please report it): ${escapeControls(errorMessage(err), { keepLines: true })}\n`,
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
