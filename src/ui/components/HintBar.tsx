import { Text } from 'ink';
import { clip } from '../format.js';
import { hintBar, type ViewKind } from '../state/keys.js';
import { useTheme } from '../theme.js';

/** One line of the most useful keys, generated from the view's key table (or `text`, for a modal). */
export function HintBar(props: { readonly view: ViewKind; readonly width: number; readonly text?: string }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate" dimColor={theme.colour}>
      {clip(props.text ?? hintBar(props.view), props.width)}
    </Text>
  );
}
