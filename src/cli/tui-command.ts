import { SecretPrompts } from '../app/secret-prompts.js';
import { Session } from '../app/session.js';
import type { Logger } from '../core/log.js';
import type { Config } from '../model/config.js';
import { runTui, terminalProblem } from '../ui/run.js';
import type { ParsedOptions } from './args.js';
import { requireNamespace } from './namespace.js';
import { announceWarnings } from './warnings.js';

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
  const session = await Session.open({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    namespace: flags['all-namespaces'] ? undefined : flags.namespace,
    config,
    log,
    live: true,
    askSecret: prompts.ask,
  });
  announceWarnings(session.kube.warnings, log);
  try {
    await requireNamespace(session.kube, session.options.namespace, log);
    return await runTui(session, { prompts });
  } finally {
    session.close();
  }
}
