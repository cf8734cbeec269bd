import { Box } from 'ink';
import type { TablePane } from '../derive.js';
import type { Line } from '../format.js';
import { Lines } from './Lines.js';
import { Table } from './Table.js';

export interface OverviewProps {
  readonly probes: TablePane;
  readonly failures: TablePane;
  readonly problems: readonly Line[];
  readonly width: number;
}

/** Every probe on one row (state, counts, worst finding, freshness), then the worst findings across probes. */
export function Overview(props: OverviewProps) {
  return (
    <Box flexDirection="column" width={props.width}>
      <Table {...props.probes} width={props.width} />
      <Lines lines={props.problems} width={props.width} />
      <Box height={1} />
      <Table {...props.failures} width={props.width} />
    </Box>
  );
}
