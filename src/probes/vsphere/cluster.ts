import { errorMessage } from '../../core/errors.js';
import type { ClusterNetworkUse, ClusterVmRecord, WindowsNodeRecord } from '../../model/portgroups/types.js';
import { type KubeObject, sharedCollection } from '../kube/collection.js';
import type { ProbeContext } from '../types.js';

/**
 * Which networks the cluster's VMs use (CAPV VSphereVM `spec.network.devices[].networkName`) and which
 * nodes run Windows (`kubernetes.io/os=windows`): listed once per vCenter read.
 */

const CAPV_GROUP = 'infrastructure.cluster.x-k8s.io';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function toClusterVm(obj: KubeObject): ClusterVmRecord | undefined {
  const name = obj.metadata?.name;
  if (!name) return undefined;
  const spec = (obj.spec ?? {}) as { network?: { devices?: { networkName?: unknown }[] } };
  const status = (obj.status ?? {}) as { addresses?: unknown };
  const devices = Array.isArray(spec.network?.devices) ? spec.network.devices : [];
  return {
    namespace: obj.metadata?.namespace ?? '',
    name,
    networkNames: devices
      .map((d) => d?.networkName)
      .filter((n): n is string => typeof n === 'string' && n !== ''),
    // v1beta1: []string; tolerate CAPI MachineAddress objects too.
    addresses: Array.isArray(status.addresses)
      ? status.addresses
          .map((a: unknown) => (typeof a === 'string' ? a : (a as { address?: unknown })?.address))
          .filter((a): a is string => typeof a === 'string')
      : [],
  };
}

export function toWindowsNode(obj: KubeObject): WindowsNodeRecord | undefined {
  const name = obj.metadata?.name;
  if (!name) return undefined;
  const status = (obj.status ?? {}) as { addresses?: { address?: unknown }[] };
  return {
    name,
    addresses: strings((status.addresses ?? []).map((a) => a?.address)),
  };
}

export async function readClusterNetworkUse(ctx: ProbeContext): Promise<ClusterNetworkUse> {
  let resource: Awaited<ReturnType<ProbeContext['kube']['resolveResource']>>;
  try {
    resource = await ctx.kube.resolveResource(CAPV_GROUP, 'vspherevms', ['v1beta2', 'v1beta1']);
  } catch (err) {
    return {
      status: 'error',
      message: `API discovery failed: ${errorMessage(err)}`,
      vms: [],
      windowsNodes: [],
    };
  }
  const nodes = sharedCollection<WindowsNodeRecord>(ctx.kube, {
    path: '/api/v1/nodes',
    labelSelector: 'kubernetes.io/os=windows',
    transform: toWindowsNode,
  });
  nodes.start({ watch: false });
  if (!resource) {
    await nodes.firstSync;
    nodes.stop();
    return {
      status: 'no-capv',
      message: 'no VSphereVM API (infrastructure.cluster.x-k8s.io) in this cluster',
      vms: [],
      windowsNodes: nodes.values(),
    };
  }
  // Every VSphereVM, whatever -n says: a portgroup is shared by the whole cluster, and a Windows VM
  // in another namespace still makes its portgroup a FAIL.
  const vms = sharedCollection<ClusterVmRecord>(ctx.kube, {
    path: `/apis/${CAPV_GROUP}/${resource.version}/vspherevms`,
    transform: toClusterVm,
  });
  vms.start({ watch: false });
  await Promise.all([vms.firstSync, nodes.firstSync]);
  vms.stop();
  nodes.stop();
  if (vms.status !== 'ready') {
    return {
      status: 'error',
      message: vms.error ?? 'VSphereVMs could not be listed',
      vms: [],
      windowsNodes: nodes.values(),
    };
  }
  return { status: 'found', vms: vms.values(), windowsNodes: nodes.values() };
}
