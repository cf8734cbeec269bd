import type { CheckDefinition } from './types.js';

/**
 * Checks of the ipam probe, codes IPAM-NNN. Append only: a code, once released, keeps its
 * meaning forever (test/model/checks.test.ts pins them).
 */
export const ipamChecks = {} as const satisfies Record<`IPAM-${string}`, CheckDefinition>;
