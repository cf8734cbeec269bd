import type { Config } from '../config.js';
import { csiCategories, machinesByNode, type NodePlacement, placementOf, roleOf } from './placement.js';
import { EMPTY_SIGNALS, flapsInWindow } from './signals.js';
import type { MachineRecord, NodeRecord, NodeRole, NodeSignals, TopologyData } from './types.js';

export const DEFAULT_FLAP_WINDOW_MINUTES = 15;
export const DEFAULT_FLAP_THRESHOLD = 3;

export interface NodeAnalysis {
  readonly node: NodeRecord;
  readonly role: NodeRole;
  readonly placement: NodePlacement;
  readonly machine?: MachineRecord;
  readonly signals: NodeSignals;
  /** Ready flips inside the window. */
  readonly flaps: number;
  readonly flapTimes: readonly string[];
}

/** The joined view of the topology data both the checks and the screen read (pure). */
export interface TopologyAnalysis {
  readonly nodes: readonly NodeAnalysis[];
  readonly usesZones: boolean;
  readonly usesRegions: boolean;
  /** Zones known to exist: [topology] zones, node labels, CAPV failure domains; sorted. */
  readonly zones: readonly string[];
  /**
   * Zones a control-plane machine may go to: with CAPV failure domains, the zones of those whose
   * deployment zones take control planes (controlPlane not false); otherwise every known zone.
   */
  readonly controlPlaneZones: readonly string[];
  readonly flapWindowMs: number;
  readonly flapThreshold: number;
}

export function analyzeTopology(data: TopologyData, config: Config, now: Date): TopologyAnalysis {
  const categories = csiCategories(data.failureDomains, data.nodes);
  const byNode = machinesByNode(data.machines);
  const flapWindowMs = (config.topology.flapWindowMinutes ?? DEFAULT_FLAP_WINDOW_MINUTES) * 60_000;
  const flapThreshold = config.topology.flapThreshold ?? DEFAULT_FLAP_THRESHOLD;
  const nodes = [...data.nodes]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((node): NodeAnalysis => {
      const signals = data.signals[node.name] ?? EMPTY_SIGNALS;
      const { count, times } = flapsInWindow(signals, now, flapWindowMs);
      return {
        node,
        role: roleOf(node, byNode),
        placement: placementOf(node, categories),
        machine: byNode.get(node.name),
        signals,
        flaps: count,
        flapTimes: times,
      };
    });

  // Zones named by CAPV failure domains, with whether any deployment zone over them takes control planes.
  const fdZones = new Map<string, boolean>();
  for (const fd of data.failureDomains ?? []) {
    if (!fd.zone.name) continue;
    const zones = (data.deploymentZones ?? []).filter((dz) => dz.failureDomain === fd.name);
    const takesControlPlane = zones.length === 0 || zones.some((dz) => dz.controlPlane !== false);
    fdZones.set(fd.zone.name, (fdZones.get(fd.zone.name) ?? false) || takesControlPlane);
  }
  const zoneSet = new Set<string>(config.topology.zones);
  for (const n of nodes) if (n.placement.zone.value) zoneSet.add(n.placement.zone.value);
  for (const z of fdZones.keys()) zoneSet.add(z);
  const zones = [...zoneSet].sort();
  // With CAPV failure domains, only their zones can take control-plane machines; a stray node label cannot.
  const controlPlaneZones = fdZones.size > 0 ? zones.filter((z) => fdZones.get(z) === true) : zones;

  const usesZones =
    config.topology.zones.length > 0 ||
    nodes.some((n) => n.placement.zone.value !== undefined) ||
    (data.failureDomains?.length ?? 0) > 0;
  const usesRegions =
    config.topology.region !== undefined ||
    nodes.some((n) => n.placement.region.value !== undefined) ||
    (data.failureDomains ?? []).some((fd) => fd.region.name !== undefined);
  return { nodes, usesZones, usesRegions, zones, controlPlaneZones, flapWindowMs, flapThreshold };
}

export const NO_ZONE = '(no zone)';

/** Nodes per zone and role, for the spread checks and the screen's distribution table. */
export function zoneDistribution(
  analysis: TopologyAnalysis,
): Map<string, { controlPlane: string[]; workers: string[] }> {
  const out = new Map<string, { controlPlane: string[]; workers: string[] }>();
  for (const z of analysis.zones) out.set(z, { controlPlane: [], workers: [] });
  for (const n of analysis.nodes) {
    const key = n.placement.zone.value ?? NO_ZONE;
    const entry = out.get(key) ?? { controlPlane: [], workers: [] };
    (n.role === 'control-plane' ? entry.controlPlane : entry.workers).push(n.node.name);
    out.set(key, entry);
  }
  return out;
}
