import type { CheckDefinition } from './types.js';

/**
 * Checks of the topology probe, codes TOPO-NNN. Append only: a code, once released, keeps its
 * meaning forever (test/model/checks.test.ts pins them).
 */
export const topologyChecks = {} as const satisfies Record<`TOPO-${string}`, CheckDefinition>;
