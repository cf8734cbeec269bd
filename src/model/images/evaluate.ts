import type { Evaluator } from '../evaluate.js';

// PLACEHOLDER until the images probe lands: evaluates nothing.
export const imagesEvaluator: Evaluator = {
  probe: 'images',
  dependsOn: ['images'],
  evaluate: () => [],
};
