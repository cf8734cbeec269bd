/**
 * Slim records of the portgroups probe: what vCenter (or a govc JSON file) says about distributed
 * switches, portgroups and ports, and which cluster VMs use which network. Only the fields the
 * security checklist needs (FORMATS.md section 4).
 */

/** The three settings of a portgroup's security policy, in the vSphere Client's order. */
export const SECURITY_SETTINGS = ['allowPromiscuous', 'macChanges', 'forgedTransmits'] as const;
export type SecuritySetting = (typeof SECURITY_SETTINGS)[number];

export const SETTING_LABELS: Readonly<Record<SecuritySetting, string>> = {
  allowPromiscuous: 'Promiscuous mode',
  macChanges: 'MAC address changes',
  forgedTransmits: 'Forged transmits',
};

/** vim25 BoolPolicy: `value` may be absent (then the level above decides). */
export interface BoolPolicyRecord {
  readonly inherited?: boolean;
  readonly value?: boolean;
}

/** DVSSecurityPolicy (deprecated since API 6.7, still what most tools show). */
export interface SecurityPolicyRecord {
  readonly inherited?: boolean;
  readonly allowPromiscuous?: BoolPolicyRecord;
  readonly macChanges?: BoolPolicyRecord;
  readonly forgedTransmits?: BoolPolicyRecord;
}

/** DVSMacManagementPolicy (API 6.7+): plain booleans. Preferred when present. */
export interface MacManagementPolicyRecord {
  readonly inherited?: boolean;
  readonly allowPromiscuous?: boolean;
  readonly macChanges?: boolean;
  readonly forgedTransmits?: boolean;
}

/** The security part of a VMwareDVSPortSetting (switch default, portgroup default or one port). */
export interface PortSettingRecord {
  readonly securityPolicy?: SecurityPolicyRecord;
  readonly macManagementPolicy?: MacManagementPolicyRecord;
}

export interface SwitchRecord {
  /** Managed object id, e.g. `dvs-21`. */
  readonly moid: string;
  readonly name: string;
  readonly uuid?: string;
  /** `config.defaultPortConfig`; absent when vCenter reports none (vcsim's default switch). */
  readonly defaultPortConfig?: PortSettingRecord;
  /** Moids of `config.uplinkPortgroup`: portgroups of physical uplinks, never VM networks. */
  readonly uplinkPortgroups?: readonly string[];
}

export interface PortgroupRecord {
  /** Managed object id, e.g. `dvportgroup-42`. */
  readonly moid: string;
  readonly name: string;
  /** `config.key` (the key ports refer to); usually equal to the moid. */
  readonly key?: string;
  /** Moid of `config.distributedVirtualSwitch`. */
  readonly switchMoid?: string;
  readonly defaultPortConfig?: PortSettingRecord;
  /** `config.policy.securityPolicyOverrideAllowed` (deprecated 6.7.1). */
  readonly securityPolicyOverrideAllowed?: boolean;
  /** `config.policy.macManagementOverrideAllowed` (6.7.1+). */
  readonly macManagementOverrideAllowed?: boolean;
}

/** One port from FetchDVPorts (`govc dvs.portgroup.info -json`): its effective setting. */
export interface PortRecord {
  readonly key: string;
  readonly portgroupKey?: string;
  readonly setting?: PortSettingRecord;
}

export type PortsStatus = 'read' | 'not-needed' | 'unavailable';

/** Where the inventory came from; shown with the checklist and in reports. */
export interface InventorySource {
  readonly kind: 'vcenter' | 'inventory-file';
  /** vCenter host[:port] or the file path. */
  readonly location: string;
  /** TLS verification was switched off (insecure = true or --vsphere-insecure). */
  readonly insecure?: boolean;
  /** vCenter `about.fullName` / `apiVersion`, or the govc JSON casing seen. */
  readonly detail?: string;
}

export interface VsphereInventory {
  readonly source: InventorySource;
  readonly switches: readonly SwitchRecord[];
  readonly portgroups: readonly PortgroupRecord[];
  /** Ports of the switches whose in-scope portgroups allow overrides. */
  readonly ports: {
    readonly status: PortsStatus;
    /** For unavailable: why (FetchDVPorts failed, the file has no port data...). */
    readonly reason?: string;
    readonly items: readonly PortRecord[];
  };
}

/** One CAPV VSphereVM: the networks its NICs use (slim). */
export interface ClusterVmRecord {
  readonly namespace: string;
  readonly name: string;
  /** `spec.network.devices[].networkName`: bare name or inventory path `/DC/network/PG`. */
  readonly networkNames: readonly string[];
  /** `status.addresses` (VSphereVM: a list of strings). */
  readonly addresses: readonly string[];
}

/** A node labelled `kubernetes.io/os=windows`. */
export interface WindowsNodeRecord {
  readonly name: string;
  readonly addresses: readonly string[];
}

export interface ClusterNetworkUse {
  /** found: VSphereVMs listed. no-capv: the cluster has no VSphereVM API. error: listing failed. */
  readonly status: 'found' | 'no-capv' | 'error';
  readonly message?: string;
  readonly vms: readonly ClusterVmRecord[];
  readonly windowsNodes: readonly WindowsNodeRecord[];
}

/** What the portgroups probe publishes (`store.set('portgroups', {data})`). */
export interface PortgroupsData {
  readonly inventory: VsphereInventory;
  readonly cluster: ClusterNetworkUse;
}
