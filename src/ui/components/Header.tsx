import { Text } from 'ink';
import { clip } from '../format.js';
import { useTheme } from '../theme.js';

export interface HeaderProps {
  readonly context?: string;
  readonly server?: string;
  /** The -n scope; undefined = all namespaces (then nothing is shown). */
  readonly namespace?: string;
  readonly registries: readonly string[];
  readonly profile?: string;
  /** e.g. "● live 12:03:04" or "○ loading". */
  readonly live: string;
  readonly width: number;
}

/** Which cluster, which API server, which private registry: the question this tool answers. */
export function Header(props: HeaderProps) {
  const theme = useTheme();
  const registry = props.registries.length ? props.registries.join(', ') : '(no private registry configured)';
  // A scoped run says so up front: its workload verdicts cover one namespace only.
  const scope = props.namespace ? `  ns ${props.namespace} only` : '';
  const left = `airgap-top  ctx ${props.context ?? '-'}${scope}  api ${props.server ?? '-'}  registry ${registry}${props.profile ? ` (${props.profile})` : ''}`;
  const room = Math.max(0, props.width - props.live.length - 1);
  return (
    <Text wrap="truncate" bold color={theme.colour ? 'cyan' : undefined}>
      {clip(left, room)} {props.live}
    </Text>
  );
}
