/**
 * Slim records of the topology probe: only the labels, conditions and references the checks and the
 * drill-down need. Other probes may join on `NodeRecord` (e.g. Windows nodes for portgroup security).
 */

/** Label keys the topology checks read (FORMATS.md §5). */
export const LABELS = {
  region: 'topology.kubernetes.io/region',
  zone: 'topology.kubernetes.io/zone',
  legacyRegion: 'failure-domain.beta.kubernetes.io/region',
  legacyZone: 'failure-domain.beta.kubernetes.io/zone',
  /** vSphere CSI ≥2.4 "improved topology": `topology.csi.vmware.com/<vCenter tag category>`. */
  csiPrefix: 'topology.csi.vmware.com/',
  os: 'kubernetes.io/os',
  betaOs: 'beta.kubernetes.io/os',
  controlPlane: 'node-role.kubernetes.io/control-plane',
  master: 'node-role.kubernetes.io/master',
  clusterName: 'cluster.x-k8s.io/cluster-name',
  machineControlPlane: 'cluster.x-k8s.io/control-plane',
} as const;

export const VSPHERE_CSI_DRIVER = 'csi.vsphere.vmware.com';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** A condition from CAPI v1beta1 (`severity`) or metav1 shapes. */
export interface ConditionRecord {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason?: string;
  readonly message?: string;
  readonly severity?: string;
  readonly lastTransitionTime?: string;
}

export type NodeRole = 'control-plane' | 'worker';

export interface NodeRecord {
  readonly uid: string;
  readonly name: string;
  /** Only the topology, OS and role labels (see `LABELS`), never every label. */
  readonly labels: Readonly<Record<string, string>>;
  readonly role: NodeRole;
  /** `kubernetes.io/os`, else `status.nodeInfo.operatingSystem`. */
  readonly os?: string;
  /** Status of the `Ready` condition; undefined when the kubelet never posted one. */
  readonly ready?: ConditionStatus;
  readonly readyReason?: string;
  readonly readyMessage?: string;
  /** `lastTransitionTime` of the Ready condition. */
  readonly readySince?: string;
  readonly internalIPs: readonly string[];
  readonly externalIPs: readonly string[];
  readonly hostname?: string;
  readonly createdAt?: string;
}

export interface CsiDriverRecord {
  readonly name: string;
  readonly nodeID?: string;
  readonly topologyKeys: readonly string[];
}

export interface CsiNodeRecord {
  readonly name: string;
  readonly drivers: readonly CsiDriverRecord[];
}

/** A CAPI `Machine` (cluster.x-k8s.io, v1beta1 or v1beta2). */
export interface MachineRecord {
  readonly namespace: string;
  readonly name: string;
  readonly clusterName?: string;
  readonly controlPlane: boolean;
  /** A VSphereDeploymentZone name with CAPV multi-AZ. */
  readonly failureDomain?: string;
  readonly nodeName?: string;
  readonly phase?: string;
}

/** CAPV `VSphereDeploymentZone` (cluster-scoped). */
export interface DeploymentZoneRecord {
  readonly name: string;
  readonly server?: string;
  /** Name of the VSphereFailureDomain it uses. */
  readonly failureDomain?: string;
  readonly controlPlane?: boolean;
  readonly ready?: boolean;
  /** From every place CAPV writes them: status.conditions, status.v1beta2.conditions, status.deprecated.v1beta1.conditions. */
  readonly conditions: readonly ConditionRecord[];
}

export interface FailureDomainLevel {
  /** The vCenter tag name, e.g. `zone-a`: what the node label carries. */
  readonly name?: string;
  /** Datacenter | ComputeCluster | HostGroup. */
  readonly type?: string;
  /** The vCenter tag category, e.g. `k8s-zone`. */
  readonly tagCategory?: string;
}

/** CAPV `VSphereFailureDomain` (cluster-scoped). */
export interface FailureDomainRecord {
  readonly name: string;
  readonly region: FailureDomainLevel;
  readonly zone: FailureDomainLevel;
  readonly datacenter?: string;
  readonly computeCluster?: string;
  readonly conditions: readonly ConditionRecord[];
}

/** One change of a node's Ready condition seen on the watch. */
export interface ReadyTransition {
  /** When the watch delivered it (the session window is measured on this clock). */
  readonly at: string;
  /** The Ready condition's lastTransitionTime as the kubelet reported it. */
  readonly reportedAt?: string;
  readonly from?: ConditionStatus;
  readonly to?: ConditionStatus;
  /**
   * True when the status looked unchanged but `lastTransitionTime` moved: at least two transitions
   * happened while we were not watching (a relist after a gap). Counted as two.
   */
  readonly missed?: boolean;
}

export interface InternalIpChange {
  readonly at: string;
  readonly from: readonly string[];
  readonly to: readonly string[];
}

/** What the watch saw happen to one node during the session (bounded). */
export interface NodeSignals {
  readonly readyTransitions: readonly ReadyTransition[];
  readonly ipChanges: readonly InternalIpChange[];
  /** Transitions that fell off the bounded history (so counts can say "at least"). */
  readonly droppedTransitions: number;
}

export interface TopologyData {
  readonly nodes: readonly NodeRecord[];
  readonly csiNodes: readonly CsiNodeRecord[];
  /** Undefined when the API server does not serve the resource (no CAPI/CAPV): those checks do not run. */
  readonly machines?: readonly MachineRecord[];
  readonly deploymentZones?: readonly DeploymentZoneRecord[];
  readonly failureDomains?: readonly FailureDomainRecord[];
  /** Live signals by node name; empty in a one-shot report. */
  readonly signals: Readonly<Record<string, NodeSignals>>;
  /** When the probe started watching: the session window starts here. */
  readonly observedSince: string;
  /** True while the watch runs (TUI); false for a one-shot report (no flap history). */
  readonly live: boolean;
}
