import { execFileSync } from 'node:child_process';
import { noDnsNodeOptions } from './cli.js';

/**
 * A real terminal for end-to-end tests: a private tmux server (its own socket, so parallel runs
 * never meet) with one fixed-size pane running a shell command. Tests type with send-keys and read
 * the screen with capture-pane, as a person would.
 */
export class TmuxTerminal {
  private readonly socket: string;
  /** Every screen read, in order (a test can prove a secret was never on any of them). */
  readonly screens: string[] = [];

  /** `command` runs in `sh -c`; end it with e.g. `; sleep 120` to keep the pane after the program exits. */
  constructor(
    readonly cwd: string,
    command: string,
    options: { readonly name?: string; readonly width?: number; readonly height?: number } = {},
  ) {
    this.socket = `airgap-top-${options.name ?? 'e2e'}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const size = [String(options.width ?? 160), String(options.height ?? 45)];
    this.tmux('new-session', '-d', '-x', size[0] as string, '-y', size[1] as string, '-c', cwd, command);
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], {
      encoding: 'utf8',
      env: { ...process.env, TERM: 'xterm-256color', NODE_OPTIONS: noDnsNodeOptions() },
    });
  }

  screen(): string {
    const s = this.tmux('capture-pane', '-p', '-t', '0');
    this.screens.push(s);
    return s;
  }

  get lastScreen(): string {
    return this.screens[this.screens.length - 1] ?? '';
  }

  keys(...keys: string[]): void {
    for (const k of keys) this.tmux('send-keys', '-t', '0', k);
  }

  /** Types literal text (each character a key press). */
  type(text: string): void {
    this.tmux('send-keys', '-t', '0', '-l', text);
  }

  paneFlag(format: string): string {
    return this.tmux('display-message', '-p', '-t', '0', format).trim();
  }

  /**
   * Polls the screen until it matches and has settled (the same on two reads 100 ms apart), or
   * fails showing what was on screen. A read can land while the program is still writing a frame
   * (the top new, the rest not drawn yet); a settled read is a whole frame.
   */
  async waitFor(what: RegExp | string | ((screen: string) => boolean), timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let previous: string | undefined;
    for (;;) {
      const screen = this.screen();
      const ok =
        typeof what === 'string'
          ? screen.includes(what)
          : what instanceof RegExp
            ? what.test(screen)
            : what(screen);
      if (ok && screen === previous) return screen;
      previous = ok ? screen : undefined;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${String(what)}; the screen was:\n${screen}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
