/**
 * The user can fix this (bad kubeconfig, unreachable server, bad flag): one line, exit code 2.
 * `nextStep` says what to do about it, when the message alone does not.
 */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
  readonly nextStep: string | undefined;

  constructor(message: string, options: { nextStep?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.nextStep = options.nextStep;
  }
}

/** The message of anything thrown: an Error's message, anything else as a string. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
