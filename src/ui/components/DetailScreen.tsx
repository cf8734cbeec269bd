import { Box, Text } from 'ink';
import { clip, type Line } from '../format.js';
import { useTheme } from '../theme.js';
import { Lines } from './Lines.js';

export interface DetailScreenProps {
  readonly lines: readonly Line[];
  readonly scroll: number;
  /** Lines for the text (one more is used for the position). */
  readonly height: number;
  readonly width: number;
}

/** A finding's detail, evidence, remedy and object YAML (or an object alone), scrolled by j/k. */
export function DetailScreen(props: DetailScreenProps) {
  const theme = useTheme();
  const height = Math.max(1, props.height);
  const start = Math.max(0, Math.min(props.scroll, Math.max(0, props.lines.length - height)));
  const visible = props.lines.slice(start, start + height);
  const position =
    props.lines.length > height
      ? `lines ${start + 1}-${start + visible.length} of ${props.lines.length} (j/k, PgDn/PgUp)`
      : '';
  return (
    <Box flexDirection="column" width={props.width}>
      <Lines lines={visible} width={props.width} />
      {position ? (
        <Text wrap="truncate" dimColor={theme.colour}>
          {clip(position, props.width)}
        </Text>
      ) : null}
    </Box>
  );
}
