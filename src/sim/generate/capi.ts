import type { KObject } from '../store.js';
import type { NodeInfo } from './nodes.js';
import { hex, type Random, ts, uidFrom } from './random.js';

const POOL_SIZE = 3 * 256 + 254;

/** Cluster, Machines, VSphereMachines, VSphereVMs, claims, addresses and one pool per zone. */
export function capiObjects(
  nodes: readonly NodeInfo[],
  zones: readonly string[],
  cluster: string,
  ns: string,
  r: Random,
  /** The second octet of the cluster's node network (10.<net>.0.0/16): a fleet gives each cluster its own. */
  net = 20,
): KObject[] {
  const out: KObject[] = [];
  const clusterLabel = { 'cluster.x-k8s.io/cluster-name': cluster };
  out.push({
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'Cluster',
    metadata: {
      name: cluster,
      namespace: ns,
      labels: { 'tkg.tanzu.vmware.com/cluster-name': cluster },
      creationTimestamp: ts(0),
    },
    spec: {
      clusterNetwork: {
        pods: { cidrBlocks: ['100.96.0.0/11'] },
        services: { cidrBlocks: ['100.64.0.0/13'] },
      },
      controlPlaneEndpoint: { host: `10.${net}.0.5`, port: 6443 },
      infrastructureRef: {
        apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
        kind: 'VSphereCluster',
        name: cluster,
        namespace: ns,
      },
    },
    status: { phase: 'Provisioned', controlPlaneReady: true, infrastructureReady: true },
  });
  out.push({
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
    kind: 'VSphereCluster',
    metadata: { name: cluster, namespace: ns, labels: clusterLabel, creationTimestamp: ts(0) },
    spec: {
      server: 'vcenter.example.internal',
      thumbprint: '',
      controlPlaneEndpoint: { host: `10.${net}.0.5`, port: 6443 },
    },
    status: { ready: true },
  });
  zones.forEach((zone, zi) => {
    out.push({
      apiVersion: 'ipam.cluster.x-k8s.io/v1alpha2',
      kind: 'InClusterIPPool',
      metadata: { name: `${cluster}-${zone}`, namespace: ns, creationTimestamp: ts(0) },
      spec: {
        addresses: [`10.${net}.${zi * 4}.1-10.${net}.${zi * 4 + 3}.254`],
        prefix: 16,
        gateway: `10.${net}.255.254`,
      },
      status: {
        // x.y.(4z).1 - x.y.(4z+3).254 holds 3 * 256 + 254 addresses; the gateway is outside.
        ipAddresses: {
          total: POOL_SIZE,
          used: nodes.filter((_, i) => i % zones.length === zi).length,
          free: POOL_SIZE - nodes.filter((_, i) => i % zones.length === zi).length,
          outOfRange: 0,
        },
      },
    });
  });
  nodes.forEach((n, i) => {
    const zi = i % zones.length;
    const pool = `${cluster}-${zones[zi]}`;
    const machineUid = uidFrom(r);
    const vmUid = uidFrom(r);
    const vsmUid = uidFrom(r);
    const address = `10.${net}.${zi * 4 + Math.floor(i / zones.length / 250)}.${(Math.floor(i / zones.length) % 250) + 1}`;
    const labels = { ...clusterLabel, ...(n.controlPlane ? { 'cluster.x-k8s.io/control-plane': '' } : {}) };
    out.push({
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'Machine',
      metadata: { name: n.name, namespace: ns, uid: machineUid, labels, creationTimestamp: ts(10) },
      spec: {
        clusterName: cluster,
        version: 'v1.32.4+vmware.1',
        failureDomain: zones[zi],
        providerID: `vsphere://${vmUid}`,
        bootstrap: { dataSecretName: `${n.name}-bootstrap` },
        infrastructureRef: {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
          kind: 'VSphereMachine',
          name: n.name,
          namespace: ns,
        },
      },
      status: {
        phase: 'Running',
        nodeRef: { kind: 'Node', name: n.name },
        addresses: [{ type: 'ExternalIP', address }],
        bootstrapReady: true,
        infrastructureReady: true,
      },
    });
    out.push({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
      kind: 'VSphereMachine',
      metadata: {
        name: n.name,
        namespace: ns,
        uid: vsmUid,
        labels,
        ownerReferences: [
          {
            apiVersion: 'cluster.x-k8s.io/v1beta1',
            kind: 'Machine',
            name: n.name,
            uid: machineUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        creationTimestamp: ts(10),
      },
      spec: {
        providerID: `vsphere://${vmUid}`,
        failureDomain: zones[zi],
        template: '/DC0/vm/ubuntu-2204-kube-v1.32.4',
        network: {
          devices: [
            {
              networkName: `/DC0/network/tkg-workload-${zones[zi]}`,
              dhcp4: false,
              addressesFromPools: [
                { apiGroup: 'ipam.cluster.x-k8s.io', kind: 'InClusterIPPool', name: pool },
              ],
            },
          ],
        },
      },
      status: { ready: true, addresses: [{ type: 'InternalIP', address }] },
    });
    out.push({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
      kind: 'VSphereVM',
      metadata: {
        name: n.name,
        namespace: ns,
        uid: vmUid,
        labels,
        finalizers: ['vspherevm.infrastructure.cluster.x-k8s.io'],
        ownerReferences: [
          {
            apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
            kind: 'VSphereMachine',
            name: n.name,
            uid: vsmUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        creationTimestamp: ts(12),
      },
      spec: {
        template: '/DC0/vm/ubuntu-2204-kube-v1.32.4',
        server: 'vcenter.example.internal',
        datacenter: 'DC0',
        numCPUs: 8,
        memoryMiB: 32768,
        diskGiB: 40,
        network: {
          devices: [
            {
              networkName: `/DC0/network/tkg-workload-${zones[zi]}`,
              dhcp4: false,
              addressesFromPools: [
                { apiGroup: 'ipam.cluster.x-k8s.io', kind: 'InClusterIPPool', name: pool },
              ],
            },
          ],
        },
      },
      status: {
        ready: true,
        addresses: [address],
        vmRef: `vm-${1000 + i}`,
        network: [
          {
            connected: true,
            ipAddrs: [address],
            macAddr: `00:50:56:${hex(r, 2)}:${hex(r, 2)}:${hex(r, 2)}`,
            networkName: `tkg-workload-${zones[zi]}`,
          },
        ],
        conditions: [
          { type: 'Ready', status: 'True', lastTransitionTime: ts(200) },
          { type: 'IPAddressClaimed', status: 'True', lastTransitionTime: ts(100) },
          { type: 'VMProvisioned', status: 'True', lastTransitionTime: ts(200) },
        ],
      },
    });
    const claimName = `${n.name}-0-0`;
    const claimUid = uidFrom(r);
    out.push({
      apiVersion: 'ipam.cluster.x-k8s.io/v1beta1',
      kind: 'IPAddressClaim',
      metadata: {
        name: claimName,
        namespace: ns,
        uid: claimUid,
        labels: clusterLabel,
        finalizers: [
          'ipam.cluster.x-k8s.io/ReleaseAddress',
          'vspherevm.infrastructure.cluster.x-k8s.io/ip-claim-protection',
        ],
        ownerReferences: [
          {
            apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
            kind: 'VSphereVM',
            name: n.name,
            uid: vmUid,
          },
        ],
        creationTimestamp: ts(12),
      },
      spec: { poolRef: { apiGroup: 'ipam.cluster.x-k8s.io', kind: 'InClusterIPPool', name: pool } },
      status: { addressRef: { name: claimName } },
    });
    out.push({
      apiVersion: 'ipam.cluster.x-k8s.io/v1beta1',
      kind: 'IPAddress',
      metadata: {
        name: claimName,
        namespace: ns,
        labels: clusterLabel,
        finalizers: ['ipam.cluster.x-k8s.io/ProtectAddress'],
        ownerReferences: [
          {
            apiVersion: 'ipam.cluster.x-k8s.io/v1beta1',
            kind: 'IPAddressClaim',
            name: claimName,
            uid: claimUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        creationTimestamp: ts(13),
      },
      spec: {
        address,
        prefix: 16,
        gateway: `10.${net}.255.254`,
        claimRef: { name: claimName },
        poolRef: { apiGroup: 'ipam.cluster.x-k8s.io', kind: 'InClusterIPPool', name: pool },
      },
    });
  });
  return out;
}
