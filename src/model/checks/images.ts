import type { CheckDefinition } from './types.js';

/**
 * Checks of the images probe, codes IMG-NNN. Append only: a code, once released, keeps its
 * meaning forever (test/model/checks.test.ts pins them).
 */
export const imagesChecks = {} as const satisfies Record<`IMG-${string}`, CheckDefinition>;
