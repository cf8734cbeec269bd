/** The user can fix this (bad kubeconfig, unreachable server, bad flag): one line, exit code 2. */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
}
