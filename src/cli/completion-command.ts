import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { CHECKS } from '../model/checks/index.js';
import { REPORT_FORMATS } from '../report/index.js';
import { COMMANDS, type CommandName, type CommandSpec, FLAGS, type FlagName, type FlagSpec } from './args.js';

/**
 * `airgap-top completion bash|zsh|fish`: shell completion generated from the same flag and command
 * tables the parser uses, so it offers exactly what each command accepts. Context names come from
 * `airgap-top completion contexts` at completion time (the kubeconfig, read like kubectl does).
 */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function isShell(value: string): value is Shell {
  return (SHELLS as readonly string[]).includes(value);
}

const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

function visibleFlags(command: CommandName): FlagName[] {
  const spec: CommandSpec = COMMANDS[command];
  const names: FlagName[] = [...spec.flags, 'help', ...(command === 'tui' ? (['version'] as const) : [])];
  return names.filter((f) => !(FLAGS[f] as FlagSpec).hidden);
}

function spellings(name: FlagName): string[] {
  const spec: FlagSpec = FLAGS[name];
  return spec.short ? [`-${spec.short}`, `--${name}`] : [`--${name}`];
}

function flagsWith(kind: FlagSpec['complete'] | 'value'): string[] {
  return (Object.keys(FLAGS) as FlagName[])
    .filter((n) => {
      const spec: FlagSpec = FLAGS[n];
      return kind === 'value' ? spec.type === 'string' : spec.complete === kind;
    })
    .flatMap(spellings);
}

function bashScript(): string {
  const perCommand = COMMAND_NAMES.map(
    (c) => `    ${c}) flags="${visibleFlags(c).flatMap(spellings).join(' ')}" ;;`,
  ).join('\n');
  const codes = Object.keys(CHECKS).join(' ');
  return `# airgap-top completion for bash: eval "$(airgap-top completion bash)"
# (or save it as /etc/bash_completion.d/airgap-top)
_airgap_top() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local commands="${COMMAND_NAMES.filter((c) => c !== 'tui').join(' ')} tui"
  local value_flags=" ${flagsWith('value').join(' ')} "
  local cmd="" i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ "$value_flags" == *" $w "* ]]; then ((i++)); continue; fi
    [[ "$w" == -* ]] && continue
    if [[ -z "$cmd" && " $commands " == *" $w "* ]]; then cmd="$w"; fi
  done
  case "$prev" in
    ${flagsWith('file').join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    ${flagsWith('dir').join('|')}) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    ${flagsWith('context').join('|')}) COMPREPLY=($(compgen -W "$(airgap-top completion contexts 2>/dev/null)" -- "$cur")); return ;;
    ${flagsWith('format').join('|')}) COMPREPLY=($(compgen -W "${REPORT_FORMATS.join(' ')}" -- "$cur")); return ;;
    --fail-on) COMPREPLY=($(compgen -W "fail warn" -- "$cur")); return ;;
  esac
  if [[ "$value_flags" == *" $prev "* ]]; then COMPREPLY=(); return; fi
  local flags=""
  case "\${cmd:-tui}" in
${perCommand}
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$flags" -- "$cur")); return; fi
  case "$cmd" in
    "") COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
    checks) COMPREPLY=($(compgen -W "${codes}" -- "$cur")) ;;
    completion) COMPREPLY=($(compgen -W "${SHELLS.join(' ')}" -- "$cur")) ;;
    help) COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}
complete -o default -F _airgap_top airgap-top
`;
}

function zshScript(): string {
  // zsh runs the bash function through bashcompinit: one definition of what each command takes.
  return `#compdef airgap-top
# airgap-top completion for zsh: eval "$(airgap-top completion zsh)"
autoload -U +X bashcompinit && bashcompinit
${bashScript()}`;
}

function fishEscape(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fishScript(): string {
  const lines = [
    '# airgap-top completion for fish: airgap-top completion fish | source',
    '# (or save it as ~/.config/fish/completions/airgap-top.fish)',
    'complete -c airgap-top -f',
  ];
  const others = COMMAND_NAMES.filter((c) => c !== 'tui');
  for (const c of COMMAND_NAMES) {
    lines.push(
      `complete -c airgap-top -n '__fish_use_subcommand' -a ${c} -d ${fishEscape(COMMANDS[c].summary)}`,
    );
  }
  for (const c of COMMAND_NAMES) {
    const condition =
      c === 'tui'
        ? `not __fish_seen_subcommand_from ${others.join(' ')}`
        : `__fish_seen_subcommand_from ${c}`;
    for (const name of visibleFlags(c)) {
      const spec: FlagSpec = FLAGS[name];
      const parts = [`complete -c airgap-top -n ${fishEscape(condition)} -l ${name}`];
      if (spec.short) parts.push(`-s ${spec.short}`);
      if (spec.type === 'string') {
        parts.push('-r');
        if (spec.complete === 'file' || spec.complete === 'dir') parts.push('-F');
        if (spec.complete === 'context') parts.push(`-a '(airgap-top completion contexts 2>/dev/null)'`);
        if (spec.complete === 'format') parts.push(`-a ${fishEscape(REPORT_FORMATS.join(' '))}`);
        if (name === 'fail-on') parts.push(`-a 'fail warn'`);
      }
      parts.push(`-d ${fishEscape(spec.help)}`);
      lines.push(parts.join(' '));
    }
  }
  lines.push(
    `complete -c airgap-top -n '__fish_seen_subcommand_from checks' -a ${fishEscape(Object.keys(CHECKS).join(' '))}`,
    `complete -c airgap-top -n '__fish_seen_subcommand_from completion' -a ${fishEscape(SHELLS.join(' '))}`,
    `complete -c airgap-top -n '__fish_seen_subcommand_from help' -a ${fishEscape(COMMAND_NAMES.join(' '))}`,
  );
  return `${lines.join('\n')}\n`;
}

export function renderCompletion(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return bashScript();
    case 'zsh':
      return zshScript();
    case 'fish':
      return fishScript();
  }
}

/**
 * Context names for completion, from the kubeconfig files kubectl would read: `--kubeconfig`, else
 * every file of $KUBECONFIG (missing ones skipped), else ~/.kube/config. Unreadable files give
 * nothing: completion must never print an error into the shell.
 */
export function kubeconfigContexts(kubeconfig: string | undefined, env: NodeJS.ProcessEnv): string[] {
  const files = kubeconfig
    ? [kubeconfig]
    : env.KUBECONFIG
      ? env.KUBECONFIG.split(delimiter).filter(Boolean)
      : [join(env.HOME ?? homedir(), '.kube', 'config')];
  const names = new Set<string>();
  for (const file of files) {
    if (!existsSync(file)) continue;
    try {
      const doc = parseYaml(readFileSync(file, 'utf8')) as { contexts?: { name?: unknown }[] } | null;
      for (const c of doc?.contexts ?? []) if (typeof c?.name === 'string') names.add(c.name);
    } catch {
      // not a kubeconfig: nothing to offer
    }
  }
  return [...names];
}
