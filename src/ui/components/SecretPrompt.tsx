import { Box, Text, useInput } from 'ink';
import { useRef, useState } from 'react';
import { clip } from '../format.js';
import { splitKeys } from '../state/input.js';
import { SECRET_HINT } from '../state/keys.js';
import {
  EMPTY_SECRET_INPUT,
  masked,
  reduceSecretInput,
  type SecretInputState,
} from '../state/secret-input.js';
import { useTheme } from '../theme.js';

export interface SecretPromptProps {
  /** What is asked for (never the secret). */
  readonly label: string;
  /** Which probe asks. */
  readonly probe: string;
  /** Takes every key while true (the screen's own keys are off meanwhile). */
  readonly isActive: boolean;
  /** The typed value, or undefined for a cancel. Called once. */
  readonly onDone: (value: string | undefined) => void;
  readonly width: number;
}

/**
 * A modal masked input: one • per character typed, never the characters. Remount it (key) for each
 * request so nothing typed for one request survives into the next.
 */
export function SecretPrompt(props: SecretPromptProps) {
  const theme = useTheme();
  // Keys of one chunk (a paste, tmux send-keys) each act on the state the previous one left.
  const stateRef = useRef<SecretInputState>(EMPTY_SECRET_INPUT);
  const [state, setState] = useState<SecretInputState>(EMPTY_SECRET_INPUT);
  const onDone = useRef(props.onDone);
  onDone.current = props.onDone;
  useInput(
    (input, key) => {
      const presses = input.length > 1 ? splitKeys(input) : [{ input, key }];
      for (const press of presses) {
        const before = stateRef.current;
        const next = reduceSecretInput(before, press);
        if (next === before) continue;
        stateRef.current = next;
        if (next.done) {
          onDone.current(next.done.type === 'submit' ? next.done.value : undefined);
          break;
        }
      }
      setState(stateRef.current);
    },
    { isActive: props.isActive },
  );
  const accent = theme.colour ? 'yellow' : undefined;
  return (
    <Box
      flexDirection="column"
      width={props.width}
      borderStyle={theme.ascii ? 'classic' : 'round'}
      borderColor={accent}
    >
      <Text bold color={accent} wrap="truncate">
        {clip(`${props.probe} asks: ${props.label}`, props.width - 2)}
      </Text>
      <Text wrap="truncate">{clip(`password: ${masked(state)}▏`, props.width - 2)}</Text>
      <Text dimColor={theme.colour} wrap="truncate">
        {clip(`${SECRET_HINT}. Kept in memory for this session only, never written.`, props.width - 2)}
      </Text>
    </Box>
  );
}
