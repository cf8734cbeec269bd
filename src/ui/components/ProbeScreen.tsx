import { Box, Text } from 'ink';
import type { TablePane } from '../derive.js';
import type { Line } from '../format.js';
import { clip } from '../format.js';
import { tabStrip } from '../tabs.js';
import { Lines } from './Lines.js';
import { Table } from './Table.js';

export interface ProbeScreenProps {
  readonly statusLines: readonly Line[];
  readonly tabs: readonly {
    readonly id: string;
    readonly title: string;
    readonly count: number;
    readonly active: boolean;
  }[];
  readonly pane: TablePane;
  readonly width: number;
}

/**
 * A probe's screen: its state (error with what to try, progress, live), its tables as tabs
 * (←/→), the active one drawn generically. The findings table is always the last tab.
 */
export function ProbeScreen(props: ProbeScreenProps) {
  return (
    <Box flexDirection="column" width={props.width}>
      <Lines lines={props.statusLines} width={props.width} />
      {props.tabs.length > 1 ? (
        <Text wrap="truncate">{clip(tabStrip(props.tabs, props.width), props.width)}</Text>
      ) : null}
      <Table {...props.pane} width={props.width} />
    </Box>
  );
}
