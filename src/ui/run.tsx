import type { Session } from '../app/session.js';

// PLACEHOLDER until the TUI lands.
export async function runTui(_session: Session): Promise<number> {
  process.stderr.write('airgap-top: the TUI is not implemented yet\n');
  return 2;
}
