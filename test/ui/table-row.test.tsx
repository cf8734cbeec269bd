import { beforeAll, describe, expect, test } from 'vitest';

/**
 * A row drawn in pieces (narrowPieces) must reach the terminal exactly as the one Text per line it
 * replaces: same characters, same cells, same colour and inverse codes. Compared with colours on.
 */
const LINES: readonly { text: string; inverse: boolean; color?: string }[] = [
  {
    text: '  ✗  FAIL  IMG-002   Pod apps/web-7f9c…x2 [main]   image not in the private regist…',
    inverse: false,
    color: 'red',
  },
  {
    text: '> ✓  PASS  IMG-001   Pod apps/db-0 [postgres]      image mirrored                        ',
    inverse: true,
    color: 'green',
  },
  { text: '  !  WARN  REG-010   Registry registry.example.internal › tkg', inverse: false, color: 'yellow' },
  { text: '     plain ascii only, no marker', inverse: false },
  { text: '> i  INFO  ノード名 wide characters stay one piece   ', inverse: true, color: 'cyan' },
  { text: '  ✗  e\u0301 combining mark stays whole', inverse: false, color: 'red' },
  { text: '  ✗', inverse: false, color: 'red' },
  { text: '…', inverse: true },
];

// Colours on for this file: Ink (through chalk) reads FORCE_COLOR when it is first loaded.
let ink: typeof import('ink');
let testing: typeof import('ink-testing-library');
let TableRow: typeof import('../../src/ui/components/Table.js').TableRow;
beforeAll(async () => {
  process.env.FORCE_COLOR = '3';
  ink = await import('ink');
  testing = await import('ink-testing-library');
  ({ TableRow } = await import('../../src/ui/components/Table.js'));
});

describe('TableRow', () => {
  test.each(LINES)('%j draws as one Text would', (line) => {
    const width = 100;
    const { Box, Text } = ink;
    const pieces = testing.render(
      <Box flexDirection="column" width={width}>
        <TableRow {...line} />
      </Box>,
    );
    const whole = testing.render(
      <Box flexDirection="column" width={width}>
        <Text wrap="truncate" inverse={line.inverse} color={line.color}>
          {line.text}
        </Text>
      </Box>,
    );
    const frame = pieces.lastFrame();
    expect(frame).toBe(whole.lastFrame());
    // The comparison is with colours: a row with a colour or the cursor bar carries escape codes.
    if (line.color || line.inverse) expect(frame).toContain('\u001b[');
    pieces.unmount();
    whole.unmount();
  });
});
