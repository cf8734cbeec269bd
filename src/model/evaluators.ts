import { containerdEvaluator } from './containerd/evaluate.js';
import type { Evaluator } from './evaluate.js';
import { createImagesEvaluator } from './images/evaluate.js';
import { createIpamEvaluator } from './ipam/evaluate.js';
import { portgroupsEvaluator } from './portgroups/evaluate.js';
import { createSharedAnalysis, type SharedAnalysis } from './shared-analysis.js';
import { topologyEvaluator } from './topology/evaluate.js';

/**
 * Every probe's verdict logic, in screen order: a fresh set, whose incremental caches belong to the
 * caller (each Session / Evaluation has its own). Pass the session's shared analysis so the views
 * (createViews) read what the evaluators built.
 */
export function createEvaluators(shared: SharedAnalysis = createSharedAnalysis()): Evaluator[] {
  return [
    createImagesEvaluator(),
    topologyEvaluator,
    createIpamEvaluator(shared.ipam),
    portgroupsEvaluator,
    containerdEvaluator,
  ];
}
