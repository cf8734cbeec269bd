import type { KObject } from '../store.js';
import { capiObjects } from './capi.js';
import { CLUSTER, csiNodeObject, nodeObject, planNodes, zoneNames } from './nodes.js';
import { rng } from './random.js';
import type { GenerateSpec } from './spec.js';
import {
  addDaemonSets,
  addDeployments,
  namespaceObject,
  PodFactory,
  teamNamespaceNames,
} from './workloads.js';

export { type GenerateSpec, parseGenerateSpec } from './spec.js';

/** Where the CAPI/CAPV/IPAM objects of the workload cluster live (as on a TKG management cluster). */
export const CAPI_NAMESPACE = 'tkg-workloads';

/**
 * The synthetic cluster of a spec (see spec.ts). Every step draws from one seeded stream in a fixed
 * order, so the same spec and seed give the same objects in the same order.
 */
export function generateScenario(
  spec: GenerateSpec,
  seed: number,
  /** The cluster's name and node network (10.<net>.0.0/16): a fleet's clusters differ in both. */
  cluster: { readonly name: string; readonly net: number } = { name: CLUSTER, net: 20 },
): KObject[] {
  const r = rng(seed);
  const out: KObject[] = [];
  const zones = zoneNames(spec.zones);
  const nodes = planNodes(spec, zones, r, cluster.name, cluster.net);
  nodes.forEach((n, i) => {
    out.push(nodeObject(n, i, r), csiNodeObject(n));
  });

  const teamNamespaces = teamNamespaceNames(spec.namespaces);
  const namespaces = new Set([...teamNamespaces, CAPI_NAMESPACE]);
  for (const ns of namespaces) out.push(namespaceObject(ns));

  const workers = nodes.filter((n) => !n.controlPlane);
  const schedulable = workers.length > 0 ? workers : nodes;
  const pods = new PodFactory(r, nodes);
  const budget = addDaemonSets(out, namespaces, spec, nodes, pods, r, spec.pods);
  addDeployments(out, teamNamespaces, spec, schedulable, pods, r, budget);

  if (spec.capi) out.push(...capiObjects(nodes, zones, cluster.name, CAPI_NAMESPACE, r, cluster.net));
  return out;
}
