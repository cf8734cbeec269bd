import type { CheckDefinition } from './types.js';

const LOGS =
  'Logs: kubectl logs -n capv-system deploy/capv-controller-manager; kubectl logs -n caip-in-cluster-system deploy/capi-in-cluster-controller-manager.';

/**
 * Checks of the ipam probe, codes IPAM-NNN. Append only: a code, once released, keeps its
 * meaning forever (test/model/checks.test.ts pins them). 0xx: VSphereVMs and their claims;
 * 1xx: pools; 2xx: IPAddresses; 3xx: the cluster's control-plane endpoint.
 */
export const ipamChecks = {
  'IPAM-001': {
    probe: 'ipam',
    title: 'VM node IPs claimed and bound',
    severity: 'pass',
    description:
      'A VSphereVM that takes addresses from pools has every IPAddressClaim bound to an IPAddress of an existing pool, and nameservers on those devices.',
    remedy: 'Nothing to do.',
  },
  'IPAM-002': {
    probe: 'ipam',
    title: 'VM IP address claim condition is False',
    severity: 'fail',
    description:
      'IPAddressClaimed (status.conditions, or status.deprecated.v1beta1.conditions in the v1beta2 API) or IPAddressClaimsFulfilled (status.v1beta2.conditions, or status.conditions in v1beta2) is False: CAPV will not clone the VM until every claim is bound. Info during a grace period ([ipam] grace_minutes, default 10), fail after.',
    remedy: `Follow the chain to the claim that is not bound: a missing pool, an exhausted pool, or a claim create error in the condition message. ${LOGS}`,
  },
  'IPAM-003': {
    probe: 'ipam',
    title: 'IP address claim pending (no addressRef)',
    severity: 'warn',
    description:
      'The IPAddressClaim has no status.addressRef yet. The in-cluster provider sets no condition when it cannot allocate, so an empty addressRef is the only sign. Info during a grace period ([ipam] grace_minutes, default 10), warn after.',
    remedy: `Check the pool it points at (exists? free addresses?) and the provider's log. ${LOGS}`,
  },
  'IPAM-004': {
    probe: 'ipam',
    title: 'IP address claim points at a pool that does not exist',
    severity: 'fail',
    description:
      "The claim's spec.poolRef names an InClusterIPPool (in the claim's namespace) or GlobalInClusterIPPool that is not there: no address will ever be allocated.",
    remedy:
      'Create the pool, or fix addressesFromPools in the VSphereMachineTemplate / cluster variables (kind and name are case-sensitive; InClusterIPPool must be in the cluster namespace).',
  },
  'IPAM-005': {
    probe: 'ipam',
    title: 'Device takes addresses from pools but has no nameservers',
    severity: 'fail',
    description:
      'A VSphereVM network device uses addressesFromPools without nameservers. With node IPAM there is no DHCP to provide them, so the node cannot resolve names (vCenter, the registry).',
    remedy:
      'Set CONTROL_PLANE_NODE_NAMESERVERS and WORKER_NODE_NAMESERVERS (or the controlplane/worker network.nameservers variables) and roll the machines.',
  },
  'IPAM-006': {
    probe: 'ipam',
    title: "IP address claim's addressRef points at a missing IPAddress",
    severity: 'fail',
    description:
      'status.addressRef.name of the claim names an IPAddress that does not exist in its namespace.',
    remedy: `The provider recreates addresses for bound claims only on reconcile; check its log. ${LOGS}`,
  },
  'IPAM-007': {
    probe: 'ipam',
    title: "IP address held in the pool's reuse grace period",
    severity: 'info',
    description:
      'The IPAddressClaim is being deleted (a machine went away, e.g. in a rolling upgrade) and its pool sets spec.addressReuseGracePeriodSeconds: the in-cluster provider keeps the IPAddress, still counted as used, until deletionTimestamp + the grace, then frees it. The finding gives the release time, so an exhausted pool is known to be exhausted only until then.',
    remedy:
      'Nothing to do: the address is freed at the release time. If machines wait on the exhausted pool (IPAM-102) and cannot wait that long, add addresses to the pool.',
  },
  'IPAM-008': {
    probe: 'ipam',
    title: 'IP address claim stuck deleting, its address not released',
    severity: 'warn',
    description:
      "The IPAddressClaim is being deleted and its IPAddress still exists after the pool's reuse grace (0 when addressReuseGracePeriodSeconds is unset, 0, or the pool is being deleted): the in-cluster provider has not freed the address nor removed the claim's finalizer ipam.cluster.x-k8s.io/ReleaseAddress, so the address stays used for good. Info during a grace period after the release time ([ipam] grace_minutes, default 10), warn after.",
    remedy: `Make the in-cluster provider run and read its log for this claim; it deletes the IPAddress and removes the finalizer ipam.cluster.x-k8s.io/ReleaseAddress. Only as a last resort, once the machine is gone, remove that finalizer from the claim and delete the IPAddress (removing its finalizer ipam.cluster.x-k8s.io/ProtectAddress), or the address stays used. ${LOGS}`,
  },
  'IPAM-101': {
    probe: 'ipam',
    title: 'Pool healthy',
    severity: 'pass',
    description:
      'The pool parses, its gateway is in its prefix, it overlaps no other pool and has free addresses.',
    remedy: 'Nothing to do.',
  },
  'IPAM-102': {
    probe: 'ipam',
    title: 'Pool exhausted while claims wait',
    severity: 'fail',
    description:
      'The pool has no free address (computed from its ranges and IPAddresses) and claims on it have no addressRef: those machines will not be created. The provider only requeues ("no address available"). When deleting claims hold some of the used addresses, the finding says how many and when the first is freed (reuse grace, IPAM-007) or that they are overdue (IPAM-008).',
    remedy:
      'Add addresses to spec.addresses (never remove allocated ones), or scale down; check for leaked IPAddresses of deleted machines.',
  },
  'IPAM-103': {
    probe: 'ipam',
    title: 'Pool almost full',
    severity: 'warn',
    description:
      'Fewer than 10% of the allocatable addresses are free: a scale-out or a rolling upgrade (which needs surge machines) may stall. Addresses held by deleting claims are counted as used, as the provider does; the finding says how many and when the first is freed.',
    remedy: 'Add addresses to spec.addresses before the next upgrade.',
  },
  'IPAM-104': {
    probe: 'ipam',
    title: 'Pools overlap',
    severity: 'fail',
    description:
      'Two pools of the same family share allocatable addresses. Neither TKG nor the provider checks this; each pool only knows its own IPAddresses, so both can hand out the same address to two nodes.',
    remedy:
      'Make the ranges disjoint: shrink the pool that allocated nothing in the overlap, or add the overlap to excludedAddresses of one of them.',
  },
  'IPAM-105': {
    probe: 'ipam',
    title: "Gateway outside the pool's prefix",
    severity: 'fail',
    description:
      'The pool gateway is not inside the subnet formed by its first address and spec.prefix (the webhook does not check this): nodes get a default route they cannot reach.',
    remedy:
      'Fix spec.gateway or spec.prefix; machines already created keep the wrong route until they are replaced.',
  },
  'IPAM-106': {
    probe: 'ipam',
    title: 'Gateway inside an allocatable range',
    severity: 'fail',
    description:
      "The pool's gateway lies in the allocatable range of another pool, or an IPAddress holds it: a node would take the router's address. (A pool's own gateway is skipped by the provider.)",
    remedy: "Add the gateway to the other pool's excludedAddresses, or shrink its range.",
  },
  'IPAM-107': {
    probe: 'ipam',
    title: "Provider's pool status differs from the computed count",
    severity: 'info',
    description:
      'status.ipAddresses (total/used/free) written by the provider differs from what airgap-top computes from the ranges and IPAddresses: the status is stale or the provider is not reconciling.',
    remedy: `Trust the computed numbers; if it persists, check that the provider runs. ${LOGS}`,
  },
  'IPAM-108': {
    probe: 'ipam',
    title: 'Pool spec invalid',
    severity: 'fail',
    description:
      'The pool spec does not parse (bad address, mixed IPv4/IPv6, missing prefix) or has addresses outside the subnet of its first address; the provider cannot allocate from it reliably.',
    remedy:
      'Fix the pool spec; the in-cluster provider webhook refuses such pools on create, so check how it got in.',
  },
  'IPAM-201': {
    probe: 'ipam',
    title: 'Same address held by two IPAddress objects',
    severity: 'fail',
    description:
      'Two IPAddress objects carry the same address: two nodes will answer ARP for it. Usually overlapping pools, or an old provider that counted Global pool usage per namespace.',
    remedy: 'Make the pools disjoint, then delete one of the machines so it gets a new address.',
  },
  'IPAM-202': {
    probe: 'ipam',
    title: "Allocated address outside its pool's current ranges",
    severity: 'fail',
    description:
      "An IPAddress of a pool is no longer in that pool's allocatable addresses: it was removed or excluded while allocated. The docs say never to do this; the address may be handed out again elsewhere.",
    remedy: 'Put the address back into spec.addresses (or out of excludedAddresses), or replace the machine.',
  },
  'IPAM-301': {
    probe: 'ipam',
    title: 'Control-plane endpoint inside a node pool range',
    severity: 'fail',
    description:
      "Cluster.spec.controlPlaneEndpoint.host (or the address it resolves to) is allocatable in a node IPAM pool: node IPAM does not allocate the endpoint, so a node may get the API server's VIP.",
    remedy: "Add the endpoint address to the pool's excludedAddresses, or move it out of the pool's ranges.",
  },
  'IPAM-302': {
    probe: 'ipam',
    title: 'Control-plane endpoint FQDN does not resolve',
    severity: 'warn',
    description:
      'Cluster.spec.controlPlaneEndpoint.host is a name that does not resolve from here. With NSX ALB and an FQDN endpoint, a DNS A record for the VIP is required.',
    remedy:
      'Create the DNS A record for the address NSX ALB gave the control plane, then test a kubeconfig that uses the FQDN.',
  },
  'IPAM-303': {
    probe: 'ipam',
    title: 'Control-plane endpoint clear of node pools',
    severity: 'pass',
    description: 'The control-plane endpoint resolves (or is an address) and lies in no node pool range.',
    remedy: 'Nothing to do.',
  },
} as const satisfies Record<`IPAM-${string}`, CheckDefinition>;
