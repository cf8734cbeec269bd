import { errorMessage, UserFacingError } from '../../core/errors.js';

/** An HTTP error from the API server, with its Status object's reason when there is one. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/**
 * The connection to the API server failed (refused, reset, unreachable, no answer in time, TLS).
 * A UserFacingError, so a failure at start is one line and exit 2; `code` says whether to retry.
 */
export class KubeNetworkError extends UserFacingError {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** A failed list or watch in words a person can act on: 401 and 403 say what to fix. */
export function describeListError(err: unknown, path: string, verb: 'list' | 'watch'): string {
  if (err instanceof KubeApiError) {
    if (err.statusCode === 401)
      return `not authorised to read ${path}: the kubeconfig credentials were refused (401)`;
    if (err.statusCode === 403)
      return `forbidden to ${verb} ${path}: the user needs list and watch on it (RBAC)`;
    return err.message;
  }
  return errorMessage(err);
}
