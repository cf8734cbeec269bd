import type { CheckDefinition } from './types.js';

const SET_REJECT =
  'In the vSphere Client: Networking > the distributed switch > the portgroup > Configure > Policies > Edit > Security: set Promiscuous mode, MAC address changes and Forged transmits to Reject (PowerCLI: Get-VDPortgroup NAME | Get-VDSecurityPolicy | Set-VDSecurityPolicy -AllowPromiscuous $false -MacChanges $false -ForgedTransmits $false). If the value is inherited, fix it on the switch (Get-VDSwitch | Get-VDSecurityPolicy | Set-VDSecurityPolicy ...) or override it on the portgroup.';

/**
 * Checks of the portgroups probe, codes PG-NNN. Append only: a code, once released, keeps its
 * meaning forever (test/model/checks.test.ts pins them).
 * 0xx the three security settings · 1xx per-port overrides · 2xx which networks the VMs use · 3xx the vCenter connection.
 */
export const portgroupsChecks = {
  'PG-001': {
    probe: 'portgroups',
    title: 'Portgroup security all Reject',
    severity: 'pass',
    description:
      'Promiscuous mode, MAC address changes and Forged transmits resolve to Reject on a distributed portgroup the cluster VMs use (stated on the portgroup or inherited from its switch).',
    remedy: 'Nothing to do.',
  },
  'PG-002': {
    probe: 'portgroups',
    title: 'Security setting Accept on a portgroup with Windows nodes',
    severity: 'fail',
    description:
      'Windows and multi-OS clusters need all three security settings at Reject on the distributed portgroup their nodes use; with Promiscuous mode Accept, nodes flap between Ready and NotReady (TKG docs). The value may be inherited from the switch: the detail says where it comes from.',
    remedy: SET_REJECT,
  },
  'PG-003': {
    probe: 'portgroups',
    title: 'Security setting Accept on a portgroup without Windows nodes',
    severity: 'warn',
    description:
      'A security setting resolves to Accept on a portgroup used only by Linux nodes (or by VMs not joined to a node yet). Linux nodes tolerate it, but a Windows node added later will flap, and Accept lets a VM see or spoof other traffic.',
    remedy: SET_REJECT,
  },
  'PG-004': {
    probe: 'portgroups',
    title: 'Security setting not stated by vCenter',
    severity: 'info',
    description:
      'Neither the portgroup nor its switch states the setting (vcsim, or a govc file without config.defaultPortConfig). vSphere treats it as Reject, the distributed switch default, but nothing here proves it.',
    remedy:
      'Collect config.defaultPortConfig for the portgroups and switches (see the govc commands in the README), or check the portgroup in the vSphere Client.',
  },
  'PG-101': {
    probe: 'portgroups',
    title: 'Ports may override the security policy',
    severity: 'warn',
    description:
      'config.policy.securityPolicyOverrideAllowed or macManagementOverrideAllowed is true: single ports of the portgroup may set Accept regardless of the portgroup, so a clean portgroup does not prove clean ports.',
    remedy:
      'Unless a port really needs its own policy: Portgroup > Configure > Policies > Edit > Advanced > Override port policies: set Security to Block.',
  },
  'PG-102': {
    probe: 'portgroups',
    title: 'Port overrides a security setting to Accept',
    severity: 'fail',
    description:
      "A port of the portgroup (FetchDVPorts, config.setting) sets Accept where the portgroup resolves to Reject; the VM on that port gets the port's setting.",
    remedy:
      'Switch > Ports: find the port key, Edit Settings > Security: untick Override (or set Reject); then block overrides on the portgroup.',
  },
  'PG-103': {
    probe: 'portgroups',
    title: 'Per-port settings not read',
    severity: 'info',
    description:
      'The portgroup allows overrides but the per-port settings could not be read (FetchDVPorts failed or the offline file has no port data), so port overrides were not checked.',
    remedy:
      'Offline: append `govc dvs.portgroup.info -json SWITCH` to the inventory file. Live: the vCenter user needs read access to the switch.',
  },
  'PG-201': {
    probe: 'portgroups',
    title: 'Network the VMs use is unknown to vCenter',
    severity: 'fail',
    description:
      'A VSphereVM names a network (spec.network.devices[].networkName) that is not a distributed portgroup in the inventory: a typo in VSPHERE_NETWORK, a standard-switch network (not checked here), or an inventory file from another vCenter.',
    remedy:
      'Compare VSPHERE_NETWORK / the VSphereMachineTemplate network with `govc ls /DC/network`; a standard vSwitch portgroup must be checked per host (govc host.portgroup.info).',
  },
  'PG-202': {
    probe: 'portgroups',
    title: 'Several portgroups share the network name',
    severity: 'info',
    description:
      'More than one distributed portgroup has this name (several datacenters, or NSX-backed portgroups); each one is checked, since a bare networkName does not say which one the VM got.',
    remedy:
      'Use the full inventory path (/DC/network/PG) in the VSphereMachineTemplate so the VM lands on the portgroup you mean.',
  },
  'PG-301': {
    probe: 'portgroups',
    title: 'vCenter TLS verification disabled',
    severity: 'info',
    description:
      'insecure = true (or --vsphere-insecure): the vCenter certificate was not verified, so the inventory and the login went to whoever answered.',
    remedy:
      'Download the VMCA root (https://VCENTER/certs/download.zip) and set [vsphere] ca_file to it instead of insecure = true.',
  },
} as const satisfies Record<`PG-${string}`, CheckDefinition>;
