import { UserFacingError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { ParsedOptions } from './args.js';

/**
 * `airgap-top sim --scenario PATH | --generate SPEC [--seed N] [--port N] [--kubeconfig-out FILE]`:
 * serves the scenario on 127.0.0.1, prints exactly one line `ready <url> <kubeconfig>` once it
 * listens, and runs until SIGINT/SIGTERM.
 */
export async function runSim(flags: ParsedOptions, log: Logger): Promise<number> {
  if (!flags.scenario && flags.generate === undefined) {
    throw new UserFacingError(
      'sim needs --scenario PATH (file or folder of YAML/JSON) or --generate SPEC (e.g. nodes=300,pods=10000)',
    );
  }
  const port = flags.port === undefined ? 0 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UserFacingError(`--port must be a port number (got "${flags.port}")`);
  const seed = flags.seed === undefined ? 1 : Number(flags.seed);
  if (!Number.isInteger(seed)) throw new UserFacingError(`--seed must be an integer (got "${flags.seed}")`);
  if (flags.generate !== undefined && (await import('../sim/fleet.js')).isFleetSpec(flags.generate))
    return runFleetSim(flags.generate, seed, port, flags['kubeconfig-out'], log);
  const { startSimulator } = await import('../sim/server/index.js');
  const { ScenarioError } = await import('../sim/scenario.js');
  let handle: Awaited<ReturnType<typeof startSimulator>>;
  try {
    handle = await startSimulator({
      scenario: flags.scenario,
      generate: flags.generate,
      seed,
      port,
      kubeconfigOut: flags['kubeconfig-out'],
      onTimelineError: (message) => {
        log.warn(message);
        process.stderr.write(`airgap-top sim: ${message}\n`);
      },
    });
  } catch (err) {
    if (err instanceof ScenarioError) throw new UserFacingError(err.message);
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new UserFacingError(`port ${port} on 127.0.0.1 is already in use`);
    if (err instanceof Error && /^(cannot load|--generate)/.test(err.message))
      throw new UserFacingError(err.message);
    throw err;
  }
  log.info(`simulator listening on ${handle.url}`);
  process.stdout.write(`ready ${handle.url} ${handle.kubeconfigPath}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await handle.close();
  return 0;
}

/** `sim --generate fleet=N,...`: the management server's line is the ready line; members go to stderr. */
async function runFleetSim(
  spec: string,
  seed: number,
  port: number,
  kubeconfigOut: string | undefined,
  log: Logger,
): Promise<number> {
  const { startFleetSimulator } = await import('../sim/fleet.js');
  let fleet: Awaited<ReturnType<typeof startFleetSimulator>>;
  try {
    fleet = await startFleetSimulator({ spec, seed, port, kubeconfigOut });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new UserFacingError(`port ${port} on 127.0.0.1 is already in use`);
    if (err instanceof Error && /^--generate/.test(err.message)) throw new UserFacingError(err.message);
    throw err;
  }
  for (const m of fleet.members)
    process.stderr.write(
      `airgap-top sim: cluster ${m.namespace}/${m.name} ${m.handle ? m.server : `down (${m.server})`}\n`,
    );
  log.info(`fleet simulator: management on ${fleet.url}, ${fleet.members.length} clusters`);
  process.stdout.write(`ready ${fleet.url} ${fleet.kubeconfigPath}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await fleet.close();
  return 0;
}
