import {
  type SimulatorHandleExtended,
  type SimulatorOptions,
  startSimulator,
} from '../../src/sim/server/index.js';

export type { SimulatorHandleExtended } from '../../src/sim/server/index.js';

/**
 * Starts the Kubernetes API simulator for an integration test: pass objects (any Kubernetes objects,
 * `kind: List` included, plus an optional Scenario document) or a scenario file/folder path.
 * The timeline does not run unless asked (`{ timeline: true }`). Call `close()` in afterAll/afterEach.
 */
export function startTestSimulator(
  objectsOrPath: string | readonly object[] = [],
  options: Omit<SimulatorOptions, 'scenario'> = {},
): Promise<SimulatorHandleExtended> {
  return startSimulator({ timeline: false, ...options, scenario: objectsOrPath });
}
