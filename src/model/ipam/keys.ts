import type { IpAddr } from './ip.js';
import {
  type AddressRecord,
  type ClaimRecord,
  IPAM_GROUP,
  isPoolKind,
  type OwnerRef,
  type PoolRecord,
  type PoolRef,
  type VSphereVMRecord,
} from './types.js';

/**
 * The keys that join IPAM records (pool keys, `namespace/name`, owner names, the claims CAPV
 * creates), and `RecordKeys`, which builds them once per record object.
 */

export function addrKey(addr: IpAddr): string {
  return `${addr.family}:${addr.value}`;
}

export function poolKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${kind === 'GlobalInClusterIPPool' ? '' : (namespace ?? '')}/${name}`;
}

/** Whether a poolRef names a pool this probe reads (in-cluster provider kinds of the IPAM group). */
export function isOurPoolRef(ref: PoolRef): boolean {
  return (
    isPoolKind(ref.kind) && (ref.apiGroup === undefined || ref.apiGroup === '' || ref.apiGroup === IPAM_GROUP)
  );
}

/** Claim and address names as CAPV builds them. */
export function claimNameFor(vmName: string, deviceIndex: number, poolIndex: number): string {
  return `${vmName}-${deviceIndex}-${poolIndex}`;
}

export interface AddressKeys {
  readonly pool: string;
  readonly name: string;
  readonly claimRef?: string;
  readonly value?: string;
}

export interface ClaimKeys {
  readonly name: string;
  readonly pool: string;
  readonly owners: readonly string[];
  readonly addressRef?: string;
}

/** A claim CAPV creates for a VM: one per addressesFromPools entry of each device. */
export interface ExpectedClaim {
  readonly deviceIndex: number;
  readonly poolIndex: number;
  readonly networkName: string;
  readonly poolRef: PoolRef;
  readonly poolKey: string;
  readonly claimName: string;
  readonly claimKey: string;
}

/**
 * Map keys built once per record: a watch event leaves most records (and so their key strings, with
 * V8's cached hashes) untouched, so rebuilding the indexes costs lookups, not string building.
 * One instance per analyzer (so per session): nothing is shared between sessions.
 */
export class RecordKeys {
  private readonly addresses = new WeakMap<AddressRecord, AddressKeys>();
  private readonly claims = new WeakMap<ClaimRecord, ClaimKeys>();
  private readonly names = new WeakMap<object, string>();
  private readonly pools = new WeakMap<PoolRecord, string>();
  private readonly owners = new WeakMap<object, Map<string, string>>();
  private readonly expected = new WeakMap<VSphereVMRecord, readonly ExpectedClaim[]>();

  constructor(private readonly parse: (address: AddressRecord) => IpAddr | undefined) {}

  address(a: AddressRecord): AddressKeys {
    let keys = this.addresses.get(a);
    if (!keys) {
      const parsed = this.parse(a);
      keys = {
        pool: poolKey(a.poolRef.kind, a.namespace, a.poolRef.name),
        name: `${a.namespace}/${a.name}`,
        claimRef: a.claimName ? `${a.namespace}/${a.claimName}` : undefined,
        value: parsed ? addrKey(parsed) : undefined,
      };
      this.addresses.set(a, keys);
    }
    return keys;
  }

  claim(c: ClaimRecord): ClaimKeys {
    let keys = this.claims.get(c);
    if (!keys) {
      keys = {
        name: `${c.namespace}/${c.name}`,
        pool: poolKey(c.poolRef.kind, c.namespace, c.poolRef.name),
        owners: c.owners.filter((o) => o.kind === 'VSphereVM').map((o) => `${c.namespace}/${o.name}`),
        addressRef: c.addressName ? `${c.namespace}/${c.addressName}` : undefined,
      };
      this.claims.set(c, keys);
    }
    return keys;
  }

  /** `namespace/name` of a record. */
  name(o: { namespace?: string; name: string }): string {
    let key = this.names.get(o);
    if (key === undefined) {
      key = `${o.namespace ?? ''}/${o.name}`;
      this.names.set(o, key);
    }
    return key;
  }

  pool(pool: PoolRecord): string {
    let key = this.pools.get(pool);
    if (key === undefined) {
      key = poolKey(pool.kind, pool.namespace, pool.name);
      this.pools.set(pool, key);
    }
    return key;
  }

  /** `namespace/name` of the owner of that kind, or of the same name (CAPV's naming). */
  owner(record: { namespace: string; name: string; owners: readonly OwnerRef[] }, kind: string): string {
    let byKind = this.owners.get(record);
    if (!byKind) {
      byKind = new Map();
      this.owners.set(record, byKind);
    }
    let key = byKind.get(kind);
    if (key === undefined) {
      key = `${record.namespace}/${record.owners.find((o) => o.kind === kind)?.name ?? record.name}`;
      byKind.set(kind, key);
    }
    return key;
  }

  /** The claims CAPV creates for a VM: one per addressesFromPools entry of each device. */
  expectedClaims(vm: VSphereVMRecord): readonly ExpectedClaim[] {
    let expected = this.expected.get(vm);
    if (!expected) {
      const list: ExpectedClaim[] = [];
      vm.devices.forEach((device, deviceIndex) => {
        device.addressesFromPools.forEach((poolRef, poolIndex) => {
          const claimName = claimNameFor(vm.name, deviceIndex, poolIndex);
          list.push({
            deviceIndex,
            poolIndex,
            networkName: device.networkName,
            poolRef,
            poolKey: poolKey(poolRef.kind, vm.namespace, poolRef.name),
            claimName,
            claimKey: `${vm.namespace}/${claimName}`,
          });
        });
      });
      expected = list;
      this.expected.set(vm, expected);
    }
    return expected;
  }
}
