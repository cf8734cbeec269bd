import type { LiveFleet } from '../../app/fleet-live.js';
import { runTuiOn, terminalProblem } from '../run.js';
import { sessionSource } from '../source.js';

/**
 * The fleet TUI: the fleet overview until q; enter runs that cluster's own TUI (its session is
 * already live, so it opens synced), and esc on its overview (or q) comes back to the fleet on the same row.
 */
export async function runFleetTui(live: LiveFleet): Promise<number> {
  const problem = terminalProblem(process.stdin, process.stdout);
  if (problem) {
    process.stderr.write(`airgap-top: ${problem}\n`);
    return 2;
  }
  process.env.NODE_ENV ??= 'production';
  const [{ render }, { createElement }, { FleetOverview }] = await Promise.all([
    import('ink'),
    import('react'),
    import('./FleetOverview.js'),
  ]);
  void live.start().catch(() => undefined);
  let cursor: string | undefined;
  for (;;) {
    let opened: string | undefined;
    const instance = render(
      createElement(FleetOverview, {
        report: () => live.report(),
        initialKey: cursor,
        onOpen: (key: string) => {
          if (!live.sessionOf(key)) return;
          opened = key;
          instance.unmount();
        },
        onQuit: () => instance.unmount(),
      }),
      { exitOnCtrlC: true },
    );
    await instance.waitUntilExit();
    instance.cleanup();
    const session = opened ? live.sessionOf(opened) : undefined;
    if (!opened || !session) return 0;
    cursor = opened;
    await runTuiOn(
      sessionSource(session),
      () => Promise.resolve(),
      () => undefined,
      { escapeLeaves: true },
    );
  }
}
