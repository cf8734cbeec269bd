import type { Logger } from '../core/log.js';
import type { Evaluator } from '../model/evaluate.js';

/**
 * The session's evaluators, each logging how long it took and how many findings it made (debug).
 * The evaluators stay pure; the timing is I/O, so it lives here. `log` is read when an evaluation
 * runs (the session's options are not set yet when its fields are built).
 */
export function timedEvaluators(evaluators: readonly Evaluator[], log: () => Logger): Evaluator[] {
  return evaluators.map((e) => ({
    ...e,
    evaluate(input) {
      const started = performance.now();
      const findings = e.evaluate(input);
      log().debug(
        `evaluate ${e.probe}: ${findings.length} findings in ${(performance.now() - started).toFixed(1)} ms`,
      );
      return findings;
    },
  }));
}
