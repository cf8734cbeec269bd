import type { Logger } from '../app/log.js';
import type { ParsedOptions } from './args.js';

// PLACEHOLDER until the simulator lands.
export async function runDemo(_flags: ParsedOptions, _log: Logger): Promise<number> {
  process.stderr.write('airgap-top demo: not implemented yet\n');
  return 2;
}
