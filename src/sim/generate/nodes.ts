import type { KObject } from '../store.js';
import { ipOf, type Random, suffix, ts } from './random.js';
import type { GenerateSpec } from './spec.js';

export const CLUSTER = 'workload-1';

export interface NodeInfo {
  name: string;
  zone: string;
  ip: string;
  controlPlane: boolean;
}

/** zone-a, zone-b, ... (zone-a26 past z). */
export function zoneNames(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `zone-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? i : ''}`,
  );
}

/** Up to three control-plane nodes, then workers over the zones (round robin). */
export function planNodes(
  spec: GenerateSpec,
  zones: readonly string[],
  r: Random,
  cluster = CLUSTER,
  net = 20,
): NodeInfo[] {
  const nodes: NodeInfo[] = [];
  const cpCount = Math.min(3, spec.nodes);
  for (let i = 0; i < spec.nodes; i++) {
    const controlPlane = i < cpCount;
    const name = controlPlane
      ? `${cluster}-control-plane-${suffix(r, 5)}`
      : `${cluster}-md-${i % spec.zones}-${suffix(r, 5)}-${suffix(r, 5)}`;
    nodes.push({ name, zone: zones[i % zones.length] as string, ip: ipOf([10, net, 0], i), controlPlane });
  }
  return nodes;
}

/** The Node object of the index-th node: zone labels, ESXi host, capacity, Ready conditions. */
export function nodeObject(n: NodeInfo, index: number, r: Random): KObject {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
    'topology.kubernetes.io/region': 'region-1',
    'topology.kubernetes.io/zone': n.zone,
    'failure-domain.beta.kubernetes.io/region': 'region-1',
    'failure-domain.beta.kubernetes.io/zone': n.zone,
    'node.cluster.x-k8s.io/esxi-host': `esxi-${n.zone}-0${Math.floor(r() * 4) + 1}.example.internal`,
  };
  if (n.controlPlane) labels['node-role.kubernetes.io/control-plane'] = '';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels,
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
      creationTimestamp: ts(0),
    },
    spec: {
      providerID: `vsphere://4233${suffix(r, 4)}-0000-0000-0000-00000000${String(index).padStart(4, '0')}`,
      podCIDR: `100.96.${index % 256}.0/24`,
      ...(n.controlPlane
        ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }
        : {}),
    },
    status: {
      addresses: [
        { type: 'InternalIP', address: n.ip },
        { type: 'Hostname', address: n.name },
      ],
      capacity: { cpu: '8', memory: '32863596Ki', pods: '110', 'ephemeral-storage': '40970464Ki' },
      allocatable: { cpu: '8', memory: '32761196Ki', pods: '110', 'ephemeral-storage': '37758302231' },
      conditions: [
        {
          type: 'MemoryPressure',
          status: 'False',
          reason: 'KubeletHasSufficientMemory',
          message: 'kubelet has sufficient memory available',
          lastHeartbeatTime: ts(3600),
          lastTransitionTime: ts(60),
        },
        {
          type: 'DiskPressure',
          status: 'False',
          reason: 'KubeletHasNoDiskPressure',
          message: 'kubelet has no disk pressure',
          lastHeartbeatTime: ts(3600),
          lastTransitionTime: ts(60),
        },
        {
          type: 'PIDPressure',
          status: 'False',
          reason: 'KubeletHasSufficientPID',
          message: 'kubelet has sufficient PID available',
          lastHeartbeatTime: ts(3600),
          lastTransitionTime: ts(60),
        },
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: ts(3600),
          lastTransitionTime: ts(120),
        },
      ],
      nodeInfo: {
        architecture: 'amd64',
        bootID: `${suffix(r, 8)}`,
        containerRuntimeVersion: 'containerd://1.7.20+vmware.1',
        kernelVersion: '5.15.0-118-generic',
        kubeProxyVersion: 'v1.32.4+vmware.1',
        kubeletVersion: 'v1.32.4+vmware.1',
        machineID: suffix(r, 16),
        operatingSystem: 'linux',
        osImage: 'Ubuntu 22.04.4 LTS',
        systemUUID: suffix(r, 16),
      },
    },
  };
}

/** The CSINode of a node (the vSphere CSI driver with its topology keys). */
export function csiNodeObject(n: NodeInfo): KObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'CSINode',
    metadata: { name: n.name, creationTimestamp: ts(30) },
    spec: {
      drivers: [
        {
          name: 'csi.vsphere.vmware.com',
          nodeID: n.name,
          topologyKeys: ['topology.csi.vmware.com/k8s-region', 'topology.csi.vmware.com/k8s-zone'],
          allocatable: { count: 59 },
        },
      ],
    },
  };
}
