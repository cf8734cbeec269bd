import { Box, Text } from 'ink';
import { clip } from '../format.js';
import { helpWindow } from '../state/input.js';
import { helpLines, type ViewKind } from '../state/keys.js';
import { useTheme } from '../theme.js';

/**
 * `?`: every key and command, from the same tables that handle them. Taller than the screen, it
 * scrolls (j/k, PgDn/PgUp, g/G) and says where you are, rather than spilling into cut columns.
 */
export function HelpOverlay(props: {
  readonly view: ViewKind;
  readonly width: number;
  readonly height: number;
  readonly scroll: number;
}) {
  const theme = useTheme();
  const lines = helpLines(props.view);
  const fits = lines.length <= Math.max(1, props.height);
  const window = fits ? lines.length : helpWindow(props.height);
  const from = fits ? 0 : Math.min(Math.max(0, props.scroll), lines.length - window);
  const shown = lines.slice(from, from + window);
  return (
    <Box flexDirection="column" width={props.width}>
      {shown.map((l, i) => (
        <Text
          key={String(from + i)}
          wrap="truncate"
          bold={l.heading}
          color={theme.colour && l.heading ? 'blue' : undefined}
        >
          {clip(l.text, props.width)}
        </Text>
      ))}
      {fits ? null : (
        <Text wrap="truncate" dimColor={theme.colour}>
          {clip(
            `lines ${from + 1}-${from + shown.length} of ${lines.length}${from + window < lines.length ? '  ↓ more (j, PgDn)' : ''}`,
            props.width,
          )}
        </Text>
      )}
    </Box>
  );
}
