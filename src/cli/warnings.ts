import type { Logger } from '../core/log.js';
import { escapeControls } from '../core/sanitize.js';

/**
 * A warning the person must see once whatever the log settings are (a skipped KUBECONFIG file):
 * one line on stderr, and the same line in the log.
 */
export function announceWarnings(warnings: readonly string[], log: Logger): void {
  for (const warning of warnings) {
    if (!log.echoesToStderr) process.stderr.write(`airgap-top: warning: ${escapeControls(warning)}\n`);
    log.warn(warning);
  }
}
