import { Box, Text } from 'ink';
import type { ProbeResult } from '../../model/evaluate.js';
import { PROBE_META, type ProbeId, probeCommand } from '../../model/probe.js';
import { statusBadge } from '../../views/probe-status.js';
import { clip } from '../format.js';
import { useTheme } from '../theme.js';

export interface NavBarProps {
  readonly results: readonly ProbeResult[];
  readonly current?: ProbeId;
  readonly breadcrumb: string;
  readonly width: number;
}

/** The screens one key away (0-5) with their worst state, and where you are (breadcrumb). */
export function NavBar(props: NavBarProps) {
  const theme = useTheme();
  const full = [
    { id: undefined as ProbeId | undefined, text: '0 overview' },
    ...props.results.map((r, i) => ({
      id: r.id as ProbeId | undefined,
      text: `${i + 1} ${probeCommand(r.id)} ${statusBadge(r)}`,
    })),
  ];
  // On a narrow terminal every probe stays visible with a short name.
  const fits = full.reduce((n, t) => n + t.text.length + 3, 0) <= props.width;
  const tabs = fits
    ? full
    : [
        { id: undefined as ProbeId | undefined, text: '0 home' },
        ...props.results.map((r, i) => ({
          id: r.id as ProbeId | undefined,
          text: `${i + 1} ${PROBE_META[r.id].short} ${statusBadge(r)}`,
        })),
      ];
  let used = 0;
  return (
    <Box flexDirection="column" width={props.width}>
      <Box>
        {tabs.map((t) => {
          const text = ` ${t.text} `;
          if (used + text.length + 1 > props.width) return null;
          used += text.length + 1;
          const active = t.id === props.current;
          return (
            <Text key={t.text.split(' ')[0]} inverse={active} bold={active}>
              {text}
              <Text> </Text>
            </Text>
          );
        })}
      </Box>
      <Text wrap="truncate" color={theme.colour ? 'gray' : undefined}>
        {clip(props.breadcrumb, props.width)}
      </Text>
    </Box>
  );
}
