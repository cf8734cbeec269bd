import type { Logger } from '../app/log.js';
import type { ParsedOptions } from './args.js';

// PLACEHOLDER until the simulator lands.
export async function runSim(_flags: ParsedOptions, _log: Logger): Promise<number> {
  process.stderr.write('airgap-top sim: not implemented yet\n');
  return 2;
}
