import { closeSync, openSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** Every flag airgap-top takes, kubectl-style. Subcommands read the ones that concern them. */
export const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  config: { type: 'string' },
  log: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  // report
  format: { type: 'string', short: 'o', multiple: true },
  output: { type: 'string' },
  'output-dir': { type: 'string' },
  'fail-on': { type: 'string' },
  strict: { type: 'boolean' },
  diff: { type: 'string' },
  'from-dump': { type: 'string' },
  timeout: { type: 'string' },
  // probes that dial out run only when asked
  ssh: { type: 'boolean' },
  'ssh-accept-new': { type: 'boolean' },
  'vsphere-inventory': { type: 'string' },
  'vsphere-insecure': { type: 'boolean' },
  // sim
  scenario: { type: 'string' },
  port: { type: 'string' },
  'kubeconfig-out': { type: 'string' },
  generate: { type: 'string' },
  seed: { type: 'string' },
  // checks
  markdown: { type: 'boolean' },
} as const;

export type ParsedOptions = ReturnType<typeof parseCommandLine>['values'];

export function parseCommandLine(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
}

function isDirectory(path: string): boolean | undefined {
  try {
    return statSync(path).isDirectory();
  } catch {
    return undefined; // does not exist (yet)
  }
}

/**
 * Where the output and the log go, checked before anything runs: a folder given as --output, a file
 * as --output-dir, or a --log that cannot be written is one clear line (exit 2), not an error after
 * a full sync or a log silently lost.
 */
export function outputPathProblem(
  flags: Pick<ParsedOptions, 'output' | 'output-dir' | 'log'>,
): string | undefined {
  const output = flags.output;
  if (output !== undefined && output !== '-' && isDirectory(output))
    return `--output ${output} is a folder: name a file, or use --output-dir ${output} to write every format there`;
  const dir = flags['output-dir'];
  if (dir !== undefined && isDirectory(dir) === false)
    return `--output-dir ${dir} is a file, not a folder: use --output ${dir} for one format`;
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

export const USAGE = `airgap-top: is this cluster really running only on the private registry, and is its vSphere plumbing right?

Usage:
  airgap-top [flags]                 live TUI against the current kubeconfig context
  airgap-top demo                    the TUI against a built-in simulated air-gapped TKG cluster
  airgap-top report [flags]          run the probes once and write a report (exit 0 pass, 1 fail, 2 could not run)
  airgap-top sim --scenario PATH     serve a scenario as a Kubernetes API on 127.0.0.1
  airgap-top checks [--markdown]     list every check code with its meaning and remedy

Cluster flags (as kubectl):
      --kubeconfig FILE      kubeconfig to use (default $KUBECONFIG, then ~/.kube/config)
      --context NAME         kubeconfig context
  -n, --namespace NS         only this namespace (default: all namespaces)
  -A, --all-namespaces       all namespaces (the default)
      --config FILE          airgap-top config (default ./airgap-top.toml, then ~/.config/airgap-top/config.toml)
      --log FILE             write a log (secrets are redacted)

Report flags:
  -o, --format FMT           json, md, html, junit, prom (repeat or comma-separate; default json)
      --output FILE|-        where to write one format (default -, standard output)
      --output-dir DIR       write every chosen format into DIR (report.json, report.md, report.html,
                             junit.xml, airgap-top.prom), each atomically
      --fail-on fail|warn    what makes exit code 1 (default fail); --strict is --fail-on warn
      --diff OLD.json        print what is new, resolved and changed since an earlier JSON report
                             (the report then goes only to --output FILE or --output-dir)
      --from-dump DIR        analyse a support bundle (kubectl -o yaml dumps, node files) instead of a live cluster
                             (collect one with scripts/collect-dump.sh)
      --timeout SECONDS      give up waiting for the first full sync (default 120)

Probe flags:
      --ssh                  run the SSH/containerd probe even without an [ssh] section
      --ssh-accept-new       trust unknown node host keys on first use and record them
      --vsphere-inventory F  read portgroups from a govc JSON file instead of vCenter
      --vsphere-insecure     skip vCenter TLS verification (shown in the report)

Simulator flags:
      --scenario PATH        scenario file or folder (YAML/JSON, kind: List, timeline)
      --port N               port on 127.0.0.1 (default: any free port)
      --kubeconfig-out FILE  where to write the kubeconfig for clients
      --generate SPEC        synthetic cluster, e.g. nodes=300,pods=10000
      --seed N               seed for --generate

  -h, --help                 this help
      --version              print the version
`;
