import type { Logger } from '../app/log.js';
import { Session } from '../app/session.js';
import type { Config } from '../model/config.js';
import type { ParsedOptions } from './args.js';

/** `airgap-top` with no command: the live TUI over the current context. */
export async function runLiveTui(flags: ParsedOptions, config: Config, log: Logger): Promise<number> {
  const session = await Session.open({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    namespace: flags['all-namespaces'] ? undefined : flags.namespace,
    config,
    log,
    live: true,
  });
  const { runTui } = await import('../ui/run.js');
  try {
    return await runTui(session);
  } finally {
    session.close();
  }
}
