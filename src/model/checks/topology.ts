import type { CheckDefinition } from './types.js';

/**
 * Checks of the topology probe, codes TOPO-NNN. Append only: a code, once released, keeps its
 * meaning forever (test/model/checks.test.ts pins them).
 * 0xx node labels and spread · 1xx CSI · 2xx Cluster API failure domains · 3xx live signals.
 */
export const topologyChecks = {
  'TOPO-001': {
    probe: 'topology',
    title: 'Node topology in order',
    severity: 'pass',
    description:
      'The node carries consistent region/zone labels inside the expected set, its CSI registration and Machine agree, and the watch saw no flapping or address change.',
    remedy: 'Nothing to do.',
  },
  'TOPO-002': {
    probe: 'topology',
    title: 'Node without region/zone labels',
    severity: 'fail',
    description:
      'The cluster uses zones (other nodes carry zone labels, [topology] lists zones, or CAPV failure domains exist) but this node has no region or zone label: the vSphere CPI found no tag of the configured categories on the VM ancestors, so zonal volumes cannot be placed on it.',
    remedy:
      'Attach the region tag to the datacenter and the zone tag to the compute cluster (or host) the VM runs on, with the categories given to CPI/CSI (VSPHERE_REGION/VSPHERE_ZONE, e.g. k8s-region/k8s-zone); the CPI labels the node on its next sync.',
  },
  'TOPO-003': {
    probe: 'topology',
    title: 'Legacy and current topology labels disagree',
    severity: 'fail',
    description:
      'topology.kubernetes.io/*, failure-domain.beta.kubernetes.io/* and topology.csi.vmware.com/* name different regions or zones for the same node; schedulers and CSI read different keys and place pods and volumes inconsistently.',
    remedy:
      'Find which label is stale (usually a hand-set or pre-upgrade legacy label): remove it with `kubectl label node NODE KEY-` and let the CPI/CSI set it again from the vSphere tags.',
  },
  'TOPO-004': {
    probe: 'topology',
    title: 'Region or zone outside the expected set',
    severity: 'fail',
    description:
      'The node is labelled with a region or zone that the [topology] section of the config does not list.',
    remedy:
      'Check the vSphere tags on the VM ancestors (a wrong or extra tag in the zone category), or add the zone to [topology] zones if it is new on purpose.',
  },
  'TOPO-005': {
    probe: 'topology',
    title: 'Control-plane spread across zones',
    severity: 'warn',
    description:
      'Control-plane nodes should sit in as many different zones as exist (up to their count); all in one zone means losing that zone loses the control plane.',
    remedy:
      'Mark several VSphereDeploymentZones with controlPlane: true and let the control plane roll out across them (VSPHERE_AZ_CONTROL_PLANE_MATCHING_LABELS in TKG).',
  },
  'TOPO-006': {
    probe: 'topology',
    title: 'Worker distribution across zones',
    severity: 'info',
    description:
      'Worker node counts per zone; reported as info when the busiest and the emptiest zone differ by more than one node.',
    remedy:
      'Spread MachineDeployments over the zones (one per VSPHERE_AZ_n / failureDomain) or scale them evenly.',
  },
  'TOPO-101': {
    probe: 'topology',
    title: 'vSphere CSI not registered with topology keys',
    severity: 'fail',
    description:
      'Nodes carry zone labels but the csi.vsphere.vmware.com entry of this CSINode is missing, has no topologyKeys, or lists keys the node has no label for: topology-aware volume provisioning cannot work on this node.',
    remedy:
      'Enable topology in the vSphere CSI config (`[Labels] region/zone`, or `topology-categories` for improved topology) and restart the vsphere-csi-node pod on the node so it re-registers.',
  },
  'TOPO-201': {
    probe: 'topology',
    title: "Machine's failure domain disagrees with its node's zone",
    severity: 'fail',
    description:
      "The Machine's spec.failureDomain (a VSphereDeploymentZone → VSphereFailureDomain → zone tag) names a different zone or region than the labels of the node it became.",
    remedy:
      'Check the tags on the compute cluster/host of the failure domain (`govc tags.attached.ls`) and the VSphereFailureDomain spec.zone.name; a VM placed outside its failure domain needs its Machine deleted so it is recreated in the right place.',
  },
  'TOPO-202': {
    probe: 'topology',
    title: 'VSphereDeploymentZone not ready',
    severity: 'fail',
    description:
      'CAPV reports the deployment zone as not ready (status.ready false); VSphereClusters ignore it, so Machines meant for it are not placed.',
    remedy:
      'Read the reason in its conditions; check vCenter reachability, the placement constraint (resource pool, folder) and the failure domain; logs: capv-system/capv-controller-manager.',
  },
  'TOPO-203': {
    probe: 'topology',
    title: 'VSphereFailureDomain failed validation',
    severity: 'fail',
    description:
      'The VSphereFailureDomainValidated (v1beta2: FailureDomainValidated) condition is False: a region or zone tag/category, compute cluster, host group, network or datastore the failure domain names does not exist or is not attached.',
    remedy:
      'Fix what the reason names: create or attach the tag in the category (every object of the given type must carry it), or correct the compute cluster, datastore or network name in the VSphereFailureDomain.',
  },
  'TOPO-301': {
    probe: 'topology',
    title: 'Node flapping between Ready and NotReady',
    severity: 'warn',
    description:
      'The watch saw the Ready condition flip repeatedly within the session window. On Windows and multi-OS clusters the vendor docs name the cause: the distributed portgroup allows Promiscuous mode.',
    remedy:
      'Check the kubelet and network of the node; on Windows nodes set Promiscuous mode, MAC address changes and Forged transmits to Reject on the distributed portgroup (see the portgroup security probe).',
  },
  'TOPO-302': {
    probe: 'topology',
    title: 'Node InternalIP changed',
    severity: 'warn',
    description:
      "The node's InternalIP changed during the session: its DHCP lease is not reserved (or expired), so certificates, etcd peers and kube-vip may point at a dead address.",
    remedy:
      'Reserve the DHCP lease for the node MAC address, or move the cluster to node IPAM (InClusterIPPool) so addresses never change.',
  },
} as const satisfies Record<`TOPO-${string}`, CheckDefinition>;
