import type { Evidence, Finding, Subject } from '../finding.js';
import type { Severity } from '../severity.js';
import { type CheckCode, checkDefinition } from './registry.js';

export { CHECKS, type CheckCode, isCheckCode } from './registry.js';
export type { CheckDefinition } from './types.js';

export interface FindingInput {
  readonly subject: Subject;
  readonly detail: string;
  readonly evidence?: Evidence;
  /** Defaults to the check's title. */
  readonly title?: string;
  /** Defaults to the check's severity (override for grace periods, ignores, profiles). */
  readonly severity?: Severity;
  /** Defaults to the check's remedy. */
  readonly remedy?: string;
}

/** Builds a finding from its code: probe, default severity and remedy come from the registry. */
export function makeFinding(code: CheckCode, input: FindingInput): Finding {
  const check = checkDefinition(code);
  return {
    probe: check.probe,
    code,
    severity: input.severity ?? check.severity,
    subject: input.subject,
    title: input.title ?? check.title,
    detail: input.detail,
    evidence: input.evidence ?? {},
    remedy: input.remedy ?? check.remedy,
  };
}
