import { UserFacingError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { KubeConnection } from '../probes/kube/connection.js';
import { checkNamespace } from '../probes/kube/namespace.js';
import { announceWarnings } from './warnings.js';

/**
 * `-n NS` names a namespace the cluster has: otherwise every namespaced list would answer an empty
 * page and the report would be a clean "nothing found" about nothing. A namespace that does not
 * exist is a command line that cannot run (exit 2); one we may not read is a warning, and we go on.
 */
export async function requireNamespace(
  kube: KubeConnection,
  namespace: string | undefined,
  log: Logger,
): Promise<void> {
  if (namespace === undefined) return;
  const check = await checkNamespace(kube, namespace);
  if (check.kind === 'missing') {
    throw new UserFacingError(
      `namespace "${namespace}" does not exist on API server ${kube.server} (see kubectl get namespaces; -A reads every namespace)`,
    );
  }
  if (check.kind === 'unverified') {
    announceWarnings(
      [`cannot verify that namespace "${namespace}" exists: ${check.reason}; reading it anyway`],
      log,
    );
  }
}
