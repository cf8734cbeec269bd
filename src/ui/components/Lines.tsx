import { Box, Text } from 'ink';
import { secrets } from '../../core/redact.js';
import { clip, type Line } from '../format.js';
import { toneColour, useTheme } from '../theme.js';

/** Pre-laid-out lines (status, details), masked for secrets at the last moment. */
export function Lines(props: { readonly lines: readonly Line[]; readonly width: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={props.width}>
      {props.lines.map((l, i) => (
        <Text
          key={String(i)}
          wrap="truncate"
          bold={l.tone === 'heading' || l.tone === 'error'}
          color={toneColour(theme, l.tone)}
        >
          {clip(secrets.redactText(l.text), props.width).trimEnd()}
        </Text>
      ))}
    </Box>
  );
}
