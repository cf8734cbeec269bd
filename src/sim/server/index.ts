import { rmSync } from 'node:fs';
import { generateScenario, parseGenerateSpec } from '../generate/index.js';
import type { FaultController, SimulatorHandle } from '../handle.js';
import type { ResourceRegistry } from '../resources.js';
import { loadScenarioPath, type Scenario, scenarioFromDocuments, shiftScenarioTime } from '../scenario.js';
import type { KObject, ObjectStore } from '../store.js';
import { Simulator } from './simulator.js';

export { kubeVerb } from './route.js';

export interface SimulatorOptions {
  /** A file or folder of YAML/JSON, or the parsed documents. */
  readonly scenario?: string | readonly object[];
  /** The scenario parsed ahead (compileScenario), used while its files are unchanged (the demo's). */
  readonly compiledScenario?: string;
  /** A synthetic cluster, e.g. "nodes=300,pods=10000" (see generate/spec.ts). */
  readonly generate?: string;
  readonly seed?: number;
  /** 0 (default) = any free port. */
  readonly port?: number;
  /** Where to write the kubeconfig (default: a temporary file removed on close). */
  readonly kubeconfigOut?: string;
  /** Run the scenario's timeline (default true). */
  readonly timeline?: boolean;
  /** Watch history kept for resuming watches; older resourceVersions get 410 Gone. */
  readonly historyLimit?: number;
  /** How often watches with allowWatchBookmarks get a BOOKMARK (default 5 s). */
  readonly bookmarkIntervalMs?: number;
  /** Told about each failed timeline step (also kept in handle.timelineErrors). */
  readonly onTimelineError?: (message: string) => void;
  /** Timeline clock speed (tests: 20 runs a minute in 3 s). */
  readonly timelineSpeed?: number;
  /** Shift the scenario's timestamps to now when it declares an anchor (default true). */
  readonly anchorTime?: boolean;
  /**
   * The moment a scenario without an anchor of its own was seen at (shifted to now like an
   * anchor), so its ages read the same on any day: tests comparing reports byte for byte.
   */
  readonly anchor?: string;
}

export interface SimulatorHandleExtended extends SimulatorHandle {
  readonly faults: FaultController;
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  /** The object as stored now (at its preferred version), or undefined. */
  get(apiVersion: string, kind: string, name: string, namespace?: string): KObject | undefined;
  /** Every stored object of a kind (all namespaces), sorted by namespace/name. */
  list(apiVersion: string, kind: string): KObject[];
  /** Strategic-merge-like patch of a stored object (emits MODIFIED); undefined when absent. */
  patch(
    apiVersion: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    patch: Record<string, unknown>,
  ): KObject | undefined;
  /** Milliseconds since the simulator started (the timeline's clock). */
  elapsedMs(): number;
  /** Timeline steps that failed (e.g. patching an object the scenario does not have). */
  readonly timelineErrors: readonly string[];
}

/** Starts the simulator on 127.0.0.1 with a scenario, a generated cluster, or nothing. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandleExtended> {
  const sim = new Simulator({
    historyLimit: options.historyLimit,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
  });
  let scenario: Scenario = { objects: [], timeline: [] };
  if (typeof options.scenario === 'string')
    scenario = loadScenarioPath(options.scenario, options.compiledScenario);
  else if (options.scenario) scenario = scenarioFromDocuments(options.scenario);
  if (options.anchor !== undefined && !scenario.anchor) scenario = { ...scenario, anchor: options.anchor };
  if (options.anchorTime !== false) scenario = shiftScenarioTime(scenario, new Date());
  if (options.generate !== undefined) {
    const generated = generateScenario(parseGenerateSpec(options.generate), options.seed ?? 1);
    scenario = { ...scenario, objects: [...generated, ...scenario.objects] };
    sim.store.setUidSource(seededUids(options.seed ?? 1));
  }
  sim.load(scenario.objects);
  sim.faults.apply(scenario.faults);
  const { url, kubeconfigPath, tempDir } = await sim.listen(options.port ?? 0, options.kubeconfigOut);
  sim.onTimelineError = options.onTimelineError;
  setImmediate(() => sim.prewarm());
  if (options.timeline !== false) sim.runTimeline(scenario.timeline, options.timelineSpeed ?? 1);
  const objectsOf = (apiVersion: string, kind: string): KObject[] => {
    const type = sim.registry.byKind(apiVersion, kind);
    return type ? sim.store.list(type).map((e) => e.object) : [];
  };
  return {
    url,
    kubeconfigPath,
    token: sim.token,
    requests: sim.requests,
    faults: sim.faults,
    store: sim.store,
    registry: sim.registry,
    apply: (object) => {
      sim.api.apply(object as KObject);
    },
    remove: (apiVersion, kind, name, namespace) => sim.remove(apiVersion, kind, name, namespace),
    get: (apiVersion, kind, name, namespace) => {
      const type = sim.registry.byKind(apiVersion, kind);
      return type
        ? sim.store.get(type, type.namespaced ? (namespace ?? 'default') : undefined, name)?.object
        : undefined;
    },
    list: objectsOf,
    patch: (apiVersion, kind, name, namespace, patch) =>
      sim.patchObject(apiVersion, kind, name, namespace, patch),
    elapsedMs: () => sim.elapsedMs(),
    timelineErrors: sim.timelineErrors,
    close: async () => {
      await sim.close();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** Deterministic UUID-shaped ids for generated clusters (same seed, same uids). */
function seededUids(seed: number): () => string {
  let state = (seed * 2654435761) >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state.toString(16).padStart(8, '0');
  };
  return () => {
    const h = `${next()}${next()}${next()}${next()}`;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
}
