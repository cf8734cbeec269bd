import { containerdEvaluator } from '../model/containerd/evaluate.js';
import type { Evaluator } from '../model/evaluate.js';
import { createImagesEvaluator } from '../model/images/evaluate.js';
import { createIpamEvaluator } from '../model/ipam/evaluate.js';
import { portgroupsEvaluator } from '../model/portgroups/evaluate.js';
import { PROBE_IDS, PROBE_META, type ProbeId, type ProbeMeta } from '../model/probe.js';
import { readinessEvaluator } from '../model/readiness/evaluate.js';
import { registryEvaluator } from '../model/registry/evaluate.js';
import { createSharedAnalysis, type SharedAnalysis } from '../model/shared-analysis.js';
import { topologyEvaluator } from '../model/topology/evaluate.js';
import { containerdProbe } from '../probes/containerd/index.js';
import { imagesProbe } from '../probes/images.js';
import { ipamProbe } from '../probes/ipam.js';
import { readinessProbe } from '../probes/readiness/index.js';
import { registryProbe } from '../probes/registry/index.js';
import { topologyProbe } from '../probes/topology.js';
import type { ProbeSource } from '../probes/types.js';
import { portgroupsProbe } from '../probes/vsphere/index.js';
import { containerdView } from '../views/containerd.js';
import { createImagesView } from '../views/images.js';
import { createIpamView } from '../views/ipam.js';
import { portgroupsView } from '../views/portgroups.js';
import { readinessView } from '../views/readiness.js';
import { registryView } from '../views/registry.js';
import { topologyView } from '../views/topology.js';
import type { ProbeViews, ViewBuilder } from '../views/types.js';

/**
 * Everything airgap-top knows about one probe: what it is called (PROBE_META), where its data comes
 * from (source: I/O), how it is judged (evaluator, with the other probes it reads) and how its
 * screen is built (view). Factories take the session's shared analysis so an evaluator and its view
 * read one analysis, and so each session has caches of its own.
 */
export interface ProbeDefinition<Id extends ProbeId> {
  readonly id: Id;
  readonly meta: ProbeMeta;
  readonly source: ProbeSource<Id>;
  // biome-ignore lint/suspicious/noExplicitAny: an evaluator declares its own inputs; any set is allowed here.
  readonly createEvaluator: (shared: SharedAnalysis) => Evaluator<Id, any>;
  readonly createView: (shared: SharedAnalysis) => ViewBuilder<Id>;
}

type ProbeRegistry = { readonly [K in ProbeId]: ProbeDefinition<K> };

/** One line per probe; a probe without one (or with another probe's parts) does not compile. */
export const PROBE_REGISTRY: ProbeRegistry = {
  images: define(
    'images',
    imagesProbe,
    () => createImagesEvaluator(),
    () => createImagesView(),
  ),
  topology: define(
    'topology',
    topologyProbe,
    () => topologyEvaluator,
    () => topologyView,
  ),
  ipam: define(
    'ipam',
    ipamProbe,
    (s) => createIpamEvaluator(s.ipam),
    (s) => createIpamView(s.ipam),
  ),
  portgroups: define(
    'portgroups',
    portgroupsProbe,
    () => portgroupsEvaluator,
    () => portgroupsView,
  ),
  containerd: define(
    'containerd',
    containerdProbe,
    () => containerdEvaluator,
    () => containerdView,
  ),
  registry: define(
    'registry',
    registryProbe,
    () => registryEvaluator,
    () => registryView,
  ),
  readiness: define(
    'readiness',
    readinessProbe,
    () => readinessEvaluator,
    () => readinessView,
  ),
};

function define<Id extends ProbeId>(
  id: Id,
  source: ProbeSource<Id>,
  createEvaluator: ProbeDefinition<Id>['createEvaluator'],
  createView: ProbeDefinition<Id>['createView'],
): ProbeDefinition<Id> {
  return { id, meta: PROBE_META[id], source, createEvaluator, createView };
}

/** Every probe's definition, in screen order. */
export const probeDefinitions = (): readonly ProbeDefinition<ProbeId>[] =>
  PROBE_IDS.map((id) => PROBE_REGISTRY[id] as ProbeDefinition<ProbeId>);

/** Every probe source, in screen order. */
export const probeSources = (): readonly ProbeSource[] => probeDefinitions().map((d) => d.source);

/**
 * Every probe's verdict logic, in screen order: a fresh set, whose incremental caches belong to the
 * caller (each Session / Evaluation has its own). Pass the session's shared analysis so the views
 * (createViews) read what the evaluators built.
 */
export function createEvaluators(shared: SharedAnalysis = createSharedAnalysis()): Evaluator[] {
  return probeDefinitions().map((d) => d.createEvaluator(shared));
}

/**
 * Each probe's own tables (rows built purely from its data): a fresh set, whose row caches belong to
 * the caller (a session, a TUI instance). Pass the session's shared analysis, the one its evaluators use.
 */
export function createViews(shared: SharedAnalysis = createSharedAnalysis()): ProbeViews {
  // Each entry is PROBE_REGISTRY[id]'s own view, so the record is a ProbeViews by construction.
  return Object.fromEntries(PROBE_IDS.map((id) => [id, PROBE_REGISTRY[id].createView(shared)])) as ProbeViews;
}
