import { containerdEvaluator } from './containerd/evaluate.js';
import type { Evaluator } from './evaluate.js';
import { imagesEvaluator } from './images/evaluate.js';
import { ipamEvaluator } from './ipam/evaluate.js';
import { portgroupsEvaluator } from './portgroups/evaluate.js';
import { topologyEvaluator } from './topology/evaluate.js';

/** Every probe's verdict logic, in screen order. */
export const EVALUATORS: readonly Evaluator[] = [
  imagesEvaluator,
  topologyEvaluator,
  ipamEvaluator,
  portgroupsEvaluator,
  containerdEvaluator,
];
