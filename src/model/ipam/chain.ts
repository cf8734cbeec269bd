import type { ChainLink, ChainState, IpamAnalysis, MachineChain, PoolLookup } from './analysis.js';
import type { RecordKeys } from './keys.js';
import type { AddressRecord, ClaimRecord, IpamData, PoolRef, VSphereVMRecord } from './types.js';

/**
 * The chain of each VSphereVM: device → pool entry → IPAddressClaim → IPAddress → pool, and the
 * VM's VSphereMachine → Machine → Cluster above it.
 */

export interface VmChains {
  readonly chains: ChainLink[];
  readonly chainsByVm: Map<VSphereVMRecord, ChainLink[]>;
  readonly vmOfClaim: Map<ClaimRecord, VSphereVMRecord>;
}

export interface ChainIndexes {
  readonly keys: RecordKeys;
  readonly addressByClaim: ReadonlyMap<ClaimRecord, AddressRecord | undefined>;
  readonly duplicates: ReadonlyMap<string, readonly AddressRecord[]>;
  readonly claimPool: (claim: ClaimRecord) => PoolLookup;
  readonly lookupPool: (ref: PoolRef, key: string) => PoolLookup;
}

export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const existing = map.get(key);
  if (existing) existing.push(value);
  else map.set(key, [value]);
}

export function buildVmChains(data: IpamData, indexes: ChainIndexes): VmChains {
  const { keys, addressByClaim, duplicates, claimPool, lookupPool } = indexes;
  const claimsByName = new Map<string, ClaimRecord>();
  const claimsByOwner = new Map<string, ClaimRecord[]>();
  for (const claim of data.claims) {
    const claimKeys = keys.claim(claim);
    claimsByName.set(claimKeys.name, claim);
    for (const owner of claimKeys.owners) pushTo(claimsByOwner, owner, claim);
  }

  const chains: ChainLink[] = [];
  const chainsByVm = new Map<VSphereVMRecord, ChainLink[]>();
  const vmOfClaim = new Map<ClaimRecord, VSphereVMRecord>();
  for (const vm of data.vsphereVMs) {
    const links: ChainLink[] = [];
    const owned = claimsByOwner.get(keys.name(vm));
    for (const expected of keys.expectedClaims(vm)) {
      const { deviceIndex, poolIndex, claimName, networkName } = expected;
      const poolRef = expected.poolRef;
      const claim = owned?.find((c) => c.name === claimName) ?? claimsByName.get(expected.claimKey);
      if (claim) vmOfClaim.set(claim, vm);
      const lookup = claim ? claimPool(claim) : lookupPool(poolRef, expected.poolKey);
      const pool = lookup.found ? lookup.pool : undefined;
      const address = claim ? addressByClaim.get(claim) : undefined;
      let state: ChainState;
      if (!lookup.found && lookup.ours) state = 'pool-missing';
      else if (!claim) state = 'no-claim';
      else if (!claim.addressName && !address) state = 'pending';
      else if (!address) state = 'address-missing';
      else {
        const value = keys.address(address).value;
        if (value && duplicates.has(value)) state = 'duplicate';
        else if (pool?.outOfRange.includes(address)) state = 'out-of-range';
        else if (!lookup.found) state = 'other-provider';
        else state = 'bound';
      }
      links.push({
        vm,
        deviceIndex,
        poolIndex,
        networkName,
        poolRef: claim?.poolRef ?? poolRef,
        claimName,
        claim,
        address,
        pool,
        state,
      });
    }
    for (const claim of owned ?? []) vmOfClaim.set(claim, vm);
    chainsByVm.set(vm, links);
    chains.push(...links);
  }
  return { chains, chainsByVm, vmOfClaim };
}

/** VSphereVM → VSphereMachine → Machine → Cluster, looked up on demand and remembered per VM. */
export function machineChains(data: IpamData, keys: RecordKeys): (vm: VSphereVMRecord) => MachineChain {
  const vsphereMachines = new Map(data.vsphereMachines.map((m) => [keys.name(m), m]));
  const machines = new Map(data.machines.map((m) => [keys.name(m), m]));
  const clusters = new Map(data.clusters.map((c) => [keys.name(c), c]));
  const found = new Map<VSphereVMRecord, MachineChain>();
  return (vm: VSphereVMRecord): MachineChain => {
    let chain = found.get(vm);
    if (!chain) {
      // CAPV names the VSphereVM like its VSphereMachine (and the Machine); fall back on the name.
      const vsphereMachine = vsphereMachines.get(keys.owner(vm, 'VSphereMachine'));
      const machine = machines.get(
        vsphereMachine ? keys.owner(vsphereMachine, 'Machine') : keys.owner(vm, 'Machine'),
      );
      const clusterName = machine?.clusterName ?? vsphereMachine?.clusterName ?? vm.clusterName;
      const cluster = clusterName ? clusters.get(`${vm.namespace}/${clusterName}`) : undefined;
      chain = { vsphereMachine, machine, cluster };
      found.set(vm, chain);
    }
    return chain;
  };
}

/** What a VM's findings and chain rows are computed from, for reuse across watch events. */
export function chainDeps(analysis: IpamAnalysis, vm: VSphereVMRecord): unknown[] {
  const { vsphereMachine, machine, cluster } = analysis.machineOf(vm);
  const deps: unknown[] = [vm, vsphereMachine, machine, cluster];
  for (const link of analysis.chainsByVm.get(vm) ?? []) {
    deps.push(link.claim, link.address, link.pool?.pool, link.pool?.next, link.state);
  }
  return deps;
}

export function sameDeps(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
