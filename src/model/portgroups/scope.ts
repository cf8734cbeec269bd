import type {
  ClusterNetworkUse,
  ClusterVmRecord,
  PortgroupRecord,
  VsphereInventory,
  WindowsNodeRecord,
} from './types.js';

/**
 * Which portgroups the cluster depends on: the networks its VSphereVMs name, matched to the inventory,
 * and whether Windows nodes sit on them.
 */

/** The portgroup name in a `networkName`: bare (`tkg-pg`) or an inventory path (`/DC0/network/tkg-pg`). */
export function portgroupNameOf(networkName: string): string {
  const trimmed = networkName.trim().replace(/\/+$/, '');
  const last = trimmed.includes('/') ? trimmed.slice(trimmed.lastIndexOf('/') + 1) : trimmed;
  // govc and CAPV escape a '/' inside an inventory name as %2f.
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** The Windows node a VSphereVM became: same name (Windows host names are cut to 15 characters) or a shared address. */
export function windowsNodeOf(
  vm: ClusterVmRecord,
  nodes: readonly WindowsNodeRecord[],
): WindowsNodeRecord | undefined {
  return (
    nodes.find((n) => n.name === vm.name) ??
    nodes.find((n) => n.name.length === 15 && vm.name.startsWith(n.name)) ??
    nodes.find((n) => n.addresses.some((a) => vm.addresses.includes(a)))
  );
}

export interface VmOnPortgroup {
  readonly namespace: string;
  readonly name: string;
  /** The Windows node it is, if any. */
  readonly windowsNode?: string;
  readonly networkName: string;
}

export interface PortgroupInScope {
  readonly portgroup: PortgroupRecord;
  /** Empty when no cluster VM was found (then every VM portgroup is in scope). */
  readonly vms: readonly VmOnPortgroup[];
  readonly windows: boolean;
  /** The name is shared by several portgroups (NSX, several datacenters): each is checked. */
  readonly ambiguous: boolean;
  /** Listed in `[vsphere] portgroups` (judged even when no cluster VM uses it). */
  readonly requested: boolean;
}

export interface UnknownNetwork {
  readonly networkName: string;
  readonly vms: readonly VmOnPortgroup[];
  /** Listed in `[vsphere] portgroups` rather than used by a VM. */
  readonly requested: boolean;
}

export interface Scope {
  /** clusterVms: from VSphereVMs. allPortgroups: no VSphereVM found, so every non-uplink portgroup. */
  readonly basis: 'clusterVms' | 'allPortgroups';
  readonly inScope: readonly PortgroupInScope[];
  readonly unknown: readonly UnknownNetwork[];
  /** Portgroups no cluster VM uses (shown for reference, not judged). */
  readonly others: readonly PortgroupRecord[];
}

function vmPortgroups(inventory: VsphereInventory): PortgroupRecord[] {
  const uplinks = new Set(inventory.switches.flatMap((s) => s.uplinkPortgroups ?? []));
  return inventory.portgroups.filter((pg) => !uplinks.has(pg.moid));
}

/** `requested`: `[vsphere] portgroups`, names or inventory paths judged beside the ones the VMs use. */
export function computeScope(
  inventory: VsphereInventory,
  cluster: ClusterNetworkUse,
  requested: readonly string[] = [],
): Scope {
  const candidates = vmPortgroups(inventory);
  const byName = new Map<string, PortgroupRecord[]>();
  for (const pg of inventory.portgroups) byName.set(pg.name, [...(byName.get(pg.name) ?? []), pg]);

  const uses = new Map<string, VmOnPortgroup[]>();
  const unknown = new Map<string, VmOnPortgroup[]>();
  for (const vm of cluster.vms) {
    const windowsNode = windowsNodeOf(vm, cluster.windowsNodes)?.name;
    for (const networkName of new Set(vm.networkNames)) {
      const use: VmOnPortgroup = { namespace: vm.namespace, name: vm.name, windowsNode, networkName };
      const matches = byName.get(portgroupNameOf(networkName)) ?? [];
      if (matches.length === 0) unknown.set(networkName, [...(unknown.get(networkName) ?? []), use]);
      for (const pg of matches) uses.set(pg.moid, [...(uses.get(pg.moid) ?? []), use]);
    }
  }

  const asked = new Set<string>();
  const unknownAsked: UnknownNetwork[] = [];
  for (const networkName of requested) {
    const matches = byName.get(portgroupNameOf(networkName)) ?? [];
    if (matches.length === 0) unknownAsked.push({ networkName, vms: [], requested: true });
    for (const pg of matches) asked.add(pg.moid);
  }

  if (cluster.vms.length === 0) {
    return {
      basis: 'allPortgroups',
      inScope: candidates.map((portgroup) => ({
        portgroup,
        vms: [],
        windows: false,
        ambiguous: (byName.get(portgroup.name)?.length ?? 0) > 1,
        requested: asked.has(portgroup.moid),
      })),
      unknown: unknownAsked,
      others: [],
    };
  }
  const inScope: PortgroupInScope[] = [];
  const others: PortgroupRecord[] = [];
  for (const pg of inventory.portgroups) {
    const vms = uses.get(pg.moid);
    if (!vms && !asked.has(pg.moid)) {
      if (candidates.includes(pg)) others.push(pg);
      continue;
    }
    inScope.push({
      portgroup: pg,
      vms: vms ?? [],
      windows: (vms ?? []).some((v) => v.windowsNode !== undefined),
      ambiguous: (byName.get(pg.name)?.length ?? 0) > 1,
      requested: asked.has(pg.moid),
    });
  }
  return {
    basis: 'clusterVms',
    inScope,
    unknown: [
      ...[...unknown.entries()].map(([networkName, vms]) => ({ networkName, vms, requested: false })),
      ...unknownAsked.filter((u) => !unknown.has(u.networkName)),
    ],
    others,
  };
}
