import { join } from 'node:path';
import { SecretPrompts } from '../app/secret-prompts.js';
import { Session } from '../app/session.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { DEMO_ASSET_DIR, demoFiles, PACKAGE_ROOT } from '../demo/assets.js';
import { registryDemoExtension } from '../demo/registry.js';
import { demoResolver } from '../demo/resolver.js';
import { containerdDemoExtension } from '../demo/ssh-nodes.js';
import type { Config } from '../model/config.js';
import type { AskSecret } from '../probes/types.js';
import type { SimulatorHandleExtended } from '../sim/server/index.js';
import type { ParsedOptions } from './args.js';
import { loadConfigFile } from './config-file.js';

/** The built-in demo: an air-gapped TKG cluster in mid-rollout (see fixtures/demo/scenario/). */
export const DEMO_SCENARIO = join(PACKAGE_ROOT, DEMO_ASSET_DIR, 'scenario/');

export interface DemoContext {
  readonly sim: SimulatorHandleExtended;
  readonly config: Config;
  readonly log: Logger;
}

/**
 * Something the demo starts next to the simulated API server (simulated SSH nodes, a vCenter
 * inventory file, ...). It returns config overrides to merge before the Session opens, and a
 * cleanup that runs when the demo exits.
 */
export interface DemoExtension {
  readonly name: string;
  setup(ctx: DemoContext): Promise<{ readonly config?: Config; close?(): void | Promise<void> }>;
}

// ---- Demo extensions: other probes hook their simulated peers in here (containerd: in-process SSH
// ---- nodes from src/demo/ssh-nodes.ts; vsphere: an inventory file). Each gets the config built
// ---- so far and returns the config to continue with.
const DEMO_EXTENSIONS: readonly DemoExtension[] = [
  // containerd helper: simulated SSH nodes (in-process ssh2 server, one drifting node).
  containerdDemoExtension,
  // registry: the embedded registry on loopback (src/demo/registry.ts), dialled via [registry.connect_to].
  registryDemoExtension,
];

export interface DemoEnvironment {
  readonly sim: SimulatorHandleExtended;
  readonly config: Config;
  readonly session: Session;
  close(): Promise<void>;
}

/**
 * Starts everything the demo needs without drawing anything (the TUI, tests and the bench use it):
 * the simulator on 127.0.0.1:0 with the demo scenario and its timeline, the demo config, the
 * extensions, and an opened (not yet started) live Session.
 */
export async function openDemo(options: {
  readonly log: Logger;
  readonly scenario?: string;
  readonly configPath?: string;
  readonly timeline?: boolean;
  /** The TUI's password prompt (a demo config may point [vsphere] at a live vCenter). */
  readonly askSecret?: AskSecret;
}): Promise<DemoEnvironment> {
  const { startSimulator } = await import('../sim/server/index.js');
  // The single executable unpacks its embedded demo files; elsewhere these are the package's files.
  const files = await demoFiles();
  let sim: SimulatorHandleExtended;
  try {
    sim = await startSimulator({
      scenario: options.scenario ?? files.scenario,
      ...(options.scenario === undefined ? { compiledScenario: files.compiledScenario } : {}),
      port: 0,
      timeline: options.timeline,
    });
  } catch (err) {
    files.close();
    throw err;
  }
  const cleanups: (() => void | Promise<void>)[] = [files.close];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        options.log.warn(`demo cleanup failed: ${errorMessage(err)}`);
      }
    }
    await sim.close();
  };
  try {
    const loaded = loadConfigFile(options.configPath ?? files.config);
    for (const warning of loaded.warnings) options.log.warn(warning);
    let config = loaded.config;
    for (const extension of DEMO_EXTENSIONS) {
      const result = await extension.setup({ sim, config, log: options.log });
      if (result.config) config = result.config;
      if (result.close) cleanups.push(result.close);
    }
    const session = await Session.open({
      kubeconfig: sim.kubeconfigPath,
      config,
      log: options.log,
      live: true,
      resolve: demoResolver,
      askSecret: options.askSecret,
    });
    cleanups.push(() => session.close());
    return { sim, config, session, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** `airgap-top demo [--scenario PATH] [--config FILE]`: the TUI over the simulated cluster. */
export async function runDemo(flags: ParsedOptions, log: Logger): Promise<number> {
  if (flags.fleet) return (await import('./demo-fleet.js')).runFleetDemo(log);
  const prompts = new SecretPrompts();
  const demo = await openDemo({
    log,
    scenario: flags.scenario,
    configPath: flags.config,
    askSecret: prompts.ask,
  });
  try {
    const { runTui } = await import('../ui/run.js');
    return await runTui(demo.session, { prompts });
  } finally {
    await demo.close();
  }
}
