import type { Evidence, Finding, Severity, Subject } from '../finding.js';
import { containerdChecks } from './containerd.js';
import { imagesChecks } from './images.js';
import { ipamChecks } from './ipam.js';
import { portgroupsChecks } from './portgroups.js';
import { registryChecks } from './registry.js';
import { topologyChecks } from './topology.js';
import type { CheckDefinition } from './types.js';

export type { CheckDefinition } from './types.js';

/** The one registry of check codes. An unknown code does not compile. */
export const CHECKS = {
  ...imagesChecks,
  ...topologyChecks,
  ...ipamChecks,
  ...portgroupsChecks,
  ...containerdChecks,
  ...registryChecks,
} as const satisfies Record<string, CheckDefinition>;

export type CheckCode = keyof typeof CHECKS;

const REGISTRY: Readonly<Record<string, CheckDefinition>> = CHECKS;

export function checkDefinition(code: CheckCode): CheckDefinition {
  const check = REGISTRY[code];
  if (!check) throw new Error(`unknown check code ${String(code)}`);
  return check;
}

export function isCheckCode(value: string): value is CheckCode {
  return value in REGISTRY;
}

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
