import { Box, Text } from 'ink';
import { memo } from 'react';
import { secrets } from '../../core/redact.js';
import type { ViewRow, ViewTable } from '../../views/types.js';
import { tableChrome } from '../derive.js';
import { clip, columnWidths, formatCells, formatHeader, narrowPieces, naturalWidths } from '../format.js';
import { SEVERITY_SYMBOL } from '../screen-model.js';
import { severityColour, useTheme } from '../theme.js';

export interface TableProps {
  readonly table: ViewTable;
  /** The rows as shown (filtered, sorted). */
  readonly rows: readonly ViewRow[];
  /** Index of the cursor row in `rows`; -1 when this table does not have the cursor. */
  readonly cursor: number;
  /** First visible row. */
  readonly start: number;
  /** Lines this table may use, title and header included. */
  readonly height: number;
  readonly width: number;
  /** Shown after the title: filter, severity filter, sort. */
  readonly status?: string;
  /** A filter or view problem shown under the title. */
  readonly problem?: string;
  /** What to say when there are no rows. */
  readonly empty?: string;
}

/**
 * Any ViewTable, generically: a severity marker (symbol, readable without colour), tree depth as
 * indentation, fixed-width columns. Only the visible window is rendered, whatever the row count.
 */
export function Table(props: TableProps) {
  const theme = useTheme();
  const { table, rows, width } = props;
  // Natural widths over all rows, not the visible ones: columns keep their width while scrolling.
  const widths = columnWidths(
    table.columns,
    Math.max(10, width - 5),
    naturalWidths(table.columns, table.rows),
  );
  const problemLines = props.problem ? 1 : 0;
  const rowsHeight = Math.max(1, props.height - tableChrome(table) - problemLines);
  const visible = rows.slice(props.start, props.start + rowsHeight);
  const total = table.rows.length;
  const count = rows.length === total ? `${total}` : `${rows.length} of ${total}`;
  const more = rows.length > rowsHeight ? ` ${props.start + 1}-${props.start + visible.length}` : '';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate" bold>
        {clip(`${table.title} (${count})${more}${props.status ? `  ${props.status}` : ''}`, width)}
      </Text>
      {props.problem ? (
        <Text wrap="truncate" color={theme.colour ? 'red' : undefined}>
          {clip(props.problem, width)}
        </Text>
      ) : null}
      <Text wrap="truncate" dimColor={theme.colour} bold={!theme.colour}>
        {clip(`     ${formatHeader(table.columns, widths)}`, width)}
      </Text>
      {visible.length === 0 ? (
        <Text wrap="truncate" dimColor={theme.colour}>
          {clip(`     ${props.empty ?? (total ? 'no rows match the filter' : 'nothing to show')}`, width)}
        </Text>
      ) : (
        visible.map((row, i) => {
          const selected = props.start + i === props.cursor;
          const marker = row.severity ? SEVERITY_SYMBOL[row.severity] : ' ';
          const prefix = `${selected ? '>' : ' '} ${marker}  `;
          const line = clip(
            secrets.redactText(`${prefix}${formatCells(table.columns, widths, row.cells, row.depth ?? 0)}`),
            width,
          );
          // Padding only where it shows (the inverse cursor bar): Ink measures every cell.
          // Keyed by the line on screen, not the row: a page or a jump (PgDn, G, another table)
          // updates the lines' texts in place instead of unmounting them all and mounting new
          // ones (React fibers and Yoga nodes made afresh for every piece of every line).
          return (
            <TableRow
              // biome-ignore lint/suspicious/noArrayIndexKey: the line's position is its identity
              key={i}
              text={selected ? line : line.trimEnd()}
              inverse={selected}
              color={severityColour(theme, row.severity)}
            />
          );
        })
      )}
      {table.footer ? (
        <Text wrap="truncate" dimColor={theme.colour}>
          {clip(secrets.redactText(table.footer), width)}
        </Text>
      ) : null}
    </Box>
  );
}

interface TableRowProps {
  /** The whole line, clipped to the width. */
  readonly text: string;
  readonly inverse: boolean;
  readonly color?: string;
}

/**
 * One row line, re-rendered only when its text or style changes. A line with symbols in it
 * (✗, ✓, a cut cell's …) is drawn as pieces in a row (narrowPieces): the terminal gets the same
 * characters in the same cells with the same styles, and Ink measures mostly plain ASCII.
 */
export const TableRow = memo(function TableRow(props: TableRowProps) {
  const { text, inverse, color } = props;
  const pieces = narrowPieces(text);
  if (pieces.length === 1) {
    return (
      <Text wrap="truncate" inverse={inverse} color={color}>
        {text}
      </Text>
    );
  }
  return (
    <Box>
      {pieces.map((piece, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one line, in order
        <Text key={i} wrap="truncate" inverse={inverse} color={color}>
          {piece}
        </Text>
      ))}
    </Box>
  );
});
