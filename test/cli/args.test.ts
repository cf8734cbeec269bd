import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COMMANDS,
  type CommandName,
  commandHelp,
  FLAGS,
  generalHelp,
  parseCommandLine,
} from '../../src/cli/args.js';
import { explainCheck } from '../../src/cli/checks-command.js';
import { kubeconfigContexts, renderCompletion } from '../../src/cli/completion-command.js';
import { CHECKS } from '../../src/model/checks/index.js';

const CLI = join(import.meta.dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'airgap-top-args-'));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: join(dir, 'none') },
    cwd: dir,
    timeout: 20_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('-o/--output is the format, as in kubectl', () => {
  it.each([
    [['report', '-o', 'json']],
    [['report', '-ojson']],
    [['report', '-o=json']],
    [['report', '--output=json']],
    [['report', '--output', 'json']],
    [['report', '--format', 'json']],
  ])('%j', (argv) => {
    const parsed = parseCommandLine(argv);
    expect(parsed.command).toBe('report');
    expect(parsed.values.format).toEqual(['json']);
    expect(parsed.values.output).toBeUndefined();
  });

  it('repeats and comma lists keep their order; --output-file is the file', () => {
    const parsed = parseCommandLine(['report', '-o', 'md,html', '-o', 'prom', '--output-file', 'r.prom']);
    expect(parsed.values.format).toEqual(['md,html', 'prom']);
    expect(parsed.values.output).toBe('r.prom');
  });

  it.each([
    [
      'report.json',
      /^-o\/--output takes a format \(json, md, html, junit, prom\), as in kubectl; to write to report\.json use --output-file report\.json$/,
    ],
    ['out/r.md', /to write to out\/r\.md use --output-file out\/r\.md$/],
    ['pdf', /^unknown report format "pdf" \(known: json, md, html, junit, prom\)$/],
  ])('--output %s is refused with a hint', (value, message) => {
    expect(() => parseCommandLine(['report', '--output', value])).toThrow(message);
  });
});

describe('each command takes its own flags', () => {
  it.each([
    [
      ['report', '--port', '8080'],
      '--port is not a flag of "airgap-top report"; see "airgap-top report --help"',
    ],
    [
      ['sim', '--output-dir', 'x'],
      '--output-dir is not a flag of "airgap-top sim"; see "airgap-top sim --help"',
    ],
    [
      ['demo', '-n', 'default'],
      '-n/--namespace is not a flag of "airgap-top demo"; see "airgap-top demo --help"',
    ],
    [
      ['checks', '--kubeconfig', 'k'],
      '--kubeconfig is not a flag of "airgap-top checks"; see "airgap-top checks --help"',
    ],
    [['--scenario', 'x'], '--scenario is not a flag of "airgap-top tui"; see "airgap-top tui --help"'],
    [['report', '--bogus'], 'unknown flag --bogus for "airgap-top report"; see "airgap-top report --help"'],
    [['report', '--kubeconfig'], '--kubeconfig needs a value (FILE); see "airgap-top report --help"'],
    [['report', '--strict=yes'], '--strict takes no value; see "airgap-top report --help"'],
    [
      ['nosuch'],
      'unknown command "nosuch" (commands: tui, demo, report, serve, sim, checks, config, completion, dump, help); see "airgap-top help"',
    ],
    [
      ['report', 'extra'],
      '"airgap-top report" takes no arguments, got "extra"; see "airgap-top report --help"',
    ],
  ])('%j', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(message);
  });

  it('--no-registry-check belongs to the commands that run the probes, and only to them', () => {
    expect(parseCommandLine(['report', '--no-registry-check']).values['no-registry-check']).toBe(true);
    expect(parseCommandLine(['--no-registry-check']).values['no-registry-check']).toBe(true);
    expect(parseCommandLine(['report']).values['no-registry-check']).toBeUndefined();
    expect(() => parseCommandLine(['sim', '--no-registry-check'])).toThrow(
      '--no-registry-check is not a flag of "airgap-top sim"',
    );
    expect(() => parseCommandLine(['report', '--no-registry-check=yes'])).toThrow(
      '--no-registry-check takes no value',
    );
    // Hidden from help until the presence probe runs (accepted meanwhile, so scripts need no change).
    expect(commandHelp('report')).not.toContain('--no-registry-check');
  });

  it('every flag a command lists exists, and every flag belongs to some command', () => {
    const used = new Set<string>(['help', 'version']);
    for (const spec of Object.values(COMMANDS)) for (const f of spec.flags) used.add(f);
    expect([...used].sort()).toEqual(Object.keys(FLAGS).sort());
  });
});

describe('help', () => {
  it.each(Object.keys(COMMANDS) as CommandName[])('%s --help lists exactly its own flags', (command) => {
    const text = commandHelp(command);
    expect(text).toContain(`airgap-top ${COMMANDS[command].usage}`);
    for (const [name, spec] of Object.entries(FLAGS)) {
      const listed = text.includes(`--${name} `) || text.includes(`--${name}\n`);
      const own =
        ['help', 'version', ...COMMANDS[command].flags].includes(name as never) && !('hidden' in spec);
      expect(listed, `--${name} in ${command} help`).toBe(own);
    }
  });

  it('report, sim and the TUI list -v', () => {
    for (const c of ['report', 'sim', 'tui', 'demo'] as const)
      expect(commandHelp(c)).toMatch(/-v, --verbose/);
  });

  it('the CLI prints one command help for "help CMD" and "CMD --help", the overview for --help', () => {
    expect(run(['help', 'report']).stdout).toBe(commandHelp('report'));
    expect(run(['report', '--help']).stdout).toBe(commandHelp('report'));
    expect(run(['sim', '--help']).stdout).toBe(commandHelp('sim'));
    expect(run(['--help']).stdout).toBe(generalHelp());
    const r = run(['help', 'nosuch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('airgap-top: no help for "nosuch": not a command (see "airgap-top help")\n');
  });
});

describe('checks CODE', () => {
  it('explains one check: meaning, severity, remedy, probe, since', () => {
    const text = explainCheck('img-002');
    const check = CHECKS['IMG-002'];
    expect(text).toContain(`IMG-002  ${check.title}`);
    expect(text).toContain('Probe:     Image origins (images)');
    expect(text).toContain(`Severity:  ${check.severity}`);
    expect(text).toContain('Since:     airgap-top 0.1.0');
    expect(text?.replace(/\s+/g, ' ')).toContain(check.remedy);
    expect(text?.replace(/\s+/g, ' ')).toContain(check.description);
  });

  it('the CLI explains a code, and refuses an unknown one with exit 2', () => {
    expect(run(['checks', 'IPAM-004']).stdout).toBe(explainCheck('IPAM-004'));
    const r = run(['checks', 'NOPE-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('airgap-top: no check "NOPE-1" (see "airgap-top checks" for every code)\n');
  });
});

/** Runs the bash completion function on a command line and returns what it offers. */
function bashComplete(words: string[], env: Record<string, string> = {}): string[] {
  const script = renderCompletion('bash');
  const line = words.map((w) => `'${w}'`).join(' ');
  const program = `${script}
airgap-top() { node ${JSON.stringify(CLI)} "$@"; }
COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}
_airgap_top
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '-c', program], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('completion', () => {
  it('bash: commands, per-command flags, formats, check codes, contexts from the kubeconfig', () => {
    expect(bashComplete(['airgap-top', 're'])).toEqual(['report']);
    const reportFlags = bashComplete(['airgap-top', 'report', '--o']);
    expect(reportFlags).toEqual(expect.arrayContaining(['--output', '--output-file', '--output-dir']));
    expect(bashComplete(['airgap-top', 'sim', '--o'])).toEqual([]);
    expect(bashComplete(['airgap-top', 'report', '-o', ''])).toEqual(['json', 'md', 'html', 'junit', 'prom']);
    expect(bashComplete(['airgap-top', 'checks', 'IMG-00'])).toEqual(
      Object.keys(CHECKS).filter((c) => c.startsWith('IMG-00')),
    );
    const kc = join(dir, 'kc.yaml');
    writeFileSync(kc, 'apiVersion: v1\nkind: Config\ncontexts:\n- name: mgmt\n- name: wc-1\n');
    expect(
      bashComplete(['airgap-top', '--context', ''], { KUBECONFIG: `${join(dir, 'missing')}:${kc}` }),
    ).toEqual(['mgmt', 'wc-1']);
  });

  it('zsh reuses the bash definition; fish lists each command and its flags', () => {
    expect(renderCompletion('zsh')).toContain('bashcompinit');
    const fish = renderCompletion('fish');
    expect(fish).toContain(
      "complete -c airgap-top -n '__fish_seen_subcommand_from report' -l output-dir -r -F",
    );
    expect(fish).not.toContain("__fish_seen_subcommand_from sim' -l output-dir");
  });

  it('reads contexts like kubectl: a missing file in KUBECONFIG is skipped', () => {
    const kc = join(dir, 'kc2.yaml');
    writeFileSync(kc, 'contexts:\n- name: a\n');
    expect(kubeconfigContexts(undefined, { KUBECONFIG: `/nonexistent/x:${kc}` })).toEqual(['a']);
    expect(kubeconfigContexts(join(dir, 'nope'), {})).toEqual([]);
  });

  it('the CLI prints the script and refuses an unknown shell', () => {
    expect(run(['completion', 'bash']).stdout).toBe(renderCompletion('bash'));
    expect(run(['completion', 'tcsh']).code).toBe(2);
  });
});
