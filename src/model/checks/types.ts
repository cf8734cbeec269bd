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
}
