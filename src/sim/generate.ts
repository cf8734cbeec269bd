import type { KObject } from './store.js';

/**
 * A deterministic synthetic TKG-like cluster for scale tests and the bench: nodes over zones,
 * daemonsets on every node, deployments across namespaces, a mix of private, public and failing
 * images, and the CAPI/CAPV/IPAM objects behind every node. Same spec + seed = same objects.
 */
export interface GenerateSpec {
  readonly nodes: number;
  readonly pods: number;
  readonly namespaces: number;
  readonly zones: number;
  /** Share of deployments whose image is public (leaked), 0..1. */
  readonly publicShare: number;
  /** Share of deployments whose image fails to pull, 0..1. */
  readonly failingShare: number;
  /** Generate CAPI Cluster/Machines, VSphereMachines/VMs, claims, addresses and pools. */
  readonly capi: boolean;
  readonly registry: string;
}

export const DEFAULT_GENERATE: GenerateSpec = {
  nodes: 30,
  pods: 500,
  namespaces: 10,
  zones: 3,
  publicShare: 0.05,
  failingShare: 0.02,
  capi: true,
  registry: 'registry.example.internal/tkg',
};

/** "nodes=300,pods=10000,namespaces=40,zones=3,public=0.05,failing=0.01,capi=true,registry=host/path" */
export function parseGenerateSpec(text: string): GenerateSpec {
  const spec: { -readonly [K in keyof GenerateSpec]: GenerateSpec[K] } = { ...DEFAULT_GENERATE };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [rawKey, value = ''] = part.split('=', 2) as [string, string | undefined];
    const key = rawKey.trim();
    const n = Number(value);
    const needInt = (min: number) => {
      if (!Number.isInteger(n) || n < min)
        throw new Error(`--generate: ${key} must be an integer >= ${min} (got "${value}")`);
      return n;
    };
    const needShare = () => {
      if (!(n >= 0 && n <= 1)) throw new Error(`--generate: ${key} must be between 0 and 1 (got "${value}")`);
      return n;
    };
    switch (key) {
      case 'nodes':
        spec.nodes = needInt(1);
        break;
      case 'pods':
        spec.pods = needInt(0);
        break;
      case 'namespaces':
        spec.namespaces = needInt(1);
        break;
      case 'zones':
        spec.zones = needInt(1);
        break;
      case 'public':
        spec.publicShare = needShare();
        break;
      case 'failing':
        spec.failingShare = needShare();
        break;
      case 'capi':
        spec.capi = value !== 'false' && value !== '0';
        break;
      case 'registry':
        spec.registry = value.replace(/\/$/, '');
        break;
      default:
        throw new Error(
          `--generate: unknown key "${key}" (known: nodes, pods, namespaces, zones, public, failing, capi, registry)`,
        );
    }
  }
  return spec;
}

/** mulberry32: small, fast, good enough for test data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APPS = [
  'api',
  'web',
  'worker',
  'billing',
  'search',
  'ingest',
  'auth',
  'cache',
  'reports',
  'notify',
  'gateway',
  'scheduler',
];
const TEAMS = [
  'payments',
  'catalog',
  'identity',
  'analytics',
  'platform',
  'storefront',
  'logistics',
  'support',
];
const PUBLIC_IMAGES = [
  'nginx:1.25',
  'docker.io/library/redis:7.2',
  'quay.io/prometheus/node-exporter:v1.7.0',
  'registry.k8s.io/pause:3.9',
  'ghcr.io/example/sidecar:0.4.1',
  'busybox',
];
const DAEMONSETS: [string, string][] = [
  ['antrea-agent', 'antrea/antrea-agent-ubuntu:v1.13.3_vmware.3'],
  ['kube-proxy', 'kube-proxy:v1.32.4_vmware.1'],
  ['vsphere-csi-node', 'csi/vsphere-csi-driver:v3.3.1_vmware.1'],
];
const FAIL_MESSAGE = (image: string) =>
  `Back-off pulling image "${image}": ErrImagePull: failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image.split('/')[0]}/v2/: dial tcp: lookup ${image.split('/')[0]}: i/o timeout`;

const BASE_TIME = Date.UTC(2026, 10, 1, 8, 0, 0);

function ts(offsetSeconds: number): string {
  return `${new Date(BASE_TIME + offsetSeconds * 1000).toISOString().slice(0, 19)}Z`;
}

function suffix(r: () => number, length: number): string {
  const chars = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < length; i++) s += chars[Math.floor(r() * chars.length)];
  return s;
}

function ipOf(base: [number, number, number], index: number): string {
  const host = 10 + index;
  return `${base[0]}.${base[1]}.${base[2] + Math.floor(host / 250)}.${(host % 250) + 1}`;
}

interface NodeInfo {
  name: string;
  zone: string;
  ip: string;
  controlPlane: boolean;
}

export function generateScenario(spec: GenerateSpec, seed: number): KObject[] {
  const r = rng(seed);
  const out: KObject[] = [];
  const cluster = 'workload-1';
  const capiNs = 'tkg-workloads';
  const zones = Array.from(
    { length: spec.zones },
    (_, i) => `zone-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? i : ''}`,
  );
  const nodes: NodeInfo[] = [];
  const cpCount = Math.min(3, spec.nodes);
  for (let i = 0; i < spec.nodes; i++) {
    const controlPlane = i < cpCount;
    const name = controlPlane
      ? `${cluster}-control-plane-${suffix(r, 5)}`
      : `${cluster}-md-${i % spec.zones}-${suffix(r, 5)}-${suffix(r, 5)}`;
    nodes.push({ name, zone: zones[i % zones.length] as string, ip: ipOf([10, 20, 0], i), controlPlane });
  }

  // Nodes and CSINodes.
  for (const n of nodes) {
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
    out.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: n.name,
        labels,
        annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
        creationTimestamp: ts(0),
      },
      spec: {
        providerID: `vsphere://4233${suffix(r, 4)}-0000-0000-0000-00000000${String(nodes.indexOf(n)).padStart(4, '0')}`,
        podCIDR: `100.96.${nodes.indexOf(n) % 256}.0/24`,
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
    });
    out.push({
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
    });
  }

  // Namespaces.
  const namespaces = Array.from(
    { length: spec.namespaces },
    (_, i) => `${TEAMS[i % TEAMS.length]}${i >= TEAMS.length ? `-${Math.floor(i / TEAMS.length)}` : ''}`,
  );
  for (const ns of [...namespaces, capiNs]) {
    out.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, creationTimestamp: ts(0) },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  const workers = nodes.filter((n) => !n.controlPlane);
  const schedulable = workers.length > 0 ? workers : nodes;
  let podBudget = spec.pods;
  let podCounter = 0;

  const pod = (options: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    owner: { kind: string; name: string; uid: string; apiVersion: string };
    node: NodeInfo;
    image: string;
    containerName: string;
    failing: boolean;
    initImage?: string;
  }): KObject => {
    podCounter += 1;
    const started = 600 + podCounter;
    const containerStatus = options.failing
      ? {
          name: options.containerName,
          image: options.image,
          imageID: '',
          ready: false,
          restartCount: 0,
          started: false,
          state: { waiting: { reason: 'ImagePullBackOff', message: FAIL_MESSAGE(options.image) } },
          lastState: {},
        }
      : {
          name: options.containerName,
          image: options.image,
          imageID: `${options.image.split(':')[0]}@sha256:${hex(r, 64)}`,
          containerID: `containerd://${hex(r, 64)}`,
          ready: true,
          restartCount: Math.floor(r() * 1.2),
          started: true,
          state: { running: { startedAt: ts(started + 5) } },
          lastState: {},
        };
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: options.name,
        namespace: options.namespace,
        labels: options.labels,
        ownerReferences: [{ ...options.owner, controller: true, blockOwnerDeletion: true }],
        creationTimestamp: ts(started),
      },
      spec: {
        ...(options.initImage
          ? {
              initContainers: [
                {
                  name: 'init',
                  image: options.initImage,
                  imagePullPolicy: 'IfNotPresent',
                  command: ['sh', '-c', 'true'],
                },
              ],
            }
          : {}),
        containers: [
          {
            name: options.containerName,
            image: options.image,
            imagePullPolicy: 'IfNotPresent',
            ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
            resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        nodeName: options.node.name,
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        serviceAccountName: 'default',
        dnsPolicy: 'ClusterFirst',
        tolerations: [
          {
            key: 'node.kubernetes.io/not-ready',
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 300,
          },
          {
            key: 'node.kubernetes.io/unreachable',
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 300,
          },
        ],
      },
      status: {
        phase: options.failing ? 'Pending' : 'Running',
        conditions: [
          { type: 'Initialized', status: 'True', lastTransitionTime: ts(started) },
          { type: 'Ready', status: options.failing ? 'False' : 'True', lastTransitionTime: ts(started + 6) },
          {
            type: 'ContainersReady',
            status: options.failing ? 'False' : 'True',
            lastTransitionTime: ts(started + 6),
          },
          { type: 'PodScheduled', status: 'True', lastTransitionTime: ts(started) },
        ],
        hostIP: options.node.ip,
        podIP: `100.96.${nodes.indexOf(options.node) % 256}.${(podCounter % 250) + 2}`,
        qosClass: 'Burstable',
        startTime: ts(started),
        containerStatuses: [containerStatus],
      },
    };
  };

  // Daemonsets in kube-system / vmware-system-csi: one pod per node.
  for (const [dsName, image] of DAEMONSETS) {
    if (podBudget < nodes.length) break;
    const ns = dsName === 'vsphere-csi-node' ? 'vmware-system-csi' : 'kube-system';
    if (!out.some((o) => o.kind === 'Namespace' && (o.metadata as { name: string }).name === ns)) {
      out.push({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns, creationTimestamp: ts(0) },
        status: { phase: 'Active' },
      });
    }
    const uid = uidFrom(r);
    const fullImage = `${spec.registry}/${image}`;
    out.push({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: dsName,
        namespace: ns,
        uid,
        generation: 1,
        labels: { app: dsName },
        creationTimestamp: ts(300),
      },
      spec: {
        selector: { matchLabels: { app: dsName } },
        template: {
          metadata: { labels: { app: dsName } },
          spec: { containers: [{ name: dsName, image: fullImage }] },
        },
      },
      status: {
        currentNumberScheduled: nodes.length,
        desiredNumberScheduled: nodes.length,
        numberAvailable: nodes.length,
        numberReady: nodes.length,
        updatedNumberScheduled: nodes.length,
        numberMisscheduled: 0,
        observedGeneration: 1,
      },
    });
    for (const n of nodes) {
      out.push(
        pod({
          name: `${dsName}-${suffix(r, 5)}`,
          namespace: ns,
          labels: { app: dsName, 'controller-revision-hash': '6d8f7c9b5', 'pod-template-generation': '1' },
          owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: dsName, uid },
          node: n,
          image: fullImage,
          containerName: dsName,
          failing: false,
        }),
      );
    }
    podBudget -= nodes.length;
  }

  // Deployments across namespaces until the pod budget is spent.
  let d = 0;
  while (podBudget > 0) {
    const ns = namespaces[d % namespaces.length] as string;
    const app = `${APPS[d % APPS.length]}${d >= APPS.length ? `-${Math.floor(d / APPS.length)}` : ''}`;
    const replicas = Math.min(podBudget, 2 + Math.floor(r() * 30));
    const roll = r();
    const failing = roll < spec.failingShare;
    const publicImage = !failing && roll < spec.failingShare + spec.publicShare;
    const image = failing
      ? `${spec.registry}/apps/${app}:2.${Math.floor(r() * 9)}.0-missing`
      : publicImage
        ? (PUBLIC_IMAGES[Math.floor(r() * PUBLIC_IMAGES.length)] as string)
        : `${spec.registry}/apps/${app}:1.${Math.floor(r() * 20)}.${Math.floor(r() * 10)}`;
    const initImage = r() < 0.2 ? `${spec.registry}/library/busybox:1.36.1` : undefined;
    const hash = suffix(r, 10);
    const depUid = uidFrom(r);
    const rsUid = uidFrom(r);
    const rsName = `${app}-${hash}`;
    const labels = {
      app,
      'app.kubernetes.io/name': app,
      'app.kubernetes.io/part-of': ns,
      'pod-template-hash': hash,
    };
    const template = {
      metadata: { labels: { app, 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': ns } },
      spec: {
        ...(initImage ? { initContainers: [{ name: 'init', image: initImage }] } : {}),
        containers: [{ name: app, image }],
      },
    };
    const ready = failing ? 0 : replicas;
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: app,
        namespace: ns,
        uid: depUid,
        generation: 1,
        labels: { app },
        creationTimestamp: ts(500),
      },
      spec: { replicas, selector: { matchLabels: { app } }, template },
      status: {
        replicas,
        readyReplicas: ready,
        availableReplicas: ready,
        updatedReplicas: replicas,
        observedGeneration: 1,
      },
    });
    out.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace: ns,
        uid: rsUid,
        generation: 1,
        labels,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: app,
            uid: depUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        creationTimestamp: ts(500),
      },
      spec: { replicas, selector: { matchLabels: { app, 'pod-template-hash': hash } }, template },
      status: {
        replicas,
        readyReplicas: ready,
        availableReplicas: ready,
        fullyLabeledReplicas: replicas,
        observedGeneration: 1,
      },
    });
    for (let i = 0; i < replicas; i++) {
      out.push(
        pod({
          name: `${rsName}-${suffix(r, 5)}`,
          namespace: ns,
          labels,
          owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rsUid },
          node: schedulable[Math.floor(r() * schedulable.length)] as NodeInfo,
          image,
          containerName: app,
          failing,
          initImage,
        }),
      );
    }
    podBudget -= replicas;
    d += 1;
  }

  if (spec.capi) out.push(...capiObjects(nodes, zones, cluster, capiNs, r));
  return out;
}

function hex(r: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

function uidFrom(r: () => number): string {
  const h = hex(r, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const POOL_SIZE = 3 * 256 + 254;

/** Cluster, Machines, VSphereMachines, VSphereVMs, claims, addresses and one pool per zone. */
function capiObjects(
  nodes: NodeInfo[],
  zones: string[],
  cluster: string,
  ns: string,
  r: () => number,
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
      controlPlaneEndpoint: { host: '10.20.0.5', port: 6443 },
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
      controlPlaneEndpoint: { host: '10.20.0.5', port: 6443 },
    },
    status: { ready: true },
  });
  zones.forEach((zone, zi) => {
    out.push({
      apiVersion: 'ipam.cluster.x-k8s.io/v1alpha2',
      kind: 'InClusterIPPool',
      metadata: { name: `${cluster}-${zone}`, namespace: ns, creationTimestamp: ts(0) },
      spec: {
        addresses: [`10.20.${zi * 4}.1-10.20.${zi * 4 + 3}.254`],
        prefix: 16,
        gateway: '10.20.255.254',
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
    const address = `10.20.${zi * 4 + Math.floor(i / zones.length / 250)}.${(Math.floor(i / zones.length) % 250) + 1}`;
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
        gateway: '10.20.255.254',
        claimRef: { name: claimName },
        poolRef: { apiGroup: 'ipam.cluster.x-k8s.io', kind: 'InClusterIPPool', name: pool },
      },
    });
  });
  return out;
}
