import { Text } from 'ink';
import { clip } from '../format.js';
import { useTheme } from '../theme.js';

export interface HeaderProps {
  readonly context?: string;
  readonly server?: string;
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
  const left = `airgap-top  ctx ${props.context ?? '-'}  api ${props.server ?? '-'}  registry ${registry}${props.profile ? ` (${props.profile})` : ''}`;
  const room = Math.max(0, props.width - props.live.length - 1);
  return (
    <Text wrap="truncate" bold color={theme.colour ? 'cyan' : undefined}>
      {clip(left, room)} {props.live}
    </Text>
  );
}
