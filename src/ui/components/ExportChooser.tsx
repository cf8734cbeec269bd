import { Box, Text } from 'ink';
import { clip } from '../format.js';
import { useTheme } from '../theme.js';

export interface ExportChooserProps {
  readonly formats: readonly { readonly id: string; readonly extension: string }[];
  readonly index: number;
  readonly file: (extension: string) => string;
  readonly width: number;
}

/** ctrl-s: pick the report format; the file goes into the current directory. */
export function ExportChooser(props: ExportChooserProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={props.width}>
      <Text bold color={theme.colour ? 'blue' : undefined}>
        {clip('Export the current report: j/k choose, enter write, 1-9 pick, esc cancel', props.width)}
      </Text>
      {props.formats.map((f, i) => (
        <Text key={f.id} inverse={i === props.index} wrap="truncate">
          {clip(
            `${i === props.index ? '>' : ' '} ${i + 1} ${f.id.padEnd(8)} ${props.file(f.extension)}`,
            props.width,
          )}
        </Text>
      ))}
    </Box>
  );
}
