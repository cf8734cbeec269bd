import { UserFacingError } from '../../core/errors.js';

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
