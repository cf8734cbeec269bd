import { closeSync, openSync, statSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UserFacingError } from '../core/errors.js';
import { REPORT_FORMATS } from '../report/index.js';

/**
 * The command line, kubectl-style: one table of flags, one of commands. Parsing, per-command
 * validation, `help [command]` and shell completion all read these two tables, so a flag cannot be
 * accepted by one and unknown to another.
 */

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Placeholder of the value in help, e.g. FILE. */
  readonly value?: string;
  readonly help: string;
  /** Accepted but not listed in help (kept for compatibility). */
  readonly hidden?: boolean;
  /** What shell completion offers for the value. */
  readonly complete?: 'file' | 'dir' | 'context' | 'format' | 'namespace';
}

export const FLAGS = {
  help: { type: 'boolean', short: 'h', help: 'help for this command' },
  version: { type: 'boolean', help: 'print the version' },
  kubeconfig: {
    type: 'string',
    value: 'FILE',
    help: 'kubeconfig to use (default $KUBECONFIG, then ~/.kube/config)',
    complete: 'file',
  },
  context: { type: 'string', value: 'NAME', help: 'kubeconfig context', complete: 'context' },
  namespace: {
    type: 'string',
    short: 'n',
    value: 'NS',
    help: 'only this namespace (default: all namespaces)',
    complete: 'namespace',
  },
  'all-namespaces': { type: 'boolean', short: 'A', help: 'all namespaces (the default)' },
  config: {
    type: 'string',
    value: 'FILE',
    help: 'airgap-top config (default ./airgap-top.toml, then ~/.config/airgap-top/config.toml)',
    complete: 'file',
  },
  log: { type: 'string', value: 'FILE', help: 'write a log (secrets are redacted)', complete: 'file' },
  verbose: { type: 'boolean', short: 'v', help: 'debug lines in the log (report: also on stderr)' },
  // report
  output: {
    type: 'string',
    short: 'o',
    multiple: true,
    value: 'FMT',
    help: `report format: ${REPORT_FORMATS.join(', ')} (repeat or comma-separate; default json)`,
    complete: 'format',
  },
  format: {
    type: 'string',
    multiple: true,
    value: 'FMT',
    help: 'same as -o',
    hidden: true,
    complete: 'format',
  },
  'output-file': {
    type: 'string',
    value: 'FILE|-',
    help: 'where to write one format (default -, standard output)',
    complete: 'file',
  },
  'output-dir': {
    type: 'string',
    value: 'DIR',
    help: 'write every chosen format into DIR (report.json, report.md, report.html, junit.xml, airgap-top.prom), each atomically',
    complete: 'dir',
  },
  'fail-on': { type: 'string', value: 'fail|warn', help: 'what makes exit code 1 (default fail)' },
  strict: { type: 'boolean', help: 'same as --fail-on warn' },
  diff: {
    type: 'string',
    value: 'OLD.json',
    help: 'print what is new, resolved and changed since an earlier JSON report (the report then goes only to --output-file or --output-dir)',
    complete: 'file',
  },
  'from-dump': {
    type: 'string',
    value: 'DIR',
    help: 'analyse a support bundle (kubectl -o yaml dumps, node files) instead of a live cluster',
    complete: 'dir',
  },
  timeout: {
    type: 'string',
    value: 'SECONDS',
    help: 'give up waiting for the first full sync (default 120)',
  },
  // probes that dial out run only when asked
  ssh: { type: 'boolean', help: 'run the SSH/containerd probe even without an [ssh] section' },
  'ssh-accept-new': { type: 'boolean', help: 'trust unknown node host keys on first use and record them' },
  'vsphere-inventory': {
    type: 'string',
    value: 'FILE',
    help: 'read portgroups from a govc JSON file instead of vCenter',
    complete: 'file',
  },
  'vsphere-insecure': { type: 'boolean', help: 'skip vCenter TLS verification (shown in the report)' },
  'no-registry-check': {
    type: 'boolean',
    help: 'do not ask the registries whether they hold the images ([registry] check = false)',
    // Accepted (scripts may pass it already) but not listed until the presence probe runs.
    hidden: true,
  },
  // fleet (report, serve, demo)
  fleet: {
    type: 'boolean',
    help: 'the kubeconfig names a Cluster API management cluster: verify every workload cluster it lists',
  },
  'fleet-concurrency': {
    type: 'string',
    value: 'N',
    help: 'workload clusters opened and synced at once in --fleet (default 4)',
  },
  expect: {
    type: 'string',
    value: 'FILE[=REPO]',
    help: 'images the registry must hold: publish-images-fromtar.yaml, a TKG/TKr BOM or a list (repeatable; REPO: the destination)',
    multiple: true,
    complete: 'file',
  },
  // serve
  listen: {
    type: 'string',
    value: 'HOST:PORT',
    help: 'where serve answers (default 127.0.0.1:9877; another address only when given here)',
  },
  'token-file': {
    type: 'string',
    value: 'FILE',
    help: 'require "Authorization: Bearer TOKEN" (the file holds TOKEN) on every endpoint but /healthz',
    complete: 'file',
  },
  // sim and demo
  scenario: {
    type: 'string',
    value: 'PATH',
    help: 'scenario file or folder (YAML/JSON, kind: List, timeline)',
    complete: 'file',
  },
  port: { type: 'string', value: 'N', help: 'port on 127.0.0.1 (default: any free port)' },
  'kubeconfig-out': {
    type: 'string',
    value: 'FILE',
    help: 'where to write the kubeconfig for clients',
    complete: 'file',
  },
  generate: { type: 'string', value: 'SPEC', help: 'synthetic cluster, e.g. nodes=300,pods=10000' },
  seed: { type: 'string', value: 'N', help: 'seed for --generate' },
  // checks
  markdown: { type: 'boolean', help: 'the reference as Markdown (docs/checks.md)' },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;

const CLUSTER_FLAGS = ['kubeconfig', 'context', 'namespace', 'all-namespaces', 'config'] as const;
const LOG_FLAGS = ['log', 'verbose'] as const;
const PROBE_FLAGS = [
  'ssh',
  'ssh-accept-new',
  'vsphere-inventory',
  'vsphere-insecure',
  'no-registry-check',
  'expect',
] as const;

export interface CommandSpec {
  /** `airgap-top <usage>` in help. */
  readonly usage: string;
  readonly summary: string;
  readonly flags: readonly FlagName[];
  /** Words that may follow the command (completion offers them). */
  readonly args?: readonly string[];
  /** How many positional words the command takes after its name. */
  readonly maxArgs: number;
}

export const COMMANDS = {
  tui: {
    usage: '[tui] [flags]',
    summary: 'live TUI against the current kubeconfig context',
    flags: [...CLUSTER_FLAGS, ...LOG_FLAGS, ...PROBE_FLAGS],
    maxArgs: 0,
  },
  demo: {
    usage: 'demo [--scenario PATH] [--config FILE]',
    summary: 'the TUI against a built-in simulated air-gapped TKG cluster',
    flags: ['scenario', 'config', 'fleet', ...LOG_FLAGS],
    maxArgs: 0,
  },
  report: {
    usage: 'report [flags]',
    summary: 'run the probes once and write a report (exit 0 pass, 1 fail or unproven, 2 could not run)',
    flags: [
      ...CLUSTER_FLAGS,
      ...LOG_FLAGS,
      'output',
      'format',
      'output-file',
      'output-dir',
      'fail-on',
      'strict',
      'diff',
      'from-dump',
      'timeout',
      'fleet',
      'fleet-concurrency',
      ...PROBE_FLAGS,
    ],
    maxArgs: 0,
  },
  serve: {
    usage: 'serve [--listen HOST:PORT] [--token-file FILE] [flags]',
    summary: 'keep every probe live and serve /metrics (Prometheus), /healthz, /readyz, /report.json',
    flags: [
      ...CLUSTER_FLAGS,
      ...LOG_FLAGS,
      'listen',
      'token-file',
      'fleet',
      'fleet-concurrency',
      ...PROBE_FLAGS,
    ],
    maxArgs: 0,
  },
  sim: {
    usage: 'sim --scenario PATH | --generate SPEC [flags]',
    summary: 'serve a scenario as a Kubernetes API on 127.0.0.1',
    flags: ['scenario', 'generate', 'seed', 'port', 'kubeconfig-out', ...LOG_FLAGS],
    maxArgs: 0,
  },
  checks: {
    usage: 'checks [CODE] [--markdown]',
    summary: 'list every check code, or explain one',
    flags: ['markdown'],
    maxArgs: 1,
  },
  config: {
    usage: 'config init [--config FILE]',
    summary: 'write a commented starting config for the current cluster (never overwrites)',
    flags: ['kubeconfig', 'context', 'config', ...LOG_FLAGS],
    args: ['init'],
    maxArgs: 1,
  },
  completion: {
    usage: 'completion bash|zsh|fish',
    summary: 'print a shell completion script',
    flags: ['kubeconfig'],
    args: ['bash', 'zsh', 'fish'],
    maxArgs: 1,
  },
  dump: {
    usage: 'dump [-o DIR] [flags]',
    summary: 'collect a support bundle for offline reports (objects, node files; never Secrets)',
    flags: [
      'kubeconfig',
      'context',
      'config',
      ...LOG_FLAGS,
      'output',
      'output-dir',
      'ssh',
      'ssh-accept-new',
      'vsphere-inventory',
    ],
    maxArgs: 0,
  },
  help: {
    usage: 'help [COMMAND]',
    summary: "print help, or one command's help",
    flags: [],
    maxArgs: 1,
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

export function isCommandName(value: string): value is CommandName {
  return Object.hasOwn(COMMANDS, value);
}

/** Flags every command takes. */
const UNIVERSAL: readonly FlagName[] = ['help', 'version'];

export interface ParsedOptions {
  readonly help?: boolean;
  readonly version?: boolean;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly 'all-namespaces'?: boolean;
  readonly config?: string;
  readonly log?: string;
  readonly verbose?: boolean;
  /** Report formats from -o/--output (and the old --format), in order. */
  readonly format?: string[];
  /** --output-file: the file of a single format ("-" = standard output). */
  readonly output?: string;
  readonly 'output-dir'?: string;
  readonly 'fail-on'?: string;
  readonly strict?: boolean;
  readonly diff?: string;
  readonly 'from-dump'?: string;
  readonly timeout?: string;
  readonly ssh?: boolean;
  readonly 'ssh-accept-new'?: boolean;
  readonly 'vsphere-inventory'?: string;
  readonly 'vsphere-insecure'?: boolean;
  readonly 'no-registry-check'?: boolean;
  readonly fleet?: boolean;
  readonly 'fleet-concurrency'?: string;
  readonly expect?: readonly string[];
  readonly listen?: string;
  readonly 'token-file'?: string;
  readonly scenario?: string;
  readonly port?: string;
  readonly 'kubeconfig-out'?: string;
  readonly generate?: string;
  readonly seed?: string;
  readonly markdown?: boolean;
}

export interface CommandLine {
  readonly command: CommandName;
  /** Positional words after the command. */
  readonly args: readonly string[];
  readonly values: ParsedOptions;
}

/** A command line airgap-top cannot run: one line, naming the command when there is one. */
export class UsageError extends UserFacingError {
  constructor(
    message: string,
    readonly command?: CommandName,
  ) {
    super(message);
  }
}

/** `-o=json` means `-o json` (kubectl accepts it; Node's parser would keep the `=`). */
function normaliseShortEquals(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    const m = /^-([A-Za-z])=(.*)$/s.exec(arg);
    if (m) out.push(`-${m[1]}`, m[2] as string);
    else out.push(arg);
  }
  return out;
}

const PARSE_OPTIONS: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
  Object.entries(FLAGS).map(([name, spec]: [string, FlagSpec]) => [
    name,
    {
      type: spec.type,
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.multiple ? { multiple: true } : {}),
    },
  ]),
);

/** What Node's parser gives for FLAGS: -o/--output and --format repeat; --output-file is the file. */
type RawValues = Omit<ParsedOptions, 'format' | 'output'> & {
  readonly output?: string[];
  readonly format?: string[];
  readonly 'output-file'?: string;
};

function flagLabel(name: FlagName): string {
  const spec: FlagSpec = FLAGS[name];
  return spec.short ? `-${spec.short}/--${name}` : `--${name}`;
}

/**
 * Parses argv into the command, its words and its flags. Throws a UsageError (exit 2) for an
 * unknown command, an unknown flag, a flag of another command, or a missing value.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const args = normaliseShortEquals(argv);
  let parsed: {
    values: Record<string, unknown>;
    positionals: string[];
    tokens: { kind: string; name?: string }[];
  };
  try {
    parsed = parseArgs({ args, options: PARSE_OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    throw translateParseError(err, commandWord(args));
  }
  const [first, ...rest] = parsed.positionals;
  const word = first ?? 'tui';
  if (!isCommandName(word)) {
    throw new UsageError(
      `unknown command "${word}" (commands: ${Object.keys(COMMANDS).join(', ')}); see "airgap-top help"`,
    );
  }
  const spec: CommandSpec = COMMANDS[word];
  const allowed = new Set<string>([...UNIVERSAL, ...spec.flags]);
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    if (token.name !== undefined && !allowed.has(token.name)) {
      throw new UsageError(
        `${flagLabel(token.name as FlagName)} is not a flag of "airgap-top ${word}"; see "airgap-top ${word} --help"`,
        word,
      );
    }
  }
  if (rest.length > spec.maxArgs && parsed.values.help !== true) {
    throw new UsageError(
      `"airgap-top ${word}" takes ${spec.maxArgs === 0 ? 'no arguments' : `at most ${spec.maxArgs} argument`}, got "${rest.join(' ')}"; see "airgap-top ${word} --help"`,
      word,
    );
  }
  const { output, format, 'output-file': outputFile, ...values } = parsed.values as RawValues;
  const formats = [...(format ?? []), ...(output ?? [])];
  // `dump -o DIR`: there -o names the bundle's folder, not a report format.
  for (const value of word === 'dump' ? [] : formats.flatMap((f) => f.split(','))) {
    const name = value.trim().toLowerCase();
    if (name !== '' && !(REPORT_FORMATS as readonly string[]).includes(name)) {
      const looksLikeFile = /[./\\]/.test(value) || value === '-';
      throw new UsageError(
        looksLikeFile
          ? `-o/--output takes a format (${REPORT_FORMATS.join(', ')}), as in kubectl; to write to ${value} use --output-file ${value}`
          : `unknown report format "${value}" (known: ${REPORT_FORMATS.join(', ')})`,
        word,
      );
    }
  }
  return {
    command: word,
    args: rest,
    values: {
      ...values,
      ...(formats.length ? { format: formats } : {}),
      ...(outputFile !== undefined ? { output: outputFile } : {}),
    },
  };
}

/** The first positional word, for naming the command in an error before parsing succeeded. */
function commandWord(args: readonly string[]): CommandName | undefined {
  const word = args.find((a) => !a.startsWith('-'));
  return word !== undefined && isCommandName(word) ? word : undefined;
}

function translateParseError(err: unknown, command: CommandName | undefined): UsageError {
  const e = err as { code?: string; message?: string };
  const where = command ? `"airgap-top ${command}"` : 'airgap-top';
  const help = command ? `airgap-top ${command} --help` : 'airgap-top --help';
  const quoted = /'([^']+)'/.exec(e.message ?? '')?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown flag ${quoted ?? ''} for ${where}; see "${help}"`, command);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      // Node says either "option '-o, --output <value>' argument missing" or "... does not take an argument".
      const flag = quoted?.split(' ')[0]?.replace(/,$/, '') ?? 'a flag';
      const name = quoted?.match(/--([\w-]+)/)?.[1];
      if (/argument missing/.test(e.message ?? '')) {
        const value =
          name && name in FLAGS ? ((FLAGS[name as FlagName] as FlagSpec).value ?? 'VALUE') : 'VALUE';
        return new UsageError(
          `${name ? `--${name}` : flag} needs a value (${value}); see "${help}"`,
          command,
        );
      }
      return new UsageError(`${name ? `--${name}` : flag} takes no value; see "${help}"`, command);
    }
    default:
      return new UsageError(`${e.message ?? String(err)}; see "${help}"`, command);
  }
}

function flagLines(names: readonly FlagName[]): string[] {
  const rows = names
    .filter((n) => !(FLAGS[n] as FlagSpec).hidden)
    .map((name) => {
      const spec: FlagSpec = FLAGS[name];
      const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`;
      return [left, spec.help] as const;
    });
  const width = Math.max(0, ...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, h]) => `  ${l.padEnd(width)}${h}`);
}

/** `airgap-top help COMMAND` / `airgap-top COMMAND --help`. */
export function commandHelp(command: CommandName): string {
  const spec: CommandSpec = COMMANDS[command];
  const lines = [`airgap-top ${command}: ${spec.summary}`, '', 'Usage:', `  airgap-top ${spec.usage}`, ''];
  const flags = [...spec.flags, ...UNIVERSAL];
  lines.push('Flags:', ...flagLines(flags));
  if (command === 'report') {
    lines.push(
      '',
      'Exit codes: 0 nothing failed; 1 a finding failed (or warned with --fail-on warn), or a probe',
      'could not finish; 2 airgap-top itself could not run (bad flags, config, kubeconfig, unreachable API).',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `airgap-top --help`: every command, then the flags every command shares. */
export function generalHelp(): string {
  const names = Object.keys(COMMANDS) as CommandName[];
  const usages = names.map((n) => [`airgap-top ${COMMANDS[n].usage}`, COMMANDS[n].summary] as const);
  const width = Math.max(...usages.map(([u]) => u.length)) + 2;
  return [
    'airgap-top: is this cluster really running only on the private registry, and is its vSphere plumbing right?',
    '',
    'Usage:',
    ...usages.map(([u, s]) => `  ${u.padEnd(width)}${s}`),
    '',
    'Cluster flags (as kubectl):',
    ...flagLines([...CLUSTER_FLAGS, ...LOG_FLAGS]),
    '',
    'Flags:',
    ...flagLines(UNIVERSAL),
    '',
    'Run "airgap-top help COMMAND" or "airgap-top COMMAND --help" for the flags of one command.',
    '',
  ].join('\n');
}

function isDirectory(path: string): boolean | undefined {
  try {
    return statSync(path).isDirectory();
  } catch {
    return undefined; // does not exist (yet)
  }
}

/**
 * Where the report and the log go, checked before anything runs: a folder given as --output-file, a
 * file as --output-dir, or a --log that cannot be written is one clear line (exit 2), not an error
 * after a full sync or a log silently lost. (`-o DIR` is refused by the parser: -o takes a format.)
 */
export function outputPathProblem(
  flags: Pick<ParsedOptions, 'output' | 'output-dir' | 'log'>,
): string | undefined {
  const output = flags.output;
  if (output !== undefined && output !== '-' && isDirectory(output))
    return `--output-file ${output} is a folder: name a file, or use --output-dir ${output} to write every format there`;
  const dir = flags['output-dir'];
  if (dir !== undefined && isDirectory(dir) === false)
    return `--output-dir ${dir} is a file, not a folder: use --output-file ${dir} for one format`;
  if (flags.log !== undefined) {
    if (isDirectory(flags.log)) return `--log ${flags.log} is a folder: name a file`;
    try {
      closeSync(openSync(flags.log, 'a', 0o600));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      return `--log ${flags.log}: cannot write it (${code})`;
    }
  }
  return undefined;
}
