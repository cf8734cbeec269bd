import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '../..');
export const CLI_PATH = join(ROOT, 'dist/cli/main.js');

/** NODE_OPTIONS that load the suite's DNS guard (test/setup/no-dns.mjs) into a child airgap-top. */
export function noDnsNodeOptions(existing: string | undefined = process.env.NODE_OPTIONS): string {
  const guard = `--import=${pathToFileURL(join(ROOT, 'test/setup/no-dns.mjs')).href}`;
  return existing?.includes(guard) ? existing : [existing, guard].filter(Boolean).join(' ');
}

export interface CliResult {
  /** The exit code; null when the process was killed (timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Added to (or overriding) this process's environment; `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Working folder; the repository root unless set. */
  readonly cwd?: string;
  /** Written to standard input, which is then closed (else standard input is empty). */
  readonly stdin?: string;
  /** Killed with SIGKILL after this long (the result's code is then null). */
  readonly timeoutMs?: number;
}

/** A process run to its end, asynchronously, with exactly `env` (default: this process's). */
export function runProcess(
  command: string,
  args: readonly string[],
  options: Omit<CliOptions, 'env'> & { readonly env?: Readonly<Record<string, string>> } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      ...(options.env ? { env: options.env } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdin.end(options.stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs the built CLI (build dist first) as a user would, without colour, asynchronously: a
 * simulator or sshd in this process keeps answering while it runs.
 */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = {};
  const base = { ...process.env, NO_COLOR: '1', NODE_OPTIONS: noDnsNodeOptions() };
  for (const [k, v] of Object.entries({ ...base, ...options.env })) {
    if (v !== undefined) env[k] = v;
  }
  return runProcess(process.execPath, [CLI_PATH, ...args], { ...options, env });
}
