import type { Evaluator } from '../evaluate.js';

// PLACEHOLDER until the portgroups probe lands: evaluates nothing.
export const portgroupsEvaluator: Evaluator = {
  probe: 'portgroups',
  dependsOn: ['portgroups'],
  evaluate: () => [],
};
