import type { CheckDefinition } from './types.js';

/**
 * Checks of the containerd probe, codes CTRD-NNN. Append only: a code, once released, keeps its
 * meaning forever (test/model/checks.test.ts pins them).
 */
export const containerdChecks = {} as const satisfies Record<`CTRD-${string}`, CheckDefinition>;
