/**
 * Severities, a leaf: the check registry (src/model/checks) and findings both use them, so they live
 * apart from both (findings name check codes; checks name severities; neither imports the other back).
 */

/** Ordered from best to worst; `severityRank` relies on this order. */
export const SEVERITIES = ['pass', 'info', 'warn', 'fail'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
