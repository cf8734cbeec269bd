import { containerdChecks } from './containerd.js';
import { imagesChecks } from './images.js';
import { ipamChecks } from './ipam.js';
import { portgroupsChecks } from './portgroups.js';
import { readinessChecks } from './readiness.js';
import { registryChecks } from './registry-presence.js';
import { topologyChecks } from './topology.js';
import type { CheckDefinition } from './types.js';

/**
 * The one registry of check codes. An unknown code does not compile. Kept apart from `makeFinding`
 * (checks/index.ts) so that `finding.ts` can name `CheckCode` without importing what imports it.
 */
export const CHECKS = {
  ...imagesChecks,
  ...topologyChecks,
  ...ipamChecks,
  ...portgroupsChecks,
  ...containerdChecks,
  ...registryChecks,
  ...readinessChecks,
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
