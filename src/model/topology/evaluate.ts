import type { Evaluator } from '../evaluate.js';

// PLACEHOLDER until the topology probe lands: evaluates nothing.
export const topologyEvaluator: Evaluator = {
  probe: 'topology',
  dependsOn: ['topology'],
  evaluate: () => [],
};
