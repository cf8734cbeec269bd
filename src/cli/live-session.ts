import { Session } from '../app/session.js';
import type { Logger } from '../core/log.js';
import type { Config } from '../model/config.js';
import type { AskSecret } from '../probes/types.js';
import type { ParsedOptions } from './args.js';
import { requireNamespace } from './namespace.js';
import { announceWarnings } from './warnings.js';

/**
 * A live session (watches, like the TUI and serve) over the cluster the flags name: KUBECONFIG
 * warnings told once, and `-n NS` checked before anything is drawn or served (a namespace that
 * does not exist closes the session and throws, exit 2).
 */
export async function openLiveSession(
  flags: ParsedOptions,
  config: Config,
  log: Logger,
  askSecret?: AskSecret,
): Promise<Session> {
  const session = await Session.open({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    namespace: flags['all-namespaces'] ? undefined : flags.namespace,
    config,
    log,
    live: true,
    ...(askSecret ? { askSecret } : {}),
  });
  announceWarnings(session.kube.warnings, log);
  try {
    await requireNamespace(session.kube, session.options.namespace, log);
  } catch (err) {
    session.close();
    throw err;
  }
  return session;
}
