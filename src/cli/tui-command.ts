import { SecretPrompts } from '../app/secret-prompts.js';
import type { Logger } from '../core/log.js';
import type { Config } from '../model/config.js';
import { runTui, terminalProblem } from '../ui/run.js';
import type { ParsedOptions } from './args.js';
import { openLiveSession } from './live-session.js';

/** `airgap-top` with no command: the live TUI over the current context. */
export async function runLiveTui(flags: ParsedOptions, config: Config, log: Logger): Promise<number> {
  // Refused before connecting: no cluster traffic for a screen nobody can see.
  const problem = terminalProblem(process.stdin, process.stdout);
  if (problem) {
    process.stderr.write(`airgap-top: ${problem}\n`);
    return 2;
  }
  // The vCenter password, when $password_env is unset, is asked for on the screen.
  const prompts = new SecretPrompts();
  const session = await openLiveSession(flags, config, log, prompts.ask);
  try {
    return await runTui(session, { prompts });
  } finally {
    session.close();
  }
}
