/**
 * Registry credentials in containerd's TOML files (`password`, `auth`, `identitytoken`, `token`
 * keys, bare or quoted) get the value "[redacted]" before the file is written into a support
 * bundle: the key stays, so the check that credentials are present still sees them. The same rule
 * scripts/collect-dump.sh applied with sed, line by line.
 */
const CREDENTIAL_LINE = /^([ \t]*"?(?:password|auth|identitytoken|identity_token|token)"?[ \t]*=[ \t]*).*$/gm;

export function redactTomlCredentials(text: string): string {
  return text.replace(CREDENTIAL_LINE, '$1"[redacted]"');
}
