import type { Evaluator } from '../evaluate.js';

// PLACEHOLDER until the containerd probe lands: evaluates nothing.
export const containerdEvaluator: Evaluator = {
  probe: 'containerd',
  dependsOn: ['containerd'],
  evaluate: () => [],
};
