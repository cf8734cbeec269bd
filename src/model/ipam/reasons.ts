/** CAPV and IPAM provider reasons, in plain words. */
const REASONS: Readonly<Record<string, string>> = {
  IPAddressClaimsBeingCreated:
    'CAPV is still creating the IPAddressClaims for the addressesFromPools of this VM',
  WaitingForIPAddress:
    'the claims exist but the IPAM provider has not bound an IPAddress to every one of them yet (a missing or exhausted pool, or the provider is not running)',
  IPAddressClaimNotFound:
    'CAPV could not create or update an IPAddressClaim (the reason name is misleading: CAPV uses it for any create/patch error; the message carries the API error)',
  IPAddressInvalid: 'an IPAddress bound to a claim is not usable (address, prefix or gateway invalid)',
  NotFulfilled: 'at least one IPAddressClaim failed (the message carries the errors)',
  PoolExhausted: 'the pool has no free address left',
  AllocationFailed: 'the IPAM provider failed to allocate an address',
  PoolNotReady: 'the pool is not ready (the provider has not reconciled it, or its spec is invalid)',
};

export function explainReason(reason: string | undefined): string {
  if (!reason) return 'no reason given';
  return REASONS[reason] ?? `reason ${reason} (not one airgap-top knows; read the message)`;
}
