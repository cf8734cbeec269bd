import type { ProbeId } from '../probe.js';
import type { Severity } from '../severity.js';

/** One numbered check. Codes are never reused or renumbered (a test pins them). */
export interface CheckDefinition {
  readonly probe: ProbeId;
  /** Short name of the check, as listed in docs/checks.md. */
  readonly title: string;
  /** Severity when the check fires; a finding may override it (e.g. grace periods). */
  readonly severity: Severity;
  /** What it means, for the checks reference. */
  readonly description: string;
  /** What to do about it. */
  readonly remedy: string;
  /** The airgap-top version that introduced the check; absent means the first release, 0.1.0. */
  readonly since?: string;
}

/** The release of checks that do not say `since`. */
export const FIRST_RELEASE = '0.1.0';
