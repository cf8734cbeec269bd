import type { CheckDefinition } from './types.js';

/**
 * Checks of the portgroups probe, codes PG-NNN. Append only: a code, once released, keeps its
 * meaning forever (test/model/checks.test.ts pins them).
 */
export const portgroupsChecks = {} as const satisfies Record<`PG-${string}`, CheckDefinition>;
