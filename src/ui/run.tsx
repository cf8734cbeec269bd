import type { SecretPrompts } from '../app/secret-prompts.js';
import type { Session } from '../app/session.js';
import { sessionSource, type TuiSource } from './source.js';
import { asciiStream, localeIsUtf8 } from './symbols.js';

export interface RunTuiOptions {
  /** `esc` on the overview ends this TUI (a fleet's cluster: back to the fleet overview). */
  readonly escapeLeaves?: boolean;
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  /** Where ctrl-s writes reports (default: the current directory). */
  readonly exportDir?: string;
  /** Use the terminal's alternate screen, as k9s and less do (default: when stdout is a TTY). */
  readonly alternateScreen?: boolean;
  /**
   * The queue the session's askSecret feeds (SessionOptions.askSecret = prompts.ask): the screen
   * shows a masked prompt for each request. Closed (every waiting probe cancelled) on the way out.
   */
  readonly prompts?: SecretPrompts;
  /** Draw ASCII symbols only (default: when the locale is not UTF-8; decided once, here). */
  readonly ascii?: boolean;
}

/**
 * Why the live screen cannot run on these streams, or undefined when it can. Both ends must be a
 * terminal: with stdout redirected (`airgap-top > file`) the file would fill with frames and the
 * person would see nothing, while the keys still drive an invisible screen.
 */
export function terminalProblem(
  stdin: { readonly isTTY?: boolean },
  stdout: { readonly isTTY?: boolean },
): string | undefined {
  const not = [stdin.isTTY ? undefined : 'stdin', stdout.isTTY ? undefined : 'stdout'].filter(Boolean);
  if (!not.length) return undefined;
  return `the live screen needs a terminal (${not.join(' and ')} ${not.length > 1 ? 'are' : 'is'} not a TTY); for pipelines use "airgap-top report"`;
}

const ENTER_ALT = '\u001b[?1049h\u001b[H';
const LEAVE_ALT = '\u001b[?1049l';
const SHOW_CURSOR = '\u001b[?25h';

/**
 * Runs the TUI over a session until the person quits (q, :q, ctrl-c) or the process is asked to stop
 * (SIGINT from kill, SIGTERM, SIGHUP). Starts the probes itself, so the screen shows them loading. On the way out the
 * terminal is restored (alternate screen left, cursor shown, raw mode off) and the session closed.
 * Resolves with the exit code: 0 after a normal quit, 2 when there is no terminal to draw on.
 */
export async function runTui(session: Session, options: RunTuiOptions = {}): Promise<number> {
  return runTuiOn(
    sessionSource(session, options.prompts),
    () => session.start(),
    () => {
      options.prompts?.close();
      session.close();
    },
    options,
  );
}

/** runTui over any source (tests, the bench). */
export async function runTuiOn(
  source: TuiSource,
  start: () => Promise<void>,
  close: () => void,
  options: RunTuiOptions = {},
): Promise<number> {
  const stdin = options.stdin ?? process.stdin;
  const terminal = options.stdout ?? process.stdout;
  const ascii = options.ascii ?? !localeIsUtf8(process.env);
  const stdout = ascii ? asciiStream(terminal) : terminal;
  const problem = terminalProblem(stdin, stdout);
  if (problem) {
    close();
    process.stderr.write(`airgap-top: ${problem}\n`);
    return 2;
  }
  // React's development build is several times slower per frame (prop diffing, performance marks);
  // it must be chosen before React is first loaded, hence the imports below are dynamic.
  process.env.NODE_ENV ??= 'production';
  const [{ render }, { createElement }, { App }] = await withoutCiMarkers(stdout.isTTY === true, () =>
    Promise.all([import('ink'), import('react'), import('./App.js')]),
  );
  const alternate = options.alternateScreen ?? stdout.isTTY === true;
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    if (alternate) stdout.write(LEAVE_ALT);
    stdout.write(SHOW_CURSOR);
  };
  if (alternate) stdout.write(ENTER_ALT);
  void start().catch(() => undefined);
  const instance = render(
    createElement(App, { source, exportDir: options.exportDir, ascii, escapeLeaves: options.escapeLeaves }),
    {
      stdin,
      stdout,
      exitOnCtrlC: false,
      patchConsole: true,
      maxFps: 30,
      // Not incrementalRendering: in Ink 6.8 it left stale lines on screen when rows changed in
      // the middle of the frame (seen in the demo while probes finished loading).
    },
  );
  const stop = (): void => instance.unmount();
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, stop);
  process.once('exit', restore);
  try {
    await instance.waitUntilExit();
    return 0;
  } finally {
    for (const s of signals) process.off(s, stop);
    process.off('exit', restore);
    instance.cleanup();
    restore();
    close();
  }
}

/**
 * Ink reads CI/CONTINUOUS_INTEGRATION once, when it is first imported, and then draws only the last
 * frame. On a real terminal the screen is interactive whatever the environment says (an SRE's shell
 * in a CI runner, or tmux started from one), so the markers are hidden while Ink loads, then put back.
 */
async function withoutCiMarkers<T>(terminal: boolean, load: () => Promise<T>): Promise<T> {
  if (!terminal) return load();
  const saved: Record<string, string | undefined> = {};
  for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) {
    saved[key] = process.env[key];
    delete process.env[key];
  }
  try {
    return await load();
  } finally {
    for (const [key, value] of Object.entries(saved)) if (value !== undefined) process.env[key] = value;
  }
}
