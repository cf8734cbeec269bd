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

/**
 * The Table's lines are keyed by their place on screen, so a page or a jump updates each line in
 * place (a line of one piece may become one of five): every frame must be the one a fresh render
 * of the same window draws. Seeded random windows and cursors over rows of every kind of text.
 */
describe('Table: lines updated in place', () => {
  const CELLS = [
    'docker.io/library/nginx:1.25',
    'registry.example.internal › tkg/pause:3.9',
    'ノード名 wide characters',
    'e\u0301 combining mark',
    'plain ascii only',
    'a very long image reference that is cut at the column width with an ellipsis',
    '',
  ];
  const SEVERITIES = ['fail', 'warn', 'info', 'pass', undefined] as const;

  function random(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  test.each([1, 2, 3, 4, 5])(
    'seed %i: 12 windows and cursors, each as a fresh render draws it',
    async (seed) => {
      const { Table } = await import('../../src/ui/components/Table.js');
      const { ThemeContext } = await import('../../src/ui/theme.js');
      const next = random(seed);
      const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
      const rows = Array.from({ length: 40 }, (_, i) => ({
        key: `row-${i}`,
        depth: i % 3,
        severity: pick(SEVERITIES),
        cells: { name: `${i} ${pick(CELLS)}`, origin: pick(CELLS) },
      }));
      const table = {
        id: 't',
        title: 'Rows',
        columns: [
          { key: 'name', title: 'NAME', width: 30 },
          { key: 'origin', title: 'ORIGIN' },
        ],
        rows,
        footer: 'footer › here',
      };
      const draw = (start: number, cursor: number) => (
        <ThemeContext.Provider value={{ colour: true, ascii: false }}>
          <Table table={table} rows={rows} cursor={cursor} start={start} height={12} width={90} />
        </ThemeContext.Provider>
      );
      const live = testing.render(draw(0, 0));
      for (let i = 0; i < 12; i++) {
        const start = Math.floor(next() * 32);
        const cursor = start + Math.floor(next() * 9);
        live.rerender(draw(start, cursor));
        const fresh = testing.render(draw(start, cursor));
        expect(live.lastFrame()).toBe(fresh.lastFrame());
        fresh.unmount();
      }
      live.unmount();
    },
  );
});
