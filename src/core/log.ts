import { appendFileSync } from 'node:fs';
import { errorMessage, UserFacingError } from './errors.js';
import { secrets } from './redact.js';
import { escapeControls } from './sanitize.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  readonly at: string;
  readonly level: LogLevel;
  readonly message: string;
}

/**
 * Every log line passes through the secret registry, and its control characters become visible
 * escapes; continuation lines are indented (a server message can neither drive the terminal nor
 * forge a line of its own). Lines go to a file (--log), to stderr
 * (report mode) or only to the in-memory ring the TUI shows; never to the TUI's stdout.
 */
export class Logger {
  readonly recent: LogLine[] = [];

  /**
   * The --log file is created (or opened for appending) at once, so a clean run leaves a file too and
   * an unwritable path fails before any cluster is touched (a UserFacingError: one line, exit 2).
   */
  constructor(
    private readonly sink: { file?: string; stderr?: boolean; minLevel?: LogLevel } = {},
    private readonly capacity = 500,
  ) {
    if (sink.file === undefined) return;
    try {
      appendFileSync(sink.file, '', { mode: 0o600 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserFacingError(`--log ${sink.file}: cannot write it (${code ?? errorMessage(err)})`);
    }
  }

  /** Whether debug lines are kept (-v): callers skip building costly debug text otherwise. */
  get debugEnabled(): boolean {
    return (this.sink.minLevel ?? 'info') === 'debug';
  }

  /** True when every line is echoed to stderr already (report -v): a caller must not print it twice. */
  get echoesToStderr(): boolean {
    return this.sink.stderr === true;
  }

  debug(message: string): void {
    this.write('debug', message);
  }
  info(message: string): void {
    this.write('info', message);
  }
  warn(message: string): void {
    this.write('warn', message);
  }
  error(message: string): void {
    this.write('error', message);
  }

  private write(level: LogLevel, raw: string): void {
    const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
    if (order.indexOf(level) < order.indexOf(this.sink.minLevel ?? 'info')) return;
    const line: LogLine = {
      at: new Date().toISOString(),
      level,
      message: logText(raw),
    };
    this.recent.push(line);
    if (this.recent.length > this.capacity) this.recent.shift();
    const text = `${line.at} ${level.toUpperCase()} ${line.message}\n`;
    if (this.sink.file) appendFileSync(this.sink.file, text);
    if (this.sink.stderr) process.stderr.write(text);
  }
}

function logText(raw: string): string {
  return escapeControls(secrets.redactText(raw), { keepLines: true }).replace(/\n/g, '\n  ');
}
