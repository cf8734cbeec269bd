/** Kubernetes objects for the portgroups tests: CAPV VSphereVMs and nodes (Windows or Linux). */

export function vsphereVm(
  name: string,
  networkNames: string[],
  addresses: string[] = [],
  namespace = 'tkg-workload',
) {
  return {
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
    kind: 'VSphereVM',
    metadata: { name, namespace, labels: { 'cluster.x-k8s.io/cluster-name': 'workload' } },
    spec: {
      server: 'vcenter.example.internal',
      datacenter: '/DC0',
      template: 'ubuntu-2204-kube-v1.30',
      network: { devices: networkNames.map((networkName) => ({ networkName, dhcp4: true })) },
    },
    status: { ready: true, addresses },
  };
}

export function node(name: string, os: 'linux' | 'windows', address: string) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/os': os, 'kubernetes.io/hostname': name } },
    status: { addresses: [{ type: 'InternalIP', address }], conditions: [{ type: 'Ready', status: 'True' }] },
  };
}
