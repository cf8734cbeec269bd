import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SCENARIO } from '../../src/cli/demo-command.js';
import { loadScenarioPath } from '../../src/sim/scenario.js';
import type { KObject } from '../../src/sim/store.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';

const DUMP = fileURLToPath(new URL('../../fixtures/scenarios/kubectl-dump-demo.yaml', import.meta.url));

const KINDS: [string, string][] = [
  ['v1', 'Namespace'],
  ['v1', 'Node'],
  ['v1', 'Pod'],
  ['v1', 'Event'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'ReplicaSet'],
  ['apps/v1', 'DaemonSet'],
  ['apps/v1', 'StatefulSet'],
  ['batch/v1', 'Job'],
  ['batch/v1', 'CronJob'],
  ['storage.k8s.io/v1', 'CSINode'],
  ['cluster.x-k8s.io/v1beta1', 'Cluster'],
  ['cluster.x-k8s.io/v1beta1', 'Machine'],
  ['infrastructure.cluster.x-k8s.io/v1beta1', 'VSphereCluster'],
  ['infrastructure.cluster.x-k8s.io/v1beta1', 'VSphereMachine'],
  ['infrastructure.cluster.x-k8s.io/v1beta1', 'VSphereVM'],
  ['infrastructure.cluster.x-k8s.io/v1beta1', 'VSphereFailureDomain'],
  ['infrastructure.cluster.x-k8s.io/v1beta1', 'VSphereDeploymentZone'],
  ['ipam.cluster.x-k8s.io/v1beta1', 'IPAddressClaim'],
  ['ipam.cluster.x-k8s.io/v1beta1', 'IPAddress'],
  ['ipam.cluster.x-k8s.io/v1alpha2', 'InClusterIPPool'],
  ['ipam.cluster.x-k8s.io/v1alpha2', 'GlobalInClusterIPPool'],
];

/** Objects without the server's resourceVersion (a new server counts its own). */
const comparable = (objects: KObject[]) =>
  objects.map((o) => {
    const { resourceVersion: _, ...metadata } = o.metadata ?? {};
    return { ...o, metadata };
  });

/**
 * fixtures/scenarios/kubectl-dump-demo.yaml is what `kubectl get <22 kinds> -A -o yaml` printed
 * against the simulator serving the demo: a `kind: List` of many kinds, loaded unchanged.
 */
describe('a kubectl -o yaml dump as a scenario', () => {
  let fromDump: SimulatorHandleExtended;
  let fromDemo: SimulatorHandleExtended;
  beforeAll(async () => {
    // The dump was taken without the demo's time shift, so compare with the unshifted demo.
    [fromDump, fromDemo] = await Promise.all([
      startTestSimulator(DUMP),
      startTestSimulator(DEMO_SCENARIO, { anchorTime: false }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([fromDump?.close(), fromDemo?.close()]);
  });

  it('is one List of every kind', () => {
    const scenario = loadScenarioPath(DUMP);
    const kinds = new Set(scenario.objects.map((o) => o.kind));
    expect([...kinds].sort()).toEqual(KINDS.map(([, k]) => k).sort());
  });

  it.each(KINDS)('serves %s %s exactly as the original scenario did', (apiVersion, kind) => {
    const dumped = fromDump.list(apiVersion, kind);
    expect(dumped.length, kind).toBeGreaterThan(0);
    expect(comparable(dumped)).toEqual(comparable(fromDemo.list(apiVersion, kind)));
  });
});
