import type { Evaluator } from '../evaluate.js';

// PLACEHOLDER until the ipam probe lands: evaluates nothing.
export const ipamEvaluator: Evaluator = {
  probe: 'ipam',
  dependsOn: ['ipam'],
  evaluate: () => [],
};
