import { Fleet } from '../app/fleet.js';
import { LiveFleet } from '../app/fleet-live.js';
import type { Logger } from '../core/log.js';
import { demoResolver } from '../demo/resolver.js';
import { type Config, DEFAULT_CONFIG } from '../model/config.js';
import { type FleetSimulatorHandle, startFleetSimulator } from '../sim/fleet.js';

/** The fleet demo: a management cluster with 4 workload clusters, one of them down. */
export const FLEET_DEMO_SPEC = 'fleet=4,down=1,nodes=6,pods=60';

/**
 * The demo's config for a fleet: the demo's private registry, the presence check off (the fleet's
 * workload clusters have no registry of their own here), no SSH, no vCenter: nothing but the
 * simulated API servers on 127.0.0.1 is dialled, and DNS is never asked (demoResolver).
 */
export const FLEET_DEMO_CONFIG: Config = {
  ...DEFAULT_CONFIG,
  registry: { private: ['registry.example.internal/tkg'], profile: 'tkg', check: false },
};

export interface FleetDemo {
  readonly sim: FleetSimulatorHandle;
  readonly live: LiveFleet;
  close(): Promise<void>;
}

/** Starts the fleet simulator and a live fleet over it (not yet started), for the TUI, tests and the bench. */
export async function openFleetDemo(options: {
  readonly log: Logger;
  readonly spec?: string;
}): Promise<FleetDemo> {
  const sim = await startFleetSimulator({ spec: options.spec ?? FLEET_DEMO_SPEC });
  try {
    const fleet = await Fleet.open({
      kubeconfig: sim.kubeconfigPath,
      config: FLEET_DEMO_CONFIG,
      log: options.log,
      resolve: demoResolver,
    });
    const live = new LiveFleet(fleet);
    return {
      sim,
      live,
      close: async () => {
        live.close();
        await sim.close();
      },
    };
  } catch (err) {
    await sim.close();
    throw err;
  }
}

/** `airgap-top demo --fleet`: the fleet overview over the simulated estate. */
export async function runFleetDemo(log: Logger): Promise<number> {
  const demo = await openFleetDemo({ log });
  try {
    const { runFleetTui } = await import('../ui/fleet/run-fleet.js');
    return await runFleetTui(demo.live);
  } finally {
    await demo.close();
  }
}
