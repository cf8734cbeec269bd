import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { CAPI_NAMESPACE, generateScenario, parseGenerateSpec } from './generate/index.js';
import { type SimulatorHandleExtended, startSimulator } from './server/index.js';
import type { KObject } from './store.js';

/**
 * A Cluster API estate in one process: a management API server holding N CAPI Clusters (with the
 * CAPV/IPAM objects the generator makes for one cluster) and their `<cluster>-kubeconfig` Secrets,
 * each pointing at a workload API server of its own (own port, CA and token) on 127.0.0.1. `down`
 * of them have no server: their Secret points at a port nothing listens on.
 */
export interface FleetSpec {
  readonly clusters: number;
  readonly down: number;
  /** The per-cluster generator spec (nodes=..,pods=..,...), fleet defaults first. */
  readonly cluster: string;
}

/** Small clusters unless told otherwise: a fleet of 20 must start in seconds. */
const FLEET_CLUSTER_DEFAULTS = 'nodes=6,pods=100,namespaces=4';

/** Whether a --generate spec asks for a fleet (`fleet=N,...`). */
export function isFleetSpec(text: string): boolean {
  return /(^|,)\s*fleet\s*=/.test(text);
}

/** "fleet=20,pods=500,down=2,nodes=10": fleet and down are the fleet's, the rest each cluster's. */
export function parseFleetSpec(text: string): FleetSpec {
  let clusters: number | undefined;
  let down = 0;
  const rest: string[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key = '', value = ''] = part.split('=', 2).map((s) => s.trim());
    const n = Number(value);
    if (key === 'fleet' || key === 'down') {
      if (!Number.isInteger(n) || n < (key === 'fleet' ? 1 : 0) || n > 500)
        throw new Error(
          `--generate: ${key} must be an integer ${key === 'fleet' ? '1' : '0'}..500 (got "${value}")`,
        );
      if (key === 'fleet') clusters = n;
      else down = n;
    } else rest.push(part);
  }
  if (clusters === undefined) throw new Error('--generate: a fleet spec needs fleet=N');
  if (down > clusters) throw new Error(`--generate: down=${down} is more than fleet=${clusters}`);
  const cluster = [FLEET_CLUSTER_DEFAULTS, ...rest].join(',');
  parseGenerateSpec(cluster); // the per-cluster keys fail here, before anything listens
  return { clusters, down, cluster };
}

export interface FleetMember {
  readonly name: string;
  readonly namespace: string;
  /** Undefined for a cluster that is down. */
  readonly handle?: SimulatorHandleExtended;
  /** The server its kubeconfig Secret names. */
  readonly server: string;
}

export interface FleetSimulatorHandle {
  readonly management: SimulatorHandleExtended;
  readonly url: string;
  readonly kubeconfigPath: string;
  readonly members: readonly FleetMember[];
  /** The kubeconfig a member's Secret holds (text), e.g. to put a rotated one back. */
  kubeconfigOf(name: string): string;
  /** Replaces a member's `<name>-kubeconfig` Secret with this kubeconfig text. */
  setKubeconfig(name: string, kubeconfig: string): void;
  close(): Promise<void>;
}

export interface FleetSimulatorOptions {
  readonly spec: string | FleetSpec;
  readonly seed?: number;
  /** The management server's port (0: any). */
  readonly port?: number;
  readonly kubeconfigOut?: string;
}

/** The name of the i-th cluster (0-based): workload-1, workload-2, ... */
export function fleetClusterName(i: number): string {
  return `workload-${i + 1}`;
}

/** Objects of CAPI, CAPV and IPAM groups live on the management cluster; the rest on the workload. */
function isManagementObject(o: KObject): boolean {
  return String(o.apiVersion).includes('x-k8s.io/');
}

/** Starts the management server and every workload server; the last `down` clusters are down. */
export async function startFleetSimulator(options: FleetSimulatorOptions): Promise<FleetSimulatorHandle> {
  const spec = typeof options.spec === 'string' ? parseFleetSpec(options.spec) : options.spec;
  const clusterSpec = parseGenerateSpec(spec.cluster);
  const seed = options.seed ?? 1;
  const managementObjects: KObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: CAPI_NAMESPACE } },
  ];
  const workloadObjects: KObject[][] = [];
  for (let i = 0; i < spec.clusters; i++) {
    // 10.<20+i>.0.0/16 per cluster: the management cluster's pools of different clusters never overlap.
    const objects = generateScenario(clusterSpec, seed + i, {
      name: fleetClusterName(i),
      net: 20 + (i % 200),
    });
    managementObjects.push(...objects.filter(isManagementObject));
    workloadObjects.push(objects.filter((o) => !isManagementObject(o)));
  }
  const started: SimulatorHandleExtended[] = [];
  try {
    const management = await startSimulator({
      scenario: managementObjects,
      port: options.port ?? 0,
      kubeconfigOut: options.kubeconfigOut,
      anchorTime: false,
    });
    started.push(management);
    const managementKubeconfig = readFileSync(management.kubeconfigPath, 'utf8');
    const members: FleetMember[] = [];
    const kubeconfigs = new Map<string, string>();
    for (let i = 0; i < spec.clusters; i++) {
      const name = fleetClusterName(i);
      const isDown = i >= spec.clusters - spec.down;
      let handle: SimulatorHandleExtended | undefined;
      let kubeconfig: string;
      if (isDown) {
        const server = `https://127.0.0.1:${await closedPort()}`;
        kubeconfig = retarget(managementKubeconfig, server, 'not-a-live-token-0000');
      } else {
        handle = await startSimulator({ scenario: workloadObjects[i] ?? [], anchorTime: false });
        started.push(handle);
        kubeconfig = readFileSync(handle.kubeconfigPath, 'utf8');
      }
      const server = /server: (\S+)/.exec(kubeconfig)?.[1] ?? '';
      members.push({ name, namespace: CAPI_NAMESPACE, server, ...(handle ? { handle } : {}) });
      kubeconfigs.set(name, kubeconfig);
      management.apply(kubeconfigSecret(name, CAPI_NAMESPACE, kubeconfig));
    }
    return {
      management,
      url: management.url,
      kubeconfigPath: management.kubeconfigPath,
      members,
      kubeconfigOf: (name) => kubeconfigs.get(name) ?? '',
      setKubeconfig: (name, kubeconfig) =>
        management.apply(kubeconfigSecret(name, CAPI_NAMESPACE, kubeconfig)),
      close: async () => {
        await Promise.all(started.map((h) => h.close()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((h) => h.close()));
    throw err;
  }
}

/** The Secret CAPI writes for a cluster: `<cluster>-kubeconfig`, key `value`, type cluster.x-k8s.io/secret. */
export function kubeconfigSecret(cluster: string, namespace: string, kubeconfig: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'cluster.x-k8s.io/secret',
    metadata: {
      name: `${cluster}-kubeconfig`,
      namespace,
      labels: { 'cluster.x-k8s.io/cluster-name': cluster },
    },
    data: { value: Buffer.from(kubeconfig).toString('base64') },
  };
}

/** The kubeconfig with another server and token (same CA). */
export function retarget(kubeconfig: string, server: string, token: string): string {
  return kubeconfig.replace(/server: \S+/, `server: ${server}`).replace(/token: \S+/, `token: ${token}`);
}

/** A loopback port that was free a moment ago and is closed now: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
