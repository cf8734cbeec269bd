import { Text } from 'ink';
import { clip } from '../format.js';
import type { Message, Mode } from '../state/navigation.js';
import { useTheme } from '../theme.js';

export interface StatusLineProps {
  readonly mode: Mode;
  readonly draft: string;
  /** Completion candidates (command line) or the filter's error. */
  readonly aside?: string;
  readonly asideIsError?: boolean;
  readonly message?: Message;
  readonly width: number;
}

/** The command line, the filter being typed, or the last message. */
export function StatusLine(props: StatusLineProps) {
  const theme = useTheme();
  if (props.mode === 'command' || props.mode === 'filter') {
    const prompt = `${props.mode === 'command' ? ':' : '/'}${props.draft}█`;
    const aside = props.aside ? `  ${props.aside}` : '';
    return (
      <Text wrap="truncate">
        <Text bold>{prompt}</Text>
        <Text color={theme.colour ? (props.asideIsError ? 'red' : 'gray') : undefined}>
          {clip(aside, Math.max(0, props.width - prompt.length))}
        </Text>
      </Text>
    );
  }
  if (props.message) {
    return (
      <Text
        wrap="truncate"
        color={theme.colour ? (props.message.tone === 'error' ? 'red' : 'green') : undefined}
      >
        {clip(
          props.message.tone === 'error' ? `error: ${props.message.text}` : props.message.text,
          props.width,
        )}
      </Text>
    );
  }
  return <Text> </Text>;
}
