import type { Subject } from '../finding.js';
import type { PoolAnalysis } from './analysis.js';
import type { AddressRecord, ClaimRecord, VSphereVMRecord } from './types.js';

/** What each IPAM finding is about (the subject a screen keys its cursor on). */

export function vmSubject(vm: VSphereVMRecord): Subject {
  return { kind: 'VSphereVM', namespace: vm.namespace, name: vm.name };
}

export function claimSubject(claim: ClaimRecord): Subject {
  return { kind: 'IPAddressClaim', namespace: claim.namespace, name: claim.name };
}

export function addressSubject(address: AddressRecord): Subject {
  return { kind: 'IPAddress', namespace: address.namespace, name: address.name };
}

export function poolSubject(pool: PoolAnalysis): Subject {
  const p = pool.pool;
  return p.namespace
    ? { kind: p.kind, namespace: p.namespace, name: p.name }
    : { kind: p.kind, name: p.name };
}
