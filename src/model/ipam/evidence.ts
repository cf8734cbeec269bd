import type { ChainLink, IpamAnalysis, PoolAnalysis } from './analysis.js';
import { formatCount } from './ip.js';
import type { AddressRecord, VSphereVMRecord } from './types.js';

/** The evidence fields IPAM findings share: chain steps, pool numbers, address text. */

export function addressText(address: AddressRecord | undefined): string | undefined {
  if (!address) return undefined;
  return address.prefix !== undefined ? `${address.address}/${address.prefix}` : address.address;
}

/** One step of the chain, as evidence for drill-down. */
export function linkEvidence(link: ChainLink): Record<string, unknown> {
  return {
    device: link.deviceIndex,
    network: link.networkName,
    claim: link.claimName,
    address: addressText(link.address),
    addressObject: link.address?.name,
    gateway: link.address?.gateway,
    pool: `${link.poolRef.kind}/${link.poolRef.name}`,
    state: link.state,
  };
}

export function vmChainEvidence(analysis: IpamAnalysis, vm: VSphereVMRecord): Record<string, unknown> {
  const { machine, cluster } = analysis.machineOf(vm);
  return {
    cluster: cluster?.name ?? vm.clusterName,
    machine: machine?.name,
    node: machine?.nodeName,
    vsphereVM: `${vm.namespace}/${vm.name}`,
    chain: (analysis.chainsByVm.get(vm) ?? []).map(linkEvidence),
  };
}

export function poolNumbers(pool: PoolAnalysis): Record<string, unknown> {
  return {
    total: formatCount(pool.total),
    used: pool.used,
    free: formatCount(pool.free),
    next: pool.next ?? null,
  };
}
