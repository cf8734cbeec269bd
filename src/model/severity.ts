/**
 * Severities, a leaf: the check registry (src/model/checks) and findings both use them, so they live
 * apart from both (findings name check codes; checks name severities; neither imports the other back).
 */

/** Ordered from best to worst; `severityRank` relies on this order. */
export const SEVERITIES = ['pass', 'info', 'warn', 'fail'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Each severity's index in SEVERITIES, as a table: ranks are compared by the thousand per build. */
const RANKS: Readonly<Record<Severity, number>> = Object.freeze(
  Object.fromEntries(SEVERITIES.map((severity, rank) => [severity, rank])) as Record<Severity, number>,
);

/** The severity's index in SEVERITIES; -1 for a word that is none (a report read from disk may hold one). */
export function severityRank(severity: Severity): number {
  const rank: unknown = Object.hasOwn(RANKS, severity) ? RANKS[severity] : undefined;
  return typeof rank === 'number' ? rank : -1;
}
