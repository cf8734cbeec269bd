import type { TablePane } from '../derive.js';
import { Table } from './Table.js';

/** The findings behind one row (when it has several): enter opens one. */
export function FindingsScreen(props: { readonly pane: TablePane; readonly width: number }) {
  return <Table {...props.pane} width={props.width} />;
}
