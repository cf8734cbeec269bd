import { makeFinding } from '../checks/index.js';
import type { Finding } from '../finding.js';
import type { IpamAnalysis } from './analysis.js';
import { type IpAddr, setContains } from './ip.js';
import { addressSubject } from './subjects.js';
import { type AddressRecord, poolLabel } from './types.js';

/** The checks of IPAddresses: one address held twice, and addresses outside their pool. */

export function evaluateAddresses(
  analysis: IpamAnalysis,
  parsedAddress: (address: AddressRecord) => IpAddr | undefined,
  out: Finding[],
): void {
  // IPAddress → claim (named like it) → VSphereVM, for the drill-down chain.
  const vmByClaim = new Map<string, string>();
  for (const [claim, vm] of analysis.vmOfClaim)
    vmByClaim.set(`${claim.namespace}/${claim.name}`, `${vm.namespace}/${vm.name}`);
  const vmOf = (a: AddressRecord) =>
    a.claimName ? vmByClaim.get(`${a.namespace}/${a.claimName}`) : undefined;
  for (const [key, holders] of analysis.duplicates) {
    for (const address of holders) {
      const others = holders.filter((h) => h !== address);
      out.push(
        makeFinding('IPAM-201', {
          subject: addressSubject(address),
          detail: `${address.address} is also held by ${others.map((o) => `IPAddress ${o.namespace}/${o.name} (pool ${o.poolRef.name})`).join(', ')}.`,
          evidence: {
            address: address.address,
            key,
            holders: holders.map((h) => ({
              vsphereVM: vmOf(h),
              ipAddress: `${h.namespace}/${h.name}`,
              claim: h.claimName,
              pool: `${h.poolRef.kind}/${h.poolRef.name}`,
            })),
          },
        }),
      );
    }
  }
  for (const pool of analysis.pools) {
    if (!pool.space) continue;
    for (const address of pool.outOfRange) {
      const parsed = parsedAddress(address);
      const why = !parsed
        ? 'it is not a valid IP address'
        : parsed.family !== pool.space.family
          ? `it is IPv${parsed.family} and the pool IPv${pool.space.family}`
          : pool.space.gateway?.value === parsed.value
            ? "it is the pool's gateway"
            : setContains(pool.space.excluded, parsed)
              ? 'it is in excludedAddresses'
              : pool.space.reserved.includes(parsed.value)
                ? 'it is a reserved (network/broadcast) address'
                : "it is no longer in the pool's addresses";
      out.push(
        makeFinding('IPAM-202', {
          subject: addressSubject(address),
          detail: `${address.address} was allocated from ${poolLabel(pool.pool)}, but ${why}.`,
          evidence: {
            vsphereVM: vmOf(address),
            address: address.address,
            claim: address.claimName,
            pool: poolLabel(pool.pool),
            poolAddresses: pool.pool.addresses,
            excludedAddresses: pool.pool.excludedAddresses,
          },
        }),
      );
    }
  }
}
