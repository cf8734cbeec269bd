import { Box, Text } from 'ink';
import { clip } from '../format.js';
import { helpSections, type ViewKind } from '../state/keys.js';
import { useTheme } from '../theme.js';

/** `?`: every key of the current view, from the same table that handles them. */
export function HelpOverlay(props: {
  readonly view: ViewKind;
  readonly width: number;
  readonly height: number;
}) {
  const theme = useTheme();
  const lines: { text: string; heading: boolean }[] = [
    { text: 'Help: keys on this screen (esc or ? closes)', heading: true },
  ];
  for (const section of helpSections(props.view)) {
    lines.push({ text: section.title, heading: true });
    for (const row of section.rows)
      lines.push({ text: `  ${row.label.padEnd(14)} ${row.help}`, heading: false });
  }
  // Two columns when the list is taller than the screen.
  const height = Math.max(1, props.height);
  const columns = Math.ceil(lines.length / height);
  const colWidth = Math.floor(props.width / Math.max(1, columns));
  const cols = Array.from({ length: columns }, (_, c) => lines.slice(c * height, (c + 1) * height));
  return (
    <Box flexDirection="row" width={props.width}>
      {cols.map((col, c) => (
        <Box key={String(c)} flexDirection="column" width={colWidth}>
          {col.map((l, i) => (
            <Text
              key={String(i)}
              wrap="truncate"
              bold={l.heading}
              color={theme.colour && l.heading ? 'blue' : undefined}
            >
              {clip(l.text, colWidth - 1)}
            </Text>
          ))}
        </Box>
      ))}
    </Box>
  );
}
