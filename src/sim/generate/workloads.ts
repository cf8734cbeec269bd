import type { KObject } from '../store.js';
import type { NodeInfo } from './nodes.js';
import { hex, type Random, suffix, ts, uidFrom } from './random.js';
import type { GenerateSpec } from './spec.js';

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

interface PodOptions {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  owner: { kind: string; name: string; uid: string; apiVersion: string };
  node: NodeInfo;
  image: string;
  containerName: string;
  failing: boolean;
  initImage?: string;
}

/** Makes the pods of every workload: running ones with digests, or failing ones in ImagePullBackOff. */
export class PodFactory {
  /** Pods made so far: start times and pod IPs count on. */
  private counter = 0;

  constructor(
    private readonly r: Random,
    private readonly nodes: readonly NodeInfo[],
  ) {}

  pod(options: PodOptions): KObject {
    this.counter += 1;
    const started = 600 + this.counter;
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
          imageID: `${options.image.split(':')[0]}@sha256:${hex(this.r, 64)}`,
          containerID: `containerd://${hex(this.r, 64)}`,
          ready: true,
          restartCount: Math.floor(this.r() * 1.2),
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
        podIP: `100.96.${this.nodes.indexOf(options.node) % 256}.${(this.counter % 250) + 2}`,
        qosClass: 'Burstable',
        startTime: ts(started),
        containerStatuses: [containerStatus],
      },
    };
  }
}

/** The team namespaces: payments, catalog, ..., then payments-1, catalog-1, ... */
export function teamNamespaceNames(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${TEAMS[i % TEAMS.length]}${i >= TEAMS.length ? `-${Math.floor(i / TEAMS.length)}` : ''}`,
  );
}

export function namespaceObject(name: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, creationTimestamp: ts(0) },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/**
 * The system daemonsets (kube-system, vmware-system-csi) with one pod per node, while the pod budget
 * lasts; their namespaces are added to `namespaces` and `out` when missing. Returns the budget left.
 */
export function addDaemonSets(
  out: KObject[],
  namespaces: Set<string>,
  spec: GenerateSpec,
  nodes: readonly NodeInfo[],
  pods: PodFactory,
  r: Random,
  budget: number,
): number {
  let podBudget = budget;
  for (const [dsName, image] of DAEMONSETS) {
    if (podBudget < nodes.length) break;
    const ns = dsName === 'vsphere-csi-node' ? 'vmware-system-csi' : 'kube-system';
    if (!namespaces.has(ns)) {
      namespaces.add(ns);
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
        pods.pod({
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
  return podBudget;
}

/** Deployments (with their ReplicaSet and pods) across the team namespaces until the budget is spent. */
export function addDeployments(
  out: KObject[],
  teamNamespaces: readonly string[],
  spec: GenerateSpec,
  schedulable: readonly NodeInfo[],
  pods: PodFactory,
  r: Random,
  budget: number,
): void {
  let podBudget = budget;
  let d = 0;
  while (podBudget > 0) {
    const ns = teamNamespaces[d % teamNamespaces.length] as string;
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
        pods.pod({
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
}
